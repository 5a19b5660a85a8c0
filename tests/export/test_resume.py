"""An interrupted export continues where it stopped and writes nothing twice."""

from __future__ import annotations

import json

from tests.export import canonical, storerows
from tests.export.conftest import Store, export


def _range(window) -> list[str]:
    start, end, _ = window
    return ["--from", str(start), "--to", str(end), "--batch-size", "2"]


def test_stopped_export_resumes_without_repeating(source: Store, window, tmp_path) -> None:
    whole = tmp_path / "whole.jsonl"
    export(source, *_range(window), "--out", str(whole))
    out = tmp_path / "parts.jsonl"
    first = export(source, *_range(window), "--out", str(out), "--max-requests", "3")
    assert "stopped after 3 requests" in first.stderr
    state = json.loads((tmp_path / "parts.jsonl.state").read_text())
    assert state["keys"]["traces"] and state["position"] == out.stat().st_size
    assert len(out.read_text().splitlines()) == 3
    # a batch written but not yet recorded when the process died: cut off on resume
    with open(out, "a") as f:
        f.write('{"resourceSpans": [half a line')
    for _ in range(3):
        export(source, *_range(window), "--out", str(out), "--max-requests", "4")
    export(source, *_range(window), "--out", str(out))
    parts, one_go = (canonical.parse_lines(p.read_text()) for p in (out, whole))
    # in twos per stream: 7 spans, 8 records, 4 number + 2 + 2 + 1 points
    assert len(parts) == len(one_go) == 4 + 4 + 2 + 1 + 1 + 1
    assert canonical.merged(parts) == canonical.merged(one_go)
    assert len(set(canonical.merged(parts))) == len(canonical.merged(parts))
    # finished: running it again sends nothing more
    again = export(source, *_range(window), "--out", str(out))
    assert "exported nothing" in again.stderr
    assert canonical.parse_lines(out.read_text()) == parts


def test_state_of_another_range_is_refused(source: Store, window, tmp_path) -> None:
    out = tmp_path / "x.jsonl"
    export(source, *_range(window), "--out", str(out), "--max-requests", "1")
    start, end, _ = window
    done = export(source, "--from", str(start + 1), "--to", str(end), "--out", str(out),
                  check=False)
    assert done.returncode == 2 and "another time range" in done.stderr


def test_export_to_a_receiver_resumes(source: Store, replica: Store, window, sql,
                                      tmp_path) -> None:
    state = tmp_path / "to-replica.state"
    target = ["--endpoint", replica.ingest.grpc_target, "--state", str(state)]
    first = export(source, *_range(window), *target, "--max-requests", "5")
    assert "stopped after 5 requests" in first.stderr
    assert storerows.content(sql, replica.schema) != storerows.content(sql, source.schema)
    rest = export(source, *_range(window), *target)
    assert "in 8 requests" in rest.stderr  # 13 in all: none of the first 5 again
    assert storerows.content(sql, replica.schema) == storerows.content(sql, source.schema)
