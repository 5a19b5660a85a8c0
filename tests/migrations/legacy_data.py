"""Legacy runtime tables (seed 000, seed 001's renamed shape) filled with realistic rows,
and what revision 0002 should make of each row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

SEED_000 = """
CREATE TABLE traces (
    trace_id TEXT PRIMARY KEY, start_ts TIMESTAMPTZ, end_ts TIMESTAMPTZ, duration_ms BIGINT,
    service_name TEXT, environment TEXT, tenant_id TEXT, interaction_id TEXT, status TEXT,
    error_count INT, span_count INT, raw_blob_url TEXT, created_at TIMESTAMPTZ DEFAULT now());
CREATE TABLE spans (
    span_id TEXT PRIMARY KEY, trace_id TEXT REFERENCES traces (trace_id), parent_span_id TEXT,
    name TEXT, kind TEXT, start_ts TIMESTAMPTZ, end_ts TIMESTAMPTZ, duration_ms BIGINT,
    status TEXT, attributes JSONB, events JSONB);
"""
# What seed 001's baseline revision 163d8f446eb9 did to the runtime tables.
SEED_001 = SEED_000 + """
ALTER TABLE traces RENAME COLUMN start_ts TO start_time;
ALTER TABLE traces RENAME COLUMN end_ts TO end_time;
ALTER TABLE traces ADD COLUMN resource_attributes JSONB, ADD COLUMN trace_attributes JSONB;
ALTER TABLE spans RENAME COLUMN start_ts TO start_time;
ALTER TABLE spans RENAME COLUMN end_ts TO end_time;
ALTER TABLE spans RENAME COLUMN status TO status_code;
ALTER TABLE spans RENAME COLUMN attributes TO span_attributes;
ALTER TABLE spans ADD COLUMN status_message TEXT, ADD COLUMN created_at TIMESTAMPTZ DEFAULT now();
CREATE INDEX idx_spans_trace_id ON spans (trace_id);
CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY);
INSERT INTO alembic_version VALUES ('163d8f446eb9');
"""

NOW = dt.datetime.now(dt.UTC).replace(microsecond=123456)
T0 = NOW - dt.timedelta(days=2)
T_OLD = NOW - dt.timedelta(days=40)
MS = dt.timedelta(milliseconds=1)

T1, T2, T3 = ("4bf92f3577b34da6a3ce929d0e0e4736", "5BF92F3577B34DA6A3CE929D0E0E4737",
              "6bf92f3577b34da6a3ce929d0e0e4738")
BAD_TRACE, EMPTY_TRACE = "not-a-trace-id", "7bf92f3577b34da6a3ce929d0e0e4739"
BAD_SPAN = "zz-not-hex"


def unix_nano(t: dt.datetime) -> int:
    return (t - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1) * 1000


TRACES: list[dict[str, Any]] = [
    {"trace_id": T1, "service_name": "checkout", "environment": "prod", "tenant_id": "t-42",
     "interaction_id": "int-1", "status": "ERROR", "raw_blob_url": "s3://blobs/t1.json",
     "start": T0, "end": T0 + 90 * MS},
    {"trace_id": T2, "service_name": "llm-agent", "environment": "staging", "tenant_id": "t-7",
     "interaction_id": None, "status": "OK", "raw_blob_url": None,
     "start": T0 + 5 * MS, "end": T0 + 900 * MS},
    {"trace_id": T3, "service_name": "checkout", "environment": "prod", "tenant_id": None,
     "interaction_id": None, "status": "ERROR", "raw_blob_url": None,
     "start": T_OLD, "end": T_OLD + 20 * MS},
    {"trace_id": BAD_TRACE, "service_name": "ghost", "environment": "prod", "tenant_id": None,
     "interaction_id": None, "status": "OK", "raw_blob_url": None, "start": T0, "end": T0},
    {"trace_id": EMPTY_TRACE, "service_name": "idle", "environment": "prod", "tenant_id": None,
     "interaction_id": None, "status": "OK", "raw_blob_url": None, "start": T0, "end": T0},
]

SPANS: list[dict[str, Any]] = [
    {"span_id": "00f067aa0ba902b7", "trace_id": T1, "parent": None, "name": "GET /cart",
     "kind": "SERVER", "status": "ERROR", "start": T0, "end": T0 + 90 * MS,
     "attributes": {"http.method": "GET", "http.status_code": 500, "http.route": "/cart",
                    "http.request.size": 512.5, "user": {"id": 7, "roles": ["admin", "dev"]},
                    "retry": True, "sampling.ratio": 0.25, "empty": None,
                    "tags": ["a", 1, 2.5, False, None, {"k": "v"}], "big": 9007199254740993},
     "events": [
         {"name": "exception", "timestamp": (T0 + 80 * MS).isoformat(),
          "attributes": {"exception.type": "ValueError", "exception.message": "boom ü",
                         "exception.escaped": False}},
         {"name": "retry", "time_unix_nano": unix_nano(T0 + 85 * MS), "attributes": {"attempt": 2}},
     ]},
    {"span_id": "a1b2c3d4e5f60718", "trace_id": T1, "parent": "00f067aa0ba902b7",
     "name": "SELECT cart", "kind": "client", "status": "OK", "start": T0 + 10 * MS,
     "end": T0 + 40 * MS,
     "attributes": {"db.system": "postgresql", "db.statement": "SELECT * FROM cart WHERE id = $1",
                    "db.rows": 3},
     "events": []},
    {"span_id": "b1b2c3d4e5f60719", "trace_id": T1, "parent": "a1b2c3d4e5f60718",
     "name": "cache.get", "kind": "SPAN_KIND_INTERNAL", "status": "STATUS_CODE_ERROR",
     "start": T0 + 12 * MS, "end": T0 + 13 * MS, "attributes": None,
     "events": [{"name": "cache miss"}]},
    {"span_id": "c1b2c3d4e5f6071a", "trace_id": T2, "parent": "", "name": "agent.run",
     "kind": "SpanKind.INTERNAL", "status": "UNSET", "start": T0 + 5 * MS, "end": T0 + 900 * MS,
     "attributes": {"gen_ai.system": "openai", "llm.request.type": "chat"}, "events": None},
    {"span_id": "D1B2C3D4E5F6071B", "trace_id": T2, "parent": "c1b2c3d4e5f6071a",
     "name": "chat gpt-4o", "kind": "CLIENT", "status": "ok", "start": T0 + 10 * MS,
     "end": T0 + 800 * MS,
     "attributes": {"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 120,
                    "gen_ai.usage.output_tokens": 45, "gen_ai.usage.cost": 0.0042,
                    "http.status_code": "200",
                    "gen_ai.prompt": [{"role": "user", "content": "hi"}]},
     "events": [{"name": "gen_ai.content.completion",
                 "time": (unix_nano(T0 + 700 * MS) // 1_000_000),
                 "attributes": [{"key": "gen_ai.completion", "value": {"stringValue": "hello"}},
                                {"key": "index", "value": {"intValue": "0"}}]}]},
    {"span_id": "e1b2c3d4e5f6071c", "trace_id": T2, "parent": "D1B2C3D4E5F6071B",
     "name": "tool.call", "kind": "weird-kind", "status": "cancelled", "start": T0 + 820 * MS,
     "end": None, "duration_ms": 15, "attributes": {"tool.name": "search"}, "events": None},
    {"span_id": "f1b2c3d4e5f6071d", "trace_id": T3, "parent": None, "name": "POST /pay",
     "kind": "server", "status": "error", "start": T_OLD, "end": T_OLD + 20 * MS,
     "attributes": {"http.method": "POST", "http.status_code": 502}, "events": []},
    {"span_id": BAD_SPAN, "trace_id": T3, "parent": "f1b2c3d4e5f6071d", "name": "broken",
     "kind": "INTERNAL", "status": "OK", "start": T_OLD, "end": T_OLD + MS,
     "attributes": {}, "events": []},
    {"span_id": "0102030405060708", "trace_id": BAD_TRACE, "parent": None, "name": "ghost",
     "kind": "SERVER", "status": "OK", "start": T0, "end": T0 + MS, "attributes": {},
     "events": []},
]

EXPECTED_ERRORS = {
    ("legacy_traces", BAD_TRACE): "trace_id is not 32 hex digits",
    ("legacy_traces", EMPTY_TRACE): "no span of this trace could be converted",
    ("legacy_spans", BAD_SPAN): "span_id is not 16 hex digits",
    ("legacy_spans", "0102030405060708"): "trace_id is not 32 hex digits",
}
KINDS = {"SERVER": 2, "client": 3, "SPAN_KIND_INTERNAL": 1, "SpanKind.INTERNAL": 1, "CLIENT": 3,
         "weird-kind": 0, "server": 2, "INTERNAL": 1}
STATUSES = {"ERROR": 2, "OK": 1, "STATUS_CODE_ERROR": 2, "UNSET": 0, "ok": 1, "cancelled": 0,
            "error": 2}

# seed 001 only: what the added columns hold
RESOURCE_ATTRIBUTES = {T1: {"k8s.pod.name": "checkout-7d9f", "service.port": 8080,
                            "host.arch": "amd64", "service.name": "ignored-by-column"}}
TRACE_ATTRIBUTES = {T2: {"workflow.name": "support-bot", "tenant.id": "overridden"}}
STATUS_MESSAGES = {"00f067aa0ba902b7": "upstream timeout"}


def create(conn: psycopg.Connection, schema: str, seed: str) -> None:
    """The legacy tables of `seed` ("000" or "001") in `schema`, with TRACES and SPANS."""
    new = seed == "001"
    conn.execute(f'CREATE SCHEMA "{schema}"')
    conn.execute(f'SET search_path TO "{schema}"')
    conn.execute(SEED_001 if new else SEED_000)
    start, end = ("start_time", "end_time") if new else ("start_ts", "end_ts")
    with conn.cursor() as cur:
        for t in TRACES:
            extra = ", resource_attributes, trace_attributes" if new else ""
            values = [t["trace_id"], t["start"], t["end"],
                      (t["end"] - t["start"]) // MS, t["service_name"], t["environment"],
                      t["tenant_id"], t["interaction_id"], t["status"], t["raw_blob_url"]]
            if new:
                values += [_json(RESOURCE_ATTRIBUTES.get(t["trace_id"])),
                           _json(TRACE_ATTRIBUTES.get(t["trace_id"]))]
            cur.execute(
                f"INSERT INTO traces (trace_id, {start}, {end}, duration_ms, service_name, "
                f"environment, tenant_id, interaction_id, status, raw_blob_url{extra}) "
                f"VALUES ({', '.join(['%s'] * len(values))})", values)
        for s in SPANS:
            status, attrs = ("status_code", "span_attributes") if new else ("status", "attributes")
            columns = ["span_id", "trace_id", "parent_span_id", "name", "kind", start, end,
                       "duration_ms", status, attrs, "events"]
            duration = s.get("duration_ms", (s["end"] - s["start"]) // MS if s["end"] else None)
            values = [s["span_id"], s["trace_id"], s["parent"], s["name"], s["kind"], s["start"],
                      s["end"], duration, s["status"], _json(s["attributes"]), _json(s["events"])]
            if new:
                columns.append("status_message")
                values.append(STATUS_MESSAGES.get(s["span_id"]))
            cur.execute(f"INSERT INTO spans ({', '.join(columns)}) "
                        f"VALUES ({', '.join(['%s'] * len(values))})", values)


def _json(value: Any) -> Jsonb | None:
    return None if value is None else Jsonb(value)


def good_spans() -> list[dict[str, Any]]:
    return [s for s in SPANS if ("legacy_spans", s["span_id"]) not in EXPECTED_ERRORS]


def trace_of(span: dict[str, Any]) -> dict[str, Any]:
    return next(t for t in TRACES if t["trace_id"] == span["trace_id"])


def expected_attributes(span: dict[str, Any], seed: str) -> dict[str, Any]:
    """The plain attributes the adopted span should carry."""
    trace = trace_of(span)
    attrs: dict[str, Any] = {}
    if seed == "001":
        attrs.update(TRACE_ATTRIBUTES.get(trace["trace_id"], {}))
    for key, column in (("tenant.id", "tenant_id"), ("interaction.id", "interaction_id"),
                        ("legacy.raw_blob_url", "raw_blob_url")):
        if trace[column] is not None:
            attrs[key] = trace[column]
    attrs.update(span["attributes"] or {})
    if KINDS[span["kind"]] == 0:
        attrs["legacy.span_kind"] = span["kind"]
    if STATUSES[span["status"]] == 0 and span["status"] != "UNSET":
        attrs["legacy.status_code"] = span["status"]
    return attrs


def expected_resource(trace: dict[str, Any], seed: str) -> dict[str, Any]:
    resource = dict(RESOURCE_ATTRIBUTES.get(trace["trace_id"], {})) if seed == "001" else {}
    resource["service.name"] = trace["service_name"]
    resource["deployment.environment"] = trace["environment"]
    return resource


def expected_events(span: dict[str, Any]) -> list[tuple[str, int, dict[str, Any]]]:
    """(name, time_unix_nano, plain attributes) of the span's events, in order."""
    out = []
    for event in span["events"] or []:
        if "timestamp" in event:
            time = unix_nano(dt.datetime.fromisoformat(event["timestamp"]))
        elif "time_unix_nano" in event:
            time = event["time_unix_nano"]
        elif "time" in event:
            time = event["time"] * 1_000_000
        else:
            time = unix_nano(span["start"])
        attrs = event.get("attributes") or {}
        if isinstance(attrs, list):
            attrs = {kv["key"]: next(iter(kv["value"].values())) for kv in attrs}
            attrs = {k: int(v) if k == "index" else v for k, v in attrs.items()}
        out.append((event["name"], time, attrs))
    return out
