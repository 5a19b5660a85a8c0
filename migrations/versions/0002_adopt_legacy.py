"""Adopt the legacy runtime tables `traces` / `spans` into the normalized store.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

When the schema holds the legacy tables of seed 000 (start_ts, end_ts, status,
attributes) or seed 001's renamed shape (start_time, end_time, status_code,
span_attributes, resource_attributes, trace_attributes), every row is converted into the
normalized tables with set-based SQL (`migrations/sql/0002_adopt_legacy.sql`), in
batches of whole traces with progress lines on the `ollygraph.migrations.legacy`
logger. The legacy tables stay, renamed `legacy_traces` / `legacy_spans`; rows that
cannot be converted are logged and listed in `legacy_conversion_errors`. The downgrade
removes exactly what the upgrade inserted and renames the tables back. Without legacy
tables both directions do nothing. See docs/legacy.md for the mapping.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from alembic import op

from migrations import sqlfile
from ollygraph import codecs

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQL = sqlfile.load("0002_adopt_legacy.sql")
log = logging.getLogger("ollygraph.migrations.legacy")

BATCH_SPANS = 5000
# Daily partitions are created for at most this many of the most recent days holding
# legacy spans (older rows land in the DEFAULT partitions): the conversion runs in one
# transaction, which locks every partition it writes to, and the lock table is finite.
MAX_PARTITION_DAYS = 100
ERRORS_LISTED = 50

# The base promotion configuration of seed 003 (ingest/attribute-promotion.yaml), frozen
# at this revision; the span keys apply to span events too, as in ingest.
PROMOTED: dict[str, dict[str, tuple[str, ...]]] = {
    "resource": {
        "string": ("service.name", "service.namespace", "service.instance.id",
                   "deployment.environment", "cloud.provider", "cloud.region",
                   "cloud.availability_zone", "k8s.cluster.name", "k8s.namespace.name",
                   "k8s.pod.name", "k8s.deployment.name", "host.name", "host.type",
                   "container.name", "container.id"),
        "int": ("service.port",),
    },
    "span": {
        "string": ("http.method", "http.route", "http.url", "http.target", "http.host",
                   "http.scheme", "db.system", "db.name", "db.operation", "db.statement",
                   "messaging.system", "messaging.destination", "rpc.system", "rpc.service",
                   "rpc.method", "error.type", "exception.type", "gen_ai.system",
                   "gen_ai.request.model", "gen_ai.response.model", "llm.system",
                   "llm.request.type"),
        "int": ("http.status_code", "rpc.grpc.status_code", "gen_ai.usage.input_tokens",
                "gen_ai.usage.output_tokens", "gen_ai.usage.total_tokens"),
        "double": ("http.request.size", "http.response.size", "gen_ai.usage.cost"),
    },
}
PROMOTED["span_event"] = PROMOTED["span"]

# (unified name, SQL type, legacy column names in order of preference)
TRACE_COLUMNS = (
    ("legacy_id", "text", ("trace_id",)),
    ("service_name", "text", ("service_name",)),
    ("environment", "text", ("environment",)),
    ("tenant_id", "text", ("tenant_id",)),
    ("interaction_id", "text", ("interaction_id",)),
    ("raw_blob_url", "text", ("raw_blob_url",)),
    ("resource_attributes", "jsonb", ("resource_attributes",)),
    ("trace_attributes", "jsonb", ("trace_attributes",)),
)
SPAN_COLUMNS = (
    ("legacy_id", "text", ("span_id",)),
    ("legacy_trace_id", "text", ("trace_id",)),
    ("parent_span_id", "text", ("parent_span_id",)),
    ("name", "text", ("name",)),
    ("kind", "text", ("kind",)),
    ("start_time", "timestamptz", ("start_time", "start_ts")),
    ("end_time", "timestamptz", ("end_time", "end_ts")),
    ("duration_ms", "bigint", ("duration_ms",)),
    ("status", "text", ("status_code", "status")),
    ("status_message", "text", ("status_message",)),
    ("attributes", "jsonb", ("span_attributes", "attributes")),
    ("events", "jsonb", ("events",)),
)
REQUIRED = {"traces": ("legacy_id",), "spans": ("legacy_id", "legacy_trace_id", "start_time")}

# Attribute owners written here: table prefix, owner key columns and their source in
# legacy_batch_attributes.
OWNERS = {
    "resource": ("otel_resource_attrs", (("resource_id", "a.owner_pk"),)),
    "span": ("otel_span_attrs", (("span_pk", "a.owner_pk"),
                                 ("start_time_unix_nano", "a.start_ns"))),
    "span_event": ("otel_span_event_attrs", (("span_pk", "a.owner_pk"), ("event_index", "a.item"),
                                             ("start_time_unix_nano", "a.start_ns"))),
}
TYPED_VALUES = {
    "string": "a.value ->> 'stringValue'",
    "int": "(a.value ->> 'intValue')::bigint",
    "double": "(a.value ->> 'doubleValue')::double precision",
    "bool": "(a.value ->> 'boolValue')::boolean",
}
SPAN_KEYED_TABLES = (
    *(f"otel_span_attrs_{t}" for t in (*TYPED_VALUES, "bytes", "other")),
    *(f"otel_span_event_attrs_{t}" for t in (*TYPED_VALUES, "bytes", "other")),
    "otel_span_events",
    "otel_spans_fact",
)


def resource_hash(attributes: dict[str, Any]) -> bytes:
    """The resource's identity exactly as ingest computes it (`ollygraph.codecs`): the
    canonical hash of {attributes: {key: tagged AnyValue}, dropped_attributes_count: 0,
    schema_url: ""}, so spans ingested later for the same service share the resource."""
    return codecs.canonical_hash({
        "attributes": {key: _canonical(value) for key, value in attributes.items()},
        "dropped_attributes_count": 0,
        "schema_url": "",
    })


def _canonical(value: Any) -> Any:
    """A tagged value as ingest builds it: intValue a string, doubleValue a float."""
    if not isinstance(value, dict):
        return value
    out = {}
    for kind, inner in value.items():
        if kind == "doubleValue" and isinstance(inner, int | float):
            inner = float(inner)
        elif kind == "intValue":
            inner = str(inner)
        elif kind == "arrayValue":
            inner = {"values": [_canonical(v) for v in (inner or {}).get("values", [])]}
        elif kind == "kvlistValue":
            inner = {"values": [{"key": kv["key"], "value": _canonical(kv.get("value", {}))}
                                for kv in (inner or {}).get("values", [])]}
        out[kind] = inner
    return out


def _conn():  # type: ignore[no-untyped-def]
    return op.get_bind().connection.dbapi_connection


def _rows(statement: str, params: Any = None) -> list[tuple[Any, ...]]:
    return _conn().execute(statement, params).fetchall()


def _select_list(table: str, present: set[str], spec: tuple[tuple[str, str, tuple[str, ...]], ...]
                 ) -> tuple[str, dict[str, str]]:
    """The legacy columns under their unified names, and which legacy column each one is."""
    chosen = {name: next((c for c in candidates if c in present), None)
              for name, _, candidates in spec}
    missing = [name for name in REQUIRED[table] if chosen[name] is None]
    if missing:
        raise RuntimeError(
            f"table {table!r} does not look like the legacy runtime schema (seed 000/001): "
            f"no column for {', '.join(missing)}; rename or move it before migrating")
    columns = [f'"{chosen[name]}"::{sql_type} AS {name}' if chosen[name]
               else f"NULL::{sql_type} AS {name}" for name, sql_type, _ in spec]
    return ", ".join(columns), {k: v for k, v in chosen.items() if v}


def _legacy_shape() -> tuple[str, str, str] | None:
    """(trace select list, span select list, span start column), or None without legacy tables."""
    present: dict[str, set[str]] = {}
    for table, column in _rows(SQL["legacy_columns"]):
        present.setdefault(table, set()).add(column)
    if not present:
        return None
    if set(present) != {"traces", "spans"}:
        raise RuntimeError(f"found only {', '.join(present)} of the legacy tables traces/spans; "
                           "both are needed to adopt them")
    for name in ("legacy_traces", "legacy_spans"):
        if _rows("SELECT to_regclass(%s)", (name,))[0][0] is not None:
            raise RuntimeError(f"cannot adopt the legacy tables: {name} already exists")
    traces, _ = _select_list("traces", present["traces"], TRACE_COLUMNS)
    spans, chosen = _select_list("spans", present["spans"], SPAN_COLUMNS)
    shape = "seed 001" if chosen["start_time"] == "start_time" else "seed 000"
    log.info("adopting legacy tables traces/spans (%s shape)", shape)
    return traces, spans, f'"{chosen["start_time"]}"'


def _create_partitions(start_column: str) -> list[str]:
    """Daily partitions for the days holding legacy spans, each day committed on its own."""
    days = [day for (day,) in _rows(SQL["legacy_days"].format(start=start_column,
                                                              max_days=MAX_PARTITION_DAYS))]
    before = {name for (name,) in _rows(SQL["partition_names"])}
    with op.get_context().autocommit_block():
        for n, day in enumerate(sorted(days), 1):
            _conn().execute("SELECT otel_ensure_partitions(%s, %s)", (day, day))
            if n % 10 == 0 or n == len(days):
                log.info("partitions ready for %d/%d legacy days", n, len(days))
    return sorted({name for (name,) in _rows(SQL["partition_names"])} - before)


def _write_attributes(owners: tuple[str, ...]) -> None:
    """legacy_batch_attributes into the typed tables (promoted keys) and the JSONB ones."""
    sqlfile.execute(SQL["register_keys"])
    statements = []
    for owner in owners:
        prefix, key = OWNERS[owner]
        common = {"owner": owner, "columns": ", ".join(c for c, _ in key),
                  "values": ", ".join(v for _, v in key)}
        for value_type, value in TYPED_VALUES.items():
            statements.append(SQL["insert_typed_attributes"].format(
                table=f"{prefix}_{value_type}", value_type=value_type, value=value, **common))
        statements.append(SQL["insert_other_attributes"].format(table=f"{prefix}_other", **common))
    sqlfile.execute(";\n".join(statements))


def _report_errors() -> None:
    errors = _rows(SQL["select_errors"])
    if not errors:
        return
    listed = "; ".join(f"{table} {row_id}: {reason}"
                       for table, row_id, reason in errors[:ERRORS_LISTED])
    more = f" (and {len(errors) - ERRORS_LISTED} more)" if len(errors) > ERRORS_LISTED else ""
    log.warning("%d legacy rows could not be converted and stay in the legacy tables "
                "(see legacy_conversion_errors): %s%s", len(errors), listed, more)


def _adopt_resources() -> None:
    sqlfile.execute(SQL["create_resource_hashes"])
    with _conn().cursor() as cur:
        cur.executemany(SQL["insert_resource_hash"], [
            (json.dumps(resource), resource_hash(resource), first, last)
            for resource, first, last in _rows(SQL["select_resources"])])
    sqlfile.execute(SQL["insert_resources"])
    sqlfile.execute(SQL["resource_attributes"])
    _write_attributes(("resource",))


def upgrade() -> None:
    shape = _legacy_shape()
    if shape is None:
        return
    traces, spans, start_column = shape
    partitions = _create_partitions(start_column)
    sqlfile.execute("SET LOCAL timezone = 'UTC'")
    sqlfile.execute(SQL["adopt_tables"])
    sqlfile.execute(SQL["helper_functions"])
    with _conn().cursor() as cur:
        cur.executemany("INSERT INTO legacy_promoted (owner, key, value_type) VALUES (%s, %s, %s)",
                        [(owner, key, value_type) for owner, types in PROMOTED.items()
                         for value_type, keys in types.items() for key in keys])
        cur.executemany("INSERT INTO legacy_adopted_partitions (name) VALUES (%s)",
                        [(name,) for name in partitions])
    sqlfile.execute(SQL["stage_traces"].format(columns=traces))
    sqlfile.execute(SQL["stage_spans"].format(columns=spans, batch_size=BATCH_SPANS))
    sqlfile.execute(SQL["record_errors"])
    _report_errors()
    _adopt_resources()
    ((total, batches),) = _rows(SQL["select_progress"])
    done = 0
    for batch in range(batches):
        sqlfile.execute(SQL["batch_spans"].format(batch=batch))
        _write_attributes(("span", "span_event"))
        sqlfile.execute(SQL["rebuild_trace_summaries"].format(
            trace_ids="SELECT trace_id FROM legacy_batch"))
        done += _rows("SELECT count(*) FROM legacy_batch")[0][0]
        log.info("adopted %d/%d legacy spans (batch %d/%d)", done, total, batch + 1, batches)
    sqlfile.execute(SQL["drop_staging"])
    log.info("legacy adoption done: %d spans converted; legacy tables kept as "
             "legacy_traces/legacy_spans", done)


def downgrade() -> None:
    if not _rows(SQL["adopted"])[0][0]:
        return
    partitions = [name for (name,) in _rows(SQL["adopted_partitions"])]
    for table in SPAN_KEYED_TABLES:
        sqlfile.execute(SQL["delete_adopted_rows"].format(table=table))
    sqlfile.execute(SQL["delete_adopted_summaries"])
    sqlfile.execute(SQL["rebuild_trace_summaries"].format(
        trace_ids="SELECT trace_id FROM legacy_summary_traces"))
    unused = "".join(f" AND NOT EXISTS (SELECT 1 FROM {table} AS x WHERE x.key_id = k.key_id)"
                     for (table,) in _rows(SQL["typed_attribute_tables"]))
    sqlfile.execute(SQL["delete_adopted_dimensions"].format(unused_key=unused))
    sqlfile.execute(SQL["release_tables"])
    log.info("legacy adoption undone: tables renamed back to traces/spans")
    with op.get_context().autocommit_block():
        for name in partitions:
            if _rows("SELECT to_regclass(%s)", (name,))[0][0] is None:
                continue
            if not _rows(f'SELECT EXISTS (SELECT 1 FROM "{name}")')[0][0]:
                _conn().execute(f'DROP TABLE "{name}"')
