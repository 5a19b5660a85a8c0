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


def _path_or_none(text: str) -> Path | None:
    return Path(text) if text.strip() else None


def _text_or_none(text: str) -> str | None:
    return text.strip() or None


def _non_negative_float(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise ValueError(f"{text!r} must be zero or a positive number")
    return value


def _algorithms(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    refused = [name for name in names if name.lower() == "none" or name.startswith("HS")]
    if refused or not names:
        raise ValueError("must list asymmetric JWT algorithms (RS256, ES256, ...); "
                         f"{', '.join(refused) or 'none'} refused")
    return names


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
    Field("host", ("OLLYGRAPH_HOST",), _text_or_none, None,
          "address the servers listen on (default: 0.0.0.0 with auth on, 127.0.0.1 with "
          "auth off)"),
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
    Field("auth", ("OLLYGRAPH_AUTH",), _on_off, False,
          "on: ingest and the gateway require authorization: Bearer credentials (API keys, "
          "OIDC tokens at the gateway); off: anyone who reaches the ports may write and read"),
    Field("allow_unauthenticated", ("OLLYGRAPH_ALLOW_UNAUTHENTICATED",), _on_off, False,
          "on: with auth off, listen on an address other than loopback anyway (a warning is "
          "printed)"),
    Field("api_keys_file", ("OLLYGRAPH_API_KEYS_FILE",), _path_or_none, None,
          "file of API keys, one `KEY-OR-sha256:HEX TENANT ROLE` per line (e.g. a mounted "
          "Secret), besides the keys made by `ollygraph keys create`"),
    Field("auth_cache_ttl", ("OLLYGRAPH_AUTH_CACHE_TTL",), _non_negative_float, 10.0,
          "seconds a credential check's answer is reused (a revoked key works this long "
          "at most)"),
    Field("oidc_issuer", ("OLLYGRAPH_OIDC_ISSUER",), _text_or_none, None,
          "OIDC issuer (`iss`) the gateway accepts bearer JWTs from (unset: no OIDC)"),
    Field("oidc_audience", ("OLLYGRAPH_OIDC_AUDIENCE",), _text_or_none, None,
          "audience (`aud`) an OIDC token must name"),
    Field("oidc_jwks_url", ("OLLYGRAPH_OIDC_JWKS_URL",), _text_or_none, None,
          "URL of the issuer's JWKS (fetched, cached, refetched for an unknown key id)"),
    Field("oidc_jwks_file", ("OLLYGRAPH_OIDC_JWKS_FILE",), _path_or_none, None,
          "file holding the issuer's JWKS, for sites without access to the issuer"),
    Field("oidc_tenant_claim", ("OLLYGRAPH_OIDC_TENANT_CLAIM",), str, "tenant",
          "claim of an OIDC token that names its tenant"),
    Field("oidc_algorithms", ("OLLYGRAPH_OIDC_ALGORITHMS",), _algorithms, ("RS256", "ES256"),
          "JWT signature algorithms accepted (asymmetric only; none and HS* are refused)"),
    Field("tls_cert_file", ("OLLYGRAPH_TLS_CERT_FILE",), _path_or_none, None,
          "PEM certificate (chain) for TLS on OTLP/gRPC, OTLP/HTTP and the gateway"),
    Field("tls_key_file", ("OLLYGRAPH_TLS_KEY_FILE",), _path_or_none, None,
          "PEM private key of tls_cert_file"),
    Field("tenant_items_per_second", ("OLLYGRAPH_TENANT_ITEMS_PER_SECOND",),
          _non_negative_float, 0.0,
          "items (spans, log records, points) one tenant may send per second, averaged over "
          "a burst of one second's worth (0: no limit); more get 429 / RESOURCE_EXHAUSTED"),
    Field("tenant_bytes_per_second", ("OLLYGRAPH_TENANT_BYTES_PER_SECOND",),
          _non_negative_float, 0.0,
          "request bytes (after decompression) one tenant may send per second (0: no limit)"),
    Field("tenant_concurrency", ("OLLYGRAPH_TENANT_CONCURRENCY",), _positive_int, 8,
          "SQL statements one tenant's queries may run at once in the gateway (with auth on); "
          "more wait in a queue"),
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
    host: str = "127.0.0.1"
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
    auth: bool = False
    allow_unauthenticated: bool = False
    api_keys_file: Path | None = None
    auth_cache_ttl: float = 10.0
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    oidc_jwks_file: Path | None = None
    oidc_tenant_claim: str = "tenant"
    oidc_algorithms: tuple[str, ...] = ("RS256", "ES256")
    tls_cert_file: Path | None = None
    tls_key_file: Path | None = None
    tenant_items_per_second: float = 0.0
    tenant_bytes_per_second: float = 0.0
    tenant_concurrency: int = 8
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
            elif isinstance(value, bool):
                value = "on" if value else "off"
            elif field.name in ("cors_origins", "oidc_algorithms"):
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
    if values["host"] is None:
        values["host"] = "0.0.0.0" if values["auth"] else "127.0.0.1"
    if (values["tls_cert_file"] is None) != (values["tls_key_file"] is None):
        raise SettingsError("OLLYGRAPH_TLS_CERT_FILE and OLLYGRAPH_TLS_KEY_FILE go together: "
                            "set both or neither")
    return Settings(**values)


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def exposed_without_auth(cfg: Settings) -> bool:
    """True when the servers would listen beyond this machine with auth off."""
    return not cfg.auth and not (cfg.host in LOOPBACK or cfg.host.startswith("127."))


def uvicorn_tls(cfg: Settings) -> dict[str, str]:
    """uvicorn's TLS options for the configured certificate and key (none: plain HTTP)."""
    if cfg.tls_cert_file is None or cfg.tls_key_file is None:
        return {}
    return {"ssl_certfile": str(cfg.tls_cert_file), "ssl_keyfile": str(cfg.tls_key_file)}
