"""Settings: `OLLYGRAPH_*` environment variables, with CLI flags on top.

Every setting is declared once in `FIELDS`; the CLI derives its flags from the same
table. A bad value raises `SettingsError` whose message is one line naming the
variable and what is wrong.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

DEFAULT_SCHEMA = "otel"
DEFAULT_OVERRIDES = "/config/attribute-overrides.yaml"

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_DURATION = re.compile(r"^(\d{1,12})\s*(s|m|h|d|w)$")
MAX_DURATION_S = 100 * 365 * 86400  # a century: longer ones overflow nanosecond timestamps
_DURATION_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class SettingsError(ValueError):
    """A setting has a bad value; str() is the one-line message for the user."""


def parse_duration(text: str) -> int:
    """'15m', '6h', '7d' -> seconds."""
    match = _DURATION.match(text.strip().lower())
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"{text[:40]!r} is not a duration like 15m, 6h or 7d")
    seconds = int(match.group(1)) * _DURATION_SECONDS[match.group(2)]
    if seconds > MAX_DURATION_S:
        raise ValueError(f"{text!r} is longer than the longest duration, 100 years")
    return seconds


def _port(text: str) -> int:
    port = int(text)
    if not 0 < port < 65536:
        raise ValueError(f"{text!r} is not a port number (1-65535)")
    return port


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError(f"{text!r} must be a positive integer")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(f"{text!r} must be a positive number")
    return value


def _origins(text: str) -> tuple[str, ...]:
    return tuple(origin.strip() for origin in text.split(",") if origin.strip())


def _database_url(text: str) -> str:
    if not re.match(r"^postgres(ql)?(\+\w+)?://", text):
        raise ValueError("must be a URL starting with postgresql://")
    return text


def _schema(text: str) -> str:
    if not _IDENT.match(text):
        raise ValueError(f"{text!r} is not a plain lower-case SQL identifier")
    return text


def _log_format(text: str) -> str:
    value = text.strip().lower()
    if value not in ("text", "json"):
        raise ValueError(f"{text!r} is not a log format (text or json)")
    return value


def _seconds(text: str) -> int:
    return parse_duration(text)


def _on_off(text: str) -> bool:
    value = text.strip().lower()
    if value not in ("on", "off"):
        raise ValueError(f"{text[:40]!r} is not on or off")
    return value == "on"


def _seconds_or_off(text: str) -> int:
    return 0 if text.strip().lower() in ("0", "off") else parse_duration(text)


def _retention(text: str) -> int | None:
    return parse_duration(text) if text.strip() else None


GATEWAY_EXECUTORS = ("direct", "strawberry")


def _gateway_executor(text: str) -> str:
    name = text.strip().lower()
    if name not in GATEWAY_EXECUTORS:
        raise ValueError(f"{text!r} is not one of {', '.join(GATEWAY_EXECUTORS)}")
    return name


@dataclasses.dataclass(frozen=True)
class Field:
    name: str
    env: tuple[str, ...]
    parse: Callable[[str], Any]
    default: Any
    help: str


FIELDS: tuple[Field, ...] = (
    Field(
        "database_url",
        ("OLLYGRAPH_DATABASE_URL", "POSTGRES_URL"),
        _database_url,
        None,
        "PostgreSQL URL; unset runs an embedded PostgreSQL in the data dir",
    ),
    Field(
        "schema",
        ("OLLYGRAPH_SCHEMA", "OTEL_DB_SCHEMA"),
        _schema,
        DEFAULT_SCHEMA,
        "database schema holding the store",
    ),
    Field(
        "data_dir",
        ("OLLYGRAPH_DATA_DIR",),
        Path,
        Path(".ollygraph"),
        "directory of the embedded PostgreSQL and runtime files",
    ),
    Field("host", ("OLLYGRAPH_HOST",), str, "0.0.0.0", "address the servers listen on"),
    Field("grpc_port", ("OLLYGRAPH_GRPC_PORT",), _port, 4317, "OTLP/gRPC port"),
    Field("http_port", ("OLLYGRAPH_HTTP_PORT",), _port, 4318, "OTLP/HTTP port"),
    Field("gateway_port", ("OLLYGRAPH_GATEWAY_PORT",), _port, 8000, "GraphQL gateway port"),
    Field(
        "attribute_overrides",
        ("OLLYGRAPH_ATTRIBUTE_OVERRIDES",),
        Path,
        Path(DEFAULT_OVERRIDES),
        "attribute promotion override file (used when present)",
    ),
    Field(
        "retention",
        ("OLLYGRAPH_RETENTION",),
        _retention,
        None,
        "drop data older than this (e.g. 7d); `ollygraph up` applies it hourly",
    ),
    Field(
        "partition_days_ahead",
        ("OLLYGRAPH_PARTITION_DAYS_AHEAD",),
        _positive_int,
        2,
        "daily partitions created ahead of today",
    ),
    Field(
        "workers",
        ("OLLYGRAPH_WORKERS",),
        _positive_int,
        1,
        "ingest processes sharing the OTLP ports",
    ),
    Field(
        "max_request_bytes",
        ("OLLYGRAPH_MAX_REQUEST_BYTES",),
        _positive_int,
        20 * 1024 * 1024,
        "largest OTLP request accepted, measured after decompression (OTLP/HTTP's "
        "recommended 20 MiB); larger ones get 413 / RESOURCE_EXHAUSTED",
    ),
    Field(
        "max_in_flight",
        ("OLLYGRAPH_MAX_IN_FLIGHT",),
        _positive_int,
        100_000,
        "items (spans, log records, points) of one signal an ingest process takes in at "
        "once; more get 429 / RESOURCE_EXHAUSTED with a retry hint",
    ),
    Field(
        "max_in_flight_bytes",
        ("OLLYGRAPH_MAX_IN_FLIGHT_BYTES",),
        _positive_int,
        256 * 1024 * 1024,
        "estimated memory of the requests an ingest process holds at once (8 x each body's "
        "size after decompression: decoded and flattened); more get 429 / "
        "RESOURCE_EXHAUSTED with a retry hint",
    ),
    Field(
        "statement_timeout",
        ("OLLYGRAPH_STATEMENT_TIMEOUT",),
        _seconds,
        10,
        "longest a SQL statement of the gateway may run (10s, 2m); a longer one is "
        "cancelled and its GraphQL query answers an error",
    ),
    Field(
        "max_query_cost",
        ("OLLYGRAPH_MAX_QUERY_COST",),
        _positive_int,
        1_000_000,
        "largest potential number of objects a GraphQL query may return (nested list sizes "
        "multiplied); a costlier query is refused before it runs",
    ),
    Field(
        "max_body_bytes",
        ("OLLYGRAPH_MAX_BODY_BYTES",),
        _positive_int,
        1024 * 1024,
        "largest GraphQL request body (query and variables); larger ones get 413",
    ),
    Field(
        "client_concurrency",
        ("OLLYGRAPH_CLIENT_CONCURRENCY",),
        _positive_int,
        4,
        "SQL statements one client (address) may run at once in the gateway; more wait in "
        "a queue",
    ),
    Field(
        "queue_timeout",
        ("OLLYGRAPH_QUEUE_TIMEOUT",),
        _positive_float,
        5.0,
        "seconds a gateway statement waits for its client's turn or a pooled connection; "
        "then the query answers TOO_MANY_REQUESTS (429) or DATABASE_UNAVAILABLE (503)",
    ),
    Field(
        "gateway_executor",
        ("OLLYGRAPH_GATEWAY_EXECUTOR",),
        _gateway_executor,
        "direct",
        "how the gateway executes GraphQL: direct (plain resolvers called without "
        "Strawberry's per-field layers) or strawberry (Strawberry's own executor; the "
        "same results, slower)",
    ),
    Field(
        "rollup_interval",
        ("OLLYGRAPH_ROLLUP_INTERVAL",),
        _seconds_or_off,
        15,
        "how often ingest rolls metric points up into the per-minute rollups that step "
        "series read (15s, 1m; off: never, series then read every point)",
    ),
    Field(
        "cors_origins",
        ("OLLYGRAPH_CORS_ORIGINS",),
        _origins,
        (),
        "comma-separated origins whose pages may send OTLP/HTTP and call the gateway "
        "(/graphql) from a browser (empty: CORS off)",
    ),
    Field("live_max_subscriptions", ("OLLYGRAPH_LIVE_MAX_SUBSCRIPTIONS",), _positive_int, 1000,
          "live subscriptions (GraphQL subscriptions) one gateway process serves at once; "
          "more are refused"),
    Field("live_max_per_connection", ("OLLYGRAPH_LIVE_MAX_PER_CONNECTION",), _positive_int,
          20, "live subscriptions one websocket connection may hold at once; more are refused"),
    Field("live_max_behind", ("OLLYGRAPH_LIVE_MAX_BEHIND",), _positive_int, 10_000,
          "items (spans, traces, log records) a live subscriber may have waiting unsent; a "
          "slower one gets them as one batch, one further behind is closed with an error"),
    Field("live_listen", ("OLLYGRAPH_LIVE_LISTEN",), _on_off, True,
          "on: live subscriptions learn of commits by LISTEN/NOTIFY; off: by polling every "
          "live_poll_interval (behind a transaction-mode pooler, where LISTEN is unreliable)"),
    Field("live_poll_interval", ("OLLYGRAPH_LIVE_POLL_INTERVAL",), _positive_float, 2.0,
          "seconds between the live feed's polls for commits when LISTEN is unavailable "
          "(a transaction-mode pooler), and between its watermark samples"),
    Field("live_settle", ("OLLYGRAPH_LIVE_SETTLE",), _seconds, 120,
          "longest an ingest transaction may take from reserving its keys to committing "
          "(1m, 2m): live cursors treat keys handed out longer ago as committed or lost"),
    Field("live_lookback", ("OLLYGRAPH_LIVE_LOOKBACK",), _seconds, 900,
          "how far back in event time a resumed live subscription (or a poll) looks for "
          "commits it missed (15m, 1h)"),
    Field("live_trace_quiet", ("OLLYGRAPH_LIVE_TRACE_QUIET",), _seconds_or_off, 30,
          "a trace a `traces` subscription was sent is sent again, as it then stands, once "
          "no span of it has committed for this long (30s, 2m; off: never)"),
    Field("log_level", ("OLLYGRAPH_LOG_LEVEL",), lambda s: s.upper(), "INFO", "log level"),
    Field(
        "log_format",
        ("OLLYGRAPH_LOG_FORMAT",),
        _log_format,
        "text",
        "log lines of every process: text (one line per record) or json (one JSON object "
        "per line, with the access log's fields)",
    ),
)


@dataclasses.dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    schema: str = DEFAULT_SCHEMA
    data_dir: Path = Path(".ollygraph")
    host: str = "0.0.0.0"
    grpc_port: int = 4317
    http_port: int = 4318
    gateway_port: int = 8000
    attribute_overrides: Path = Path(DEFAULT_OVERRIDES)
    retention: int | None = None
    partition_days_ahead: int = 2
    workers: int = 1
    max_request_bytes: int = 20 * 1024 * 1024
    max_in_flight: int = 100_000
    max_in_flight_bytes: int = 256 * 1024 * 1024
    statement_timeout: int = 10
    max_query_cost: int = 1_000_000
    max_body_bytes: int = 1024 * 1024
    client_concurrency: int = 4
    queue_timeout: float = 5.0
    gateway_executor: str = "direct"
    rollup_interval: int = 15
    cors_origins: tuple[str, ...] = ()
    live_max_subscriptions: int = 1000
    live_max_per_connection: int = 20
    live_max_behind: int = 10_000
    live_listen: bool = True
    live_poll_interval: float = 2.0
    live_settle: int = 120
    live_lookback: int = 900
    live_trace_quiet: int = 30
    log_level: str = "INFO"
    log_format: str = "text"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def to_env(self) -> dict[str, str]:
        """The environment that reproduces these settings in a child process."""
        env: dict[str, str] = {}
        for field in FIELDS:
            value = getattr(self, field.name)
            if value is None:
                continue
            if field.name in ("retention", "statement_timeout", "rollup_interval",
                              "live_settle", "live_lookback", "live_trace_quiet"):
                value = f"{value}s" if value else "off"
            elif field.name == "live_listen":
                value = "on" if value else "off"
            elif field.name == "cors_origins":
                value = ",".join(value)
            env[field.env[0]] = str(value)
        return env


def load(environ: Mapping[str, str] | None = None, **flags: Any) -> Settings:
    """Settings from the environment, then non-None `flags` (raw CLI strings) on top."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for field in FIELDS:
        source, raw = None, None
        for var in field.env:
            if environ.get(var, "") != "":
                source, raw = var, environ[var]
                break
        flag = flags.get(field.name)
        if flag is not None:
            source, raw = "--" + field.name.replace("_", "-"), str(flag)
        if raw is None:
            values[field.name] = field.default
            continue
        try:
            values[field.name] = field.parse(raw)
        except ValueError as exc:
            detail = str(exc) if "invalid literal" not in str(exc) else f"{raw!r} is not a number"
            raise SettingsError(f"{source}: {detail}") from None
    return Settings(**values)
