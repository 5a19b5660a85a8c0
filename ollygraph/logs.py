"""Logging of every ollygraph process: one format (`OLLYGRAPH_LOG_FORMAT`), an access log.

    logs.configure(settings.log_level, settings.log_format)   # at process start

`text` writes `time LEVEL logger: message` lines; `json` writes one JSON object per line
with `time`, `level`, `logger`, `message`, `pid`, the record's extra fields (the access log's
`method`, `path`, `status`, `duration_ms`; an internal error's `correlation_id`) and
`exception` (the traceback, as one string) when there is one. uvicorn's loggers are
routed through the same handler, so a process never mixes two formats.

The access log (logger `ollygraph.access`) has a line per HTTP request (`AccessLog`, an
ASGI middleware) and per OTLP/gRPC export (`access`): INFO, but DEBUG for the probe and
scrape paths (`QUIET_PATHS`), which would otherwise fill it.
"""

from __future__ import annotations

import datetime
import logging
import sys
import time
import uuid
from typing import Any

import orjson

ACCESS = logging.getLogger("ollygraph.access")
QUIET_PATHS = frozenset({"/healthz", "/livez", "/metrics"})
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# loggers that would otherwise bring their own handlers and formats
ROUTED = ("uvicorn", "uvicorn.error", "uvicorn.access", "grpc", "strawberry")
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName", "color_message"}  # uvicorn's message with ANSI colours


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exception"] = record.exc_text
        return orjson.dumps(out, default=str).decode()


def formatter(fmt: str) -> logging.Formatter:
    return JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)


def configure(level: str | int = "INFO", fmt: str = "text") -> None:
    """Send every record of this process to stderr in `fmt` ("text" or "json")."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(fmt))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ROUTED:
        routed = logging.getLogger(name)
        routed.handlers.clear()
        routed.propagate = True


def correlation_id() -> str:
    """A new id for one internal error: in its log record and in the client's answer."""
    return uuid.uuid4().hex[:16]


def internal_error(logger: logging.Logger, what: str, exc: BaseException,
                   **fields: Any) -> str:
    """Log an unexpected failure at ERROR with its traceback and a new correlation id (in
    the message and as `correlation_id`); the id, for the client's answer.

    `what` says where it happened ("in Services at services", "in a traces export")."""
    cid = correlation_id()
    logger.error("internal error %s %s: %s: %s", cid, what, type(exc).__name__, exc,
                 exc_info=exc, extra={**fields, "correlation_id": cid})
    return cid


def access(transport: str, method: str, path: str | None, status: int | str,
           duration_s: float) -> None:
    """One access log line."""
    ms = round(duration_s * 1000, 3)
    level = logging.DEBUG if path in QUIET_PATHS else logging.INFO
    if not ACCESS.isEnabledFor(level):
        return
    fields: dict[str, Any] = {"transport": transport, "method": method, "status": status,
                              "duration_ms": ms}
    if path is not None:
        fields["path"] = path
        ACCESS.log(level, "%s %s %s %.1f ms", method, path, status, ms, extra=fields)
    else:
        ACCESS.log(level, "%s %s %.1f ms", method, status, ms, extra=fields)


class AccessLog:
    """ASGI middleware: an access log line for each HTTP request when it is answered."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # what the client sees when the app fails before answering

        async def sending(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            access("http", scope["method"], scope["path"], status,
                   time.perf_counter() - start)
