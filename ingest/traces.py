"""Traces: spans, their events and links, their attributes, and the trace summary.

Spans are unique by (trace_id, span_id, start_time_unix_nano); events and links hang
off the span's surrogate key with their position in the span. A span with a bad id,
a NUL in a string, an out-of-range number or an absurdly nested value is rejected
whole (with its events and links).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import asyncpg
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

from ingest import attributes, flatten, queries, wire, writer
from ollygraph import codecs, service_graph, span_rollups, store

QUERIES = queries.QUERIES

SHAPE = store.SIGNAL["traces"]
SPANS, EVENTS, LINKS = store.SPANS.name, store.EVENTS.name, store.LINKS.name
SPAN_ATTRS, EVENT_ATTRS, LINK_ATTRS = (store.OWNER[o].attribute_tables for o in SHAPE.owners)
TABLES = writer.tables(SHAPE)
FACTS = [writer.fact(store.SPANS, ("trace_id", "span_id", "start_time_unix_nano"),
                     QUERIES.existing_spans)]

MAX_I64 = 2**63 - 1
ZERO_TRACE, ZERO_SPAN = bytes(16), bytes(8)
STATUS_ERROR = 2


def past_int64(what: str, value: int) -> str:
    return (f"{what} {value} is past 2262-04-11, the last instant of int64 nanoseconds "
            "the store keeps times in")


def check_ids(trace_id: bytes, span_id: bytes, what: str) -> None:
    if len(trace_id) != 16 or trace_id == ZERO_TRACE:
        raise codecs.BadValue(f"{what} trace_id must be 16 bytes, not all zero "
                              f"(got {len(trace_id)} bytes)")
    if len(span_id) != 8 or span_id == ZERO_SPAN:
        raise codecs.BadValue(f"{what} span_id must be 8 bytes, not all zero "
                              f"(got {len(span_id)} bytes)")


class Traces:
    """The traces `flatten.Flow`; its `after` hook maintains the trace summary and the
    service graph's edges (ollygraph.service_graph)."""

    shape, tables, facts = SHAPE, TABLES, FACTS
    prepare = before = None

    def __init__(self, service_names: Mapping[int, str | None]) -> None:
        self.service_names = service_names  # resource id -> its service.name

    def resources(self, request: trace_service_pb2.ExportTraceServiceRequest
                  ) -> Sequence[trace_pb2.ResourceSpans]:
        return request.resource_spans

    def scopes(self, resource: trace_pb2.ResourceSpans) -> Sequence[trace_pb2.ScopeSpans]:
        return resource.scope_spans

    def items(self, scope: trace_pb2.ScopeSpans) -> Sequence[trace_pb2.Span]:
        return scope.spans

    def count(self, spans: Sequence[trace_pb2.Span]) -> dict[str, int]:
        return {SPANS: len(spans)}

    def flatten(self, spans: Sequence[trace_pb2.Span], ctx: flatten.Context,
                prepared: None) -> None:
        rows = ctx.rows
        facts, events, links = rows[SPANS], rows[EVENTS], rows[LINKS]
        span_attrs, event_attrs, link_attrs = ([rows[name] for name in tables]
                                               for tables in (SPAN_ATTRS, EVENT_ATTRS, LINK_ATTRS))
        split = ctx.splitter.split
        next_pk = ctx.pks[SPANS].__next__
        resource_id, scope_id = ctx.resource_id, ctx.scope_id
        stored = 0
        for span in spans:
            pk = next_pk()
            # only a span with events or links can fail after some of its rows are appended
            span_events, span_links = span.events, span.links
            mark = ctx.mark() if span_events or span_links else None
            try:
                trace_id, span_id, parent = span.trace_id, span.span_id, span.parent_span_id
                if len(trace_id) != 16 or len(span_id) != 8 or trace_id == ZERO_TRACE \
                        or span_id == ZERO_SPAN or (parent and (len(parent) != 8
                                                                or parent == ZERO_SPAN)):
                    check_ids(trace_id, span_id, "span")
                    raise codecs.BadValue(f"parent_span_id must be 8 bytes, not all zero "
                                          f"(got {len(parent)} bytes)")
                start, end = span.start_time_unix_nano, span.end_time_unix_nano
                dropped_attributes, dropped_events, dropped_links = (
                    span.dropped_attributes_count, span.dropped_events_count,
                    span.dropped_links_count)
                status, kind = span.status, span.kind
                code = status.code
                # dropped counts are uint32: bigint columns hold them all
                if start > MAX_I64 or end > MAX_I64:
                    raise codecs.BadValue(past_int64("start or end time", max(start, end)))
                # kind and status code are open enums (int32): stored as sent, known or not
                name, trace_state, message = span.name, span.trace_state, status.message
                if "\x00" in name or "\x00" in trace_state or "\x00" in message:
                    for text, what in ((trace_state, "trace_state"), (name, "name"),
                                       (message, "status message")):
                        codecs.check_text(text, what)
                # in store.SPANS column order
                fact = (pk, start, end, trace_id, span_id, parent or None, trace_state, span.flags,
                        name, kind, code, message, resource_id, scope_id, dropped_attributes,
                        dropped_events, dropped_links)
                split(span.attributes, (pk, start), span_attrs)  # appends nothing when it raises
                facts.append(fact)
                if mark is not None:
                    _events_and_links(span_events, span_links, pk, start, events, event_attrs,
                                      links, link_attrs, split)
            except codecs.BadValue as exc:
                if mark is not None:
                    ctx.undo(mark)
                ctx.reject(1, f"span: {exc}")
                continue
            stored += 1
        ctx.items += stored

    async def after(self, conn: asyncpg.Connection, rows: writer.Rows) -> None:
        if rows[SPANS]:
            await conn.execute(QUERIES.upsert_trace_summary,
                               *summary_args(rows[SPANS], self.service_names))
            edges = await service_graph.resolve(conn, rows[SPANS], rows[LINKS],
                                                self.service_names)
            floor = span_rollups.floor_minute
            await span_rollups.mark_late(conn, edges | {floor(r[1]) for r in rows[SPANS]})


def _events_and_links(span_events: Sequence[trace_pb2.Span.Event],
                      span_links: Sequence[trace_pb2.Span.Link], pk: int, start: int,
                      events: list[tuple], event_attrs: attributes.Tables, links: list[tuple],
                      link_attrs: attributes.Tables,
                      split: Callable[[wire.Attributes, tuple, attributes.Tables], None]) -> None:
    check = codecs.check_text
    for index, event in enumerate(span_events):
        if event.time_unix_nano > MAX_I64:
            raise codecs.BadValue(past_int64("event time", event.time_unix_nano))
        events.append((pk, index, start, event.time_unix_nano,
                       check(event.name, "event name"), event.dropped_attributes_count))
        split(event.attributes, (pk, index, start), event_attrs)
    for index, link in enumerate(span_links):
        check_ids(link.trace_id, link.span_id, "link")
        links.append((pk, index, start, link.trace_id, link.span_id,
                      check(link.trace_state, "link trace_state"), link.flags,
                      link.dropped_attributes_count))
        split(link.attributes, (pk, index, start), link_attrs)


def summary_args(spans: list[tuple], service_names: dict[int, str | None]) -> list[list]:
    """Arguments of `upsert_trace_summary` for the span rows of one batch."""
    traces: dict[bytes, list] = {}
    services: set[tuple[bytes, str]] = set()
    for row in spans:
        trace_id, start, end, service = row[3], row[1], row[2], service_names.get(row[12])
        t = traces.get(trace_id)
        if t is None:
            t = traces[trace_id] = [start, end, 0, 0, None, None, None, None]
        t[0], t[1] = min(t[0], start), max(t[1], end)
        t[2] += 1
        t[3] += row[10] == STATUS_ERROR
        if row[5] is None and (t[7] is None or start < t[7]):
            t[4], t[5], t[6], t[7] = row[4], row[8], service, start
        if service:
            services.add((trace_id, service))
    ordered = sorted(traces)
    columns: list[list] = [ordered]
    for i in range(7):
        columns.append([traces[k][i] for k in ordered])
    columns.append([t for t, _ in services])
    columns.append([s for _, s in services])
    return columns
