"""The log formats: a JSON object per line with the record's fields, or the text line; and
OLLYGRAPH_LOG_FORMAT as a setting."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from ollygraph import logs, settings


def record(message: str, *args: object, exc_info: object = None, **extra: object):
    rec = logging.LogRecord("ollygraph.test", logging.ERROR, __file__, 1, message, args,
                            exc_info)
    rec.__dict__.update(extra)
    return rec


def test_json_lines_carry_the_extra_fields_and_the_traceback():
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        exc_info = sys.exc_info()
    line = logs.JsonFormatter().format(record("failed %s", "x", exc_info=exc_info,
                                              correlation_id="abc123", duration_ms=1.5))
    assert "\n" not in line
    out = json.loads(line)
    assert out["message"] == "failed x" and out["level"] == "ERROR"
    assert out["logger"] == "ollygraph.test" and out["time"].endswith("Z")
    assert out["correlation_id"] == "abc123" and out["duration_ms"] == 1.5
    assert "Traceback" in out["exception"] and "ValueError: boom" in out["exception"]
    assert "msg" not in out and "args" not in out  # the standard attributes are not repeated


def test_text_lines_keep_the_classic_format():
    line = logs.formatter("text").format(record("plain %d", 5))
    assert line.endswith(" ERROR ollygraph.test: plain 5")


def test_log_format_setting():
    assert settings.load({}).log_format == "text"
    cfg = settings.load({"OLLYGRAPH_LOG_FORMAT": "JSON"})
    assert cfg.log_format == "json" and settings.load(cfg.to_env()) == cfg
    assert settings.load({}, log_format="json").log_format == "json"
    with pytest.raises(settings.SettingsError, match="OLLYGRAPH_LOG_FORMAT: 'xml' is not a log"):
        settings.load({"OLLYGRAPH_LOG_FORMAT": "xml"})
