"""Logs: log records and their attributes.

A record's identity is `content_hash`, the SHA-256 of its resource and scope hashes and
its own content in canonical form (`wire.content`: the same for every valid encoding),
made distinct for each further identical record of the same request
(`flatten.Context.occurrence`), unique together with the partition key `ts_unix_nano`
(the record's time, else its observed time). A record with neither is stored at its
receipt time; those few are looked up by hash among the records received in the last
RETRY_WINDOW_NS before they are written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import asyncpg
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.logs.v1 import logs_pb2

from ingest import flatten, queries, wire, writer
from ollygraph import codecs, key_registry, store

QUERIES = queries.QUERIES

SHAPE = store.SIGNAL["logs"]
LOGS = store.LOGS.name
LOG_ATTRS = store.OWNER["log"].attribute_tables
TABLES = writer.tables(SHAPE)
FACTS = [writer.fact(store.LOGS, ("content_hash", "ts_unix_nano"), QUERIES.existing_logs)]

BODY_TYPES = {None: 0, "string_value": 1, "bool_value": 2, "int_value": 3, "double_value": 4,
              "array_value": 5, "kvlist_value": 6, "bytes_value": 7}
MAX_I64 = 2**63 - 1
HASH_VERSION = b"log1"
# a record without time or observed time is the same as an identical one received this
# recently (an exporter's retry: the OpenTelemetry Collector gives up after 5 minutes)
RETRY_WINDOW_NS = 10 * 60 * 10**9


def optional_id(value: bytes, size: int, what: str) -> bytes | None:
    """A log's trace or span id: empty or all zero (both mean "none") -> None."""
    if not value or value == bytes(size):
        return None
    if len(value) != size:
        raise codecs.BadValue(f"{what} must be {size} bytes (got {len(value)})")
    return value


class Logs:
    """The logs `flatten.Flow`; its `before` hook drops records stored by an earlier try,
    its `after` hook marks late minutes of the attribute key registry."""

    shape, tables, facts = SHAPE, TABLES, FACTS
    prepare = None

    def resources(self, request: logs_service_pb2.ExportLogsServiceRequest
                  ) -> Sequence[logs_pb2.ResourceLogs]:
        return request.resource_logs

    def scopes(self, resource: logs_pb2.ResourceLogs) -> Sequence[logs_pb2.ScopeLogs]:
        return resource.scope_logs

    def items(self, scope: logs_pb2.ScopeLogs) -> Sequence[logs_pb2.LogRecord]:
        return scope.log_records

    def count(self, records: Sequence[logs_pb2.LogRecord]) -> dict[str, int]:
        return {LOGS: len(records)}

    def flatten(self, records: Sequence[logs_pb2.LogRecord], ctx: flatten.Context,
                prepared: None) -> None:
        rows = ctx.rows
        facts = rows[LOGS]
        attrs = [rows[name] for name in LOG_ATTRS]
        split, check, tagged_json, sha256 = (ctx.splitter.split, codecs.check_text,
                                             codecs.tagged_json, hashlib.sha256)
        content, occurrence = wire.content, ctx.occurrence
        next_pk = ctx.pks[LOGS].__next__
        identity = HASH_VERSION + ctx.resource_hash + ctx.scope_hash
        resource_id, scope_id, now_ns = ctx.resource_id, ctx.scope_id, ctx.now_ns
        stored = 0
        for record in records:
            pk = next_pk()
            try:
                time_ns, observed_ns = record.time_unix_nano, record.observed_time_unix_nano
                if time_ns > MAX_I64 or observed_ns > MAX_I64:
                    raise codecs.BadValue(
                        f"time {time_ns} or observed time {observed_ns} is past 2262-04-11, "
                        "the last instant of int64 nanoseconds the store keeps times in")
                severity = record.severity_number  # an open enum (int32): stored as sent
                ts = time_ns or observed_ns or now_ns
                kvs = list(record.attributes)  # read once: hashed, then split
                body = record.body
                kind = body.WhichOneof("value")
                body_type = BODY_TYPES.get(kind)
                if body_type is None:
                    raise codecs.BadValue(f"body: {kind} is not a value outside profiles")
                fact = (  # in store.LOGS column order
                    pk, ts, time_ns, observed_ns, severity,
                    check(record.severity_text, "severity_text"), body_type,
                    tagged_json(body, kind) if kind else None,
                    optional_id(record.trace_id, 16, "trace_id"),
                    optional_id(record.span_id, 8, "span_id"), record.flags,
                    check(record.event_name, "event_name"), resource_id, scope_id,
                    record.dropped_attributes_count,
                    occurrence(sha256(identity + content(record, kvs)).digest()))
                split(kvs, (pk, ts), attrs)  # appends nothing when it raises
            except codecs.BadValue as exc:
                ctx.reject(1, f"log record: {exc}")
                continue
            facts.append(fact)
            stored += 1
        ctx.items += stored

    async def before(self, conn: asyncpg.Connection, rows: writer.Rows) -> None:
        """Drop the receipt-timed records already stored lately (their ts differs on a
        retry)."""
        unpinned = [r for r in rows[LOGS] if not r[2] and not r[3]]
        if not unpinned:
            return
        seen: set[bytes] = set()
        dropped = set()
        for row in unpinned:
            if row[15] in seen:
                dropped.add(row[0])
            seen.add(row[15])
        since = min(r[1] for r in unpinned) - RETRY_WINDOW_NS
        found = await conn.fetch(QUERIES.existing_logs_any_time, [r[15] for r in unpinned],
                                 since)
        dropped |= {unpinned[r["i"] - 1][0] for r in found}
        writer.drop(rows, TABLES, LOGS, dropped)

    async def after(self, conn: asyncpg.Connection, rows: writer.Rows) -> None:
        """Mark the minutes of records the attribute key registry has passed (late logs)."""
        if rows[LOGS]:
            floor = key_registry.floor_minute
            await key_registry.mark_late(conn, {floor(r[1]) for r in rows[LOGS]})
