"""Traces: spans, their events and links, their attributes, and the trace summary.

Spans are unique by (trace_id, span_id, start_time_unix_nano); events and links hang
off the span's surrogate key with their position in the span. A span with a bad id,
a NUL in a string, an out-of-range number or an absurdly nested value is rejected
whole (with its events and links).
"""

from __future__ import annotations

from typing import Any

from ingest import attributes, queries, writer
from ollygraph import codecs, span_rollups

QUERIES = queries.QUERIES

RESOURCES, SCOPES, ITEMS = "resource_spans", "scope_spans", "spans"
PROMOTION = "spans"  # span events and links use the spans config too

SPANS, EVENTS, LINKS = "otel_spans_fact", "otel_span_events", "otel_span_links"
SEQUENCES = {SPANS: "otel_spans_fact_span_pk_seq"}
_SPAN_OWNER = ("span_pk", "start_time_unix_nano")
TABLES = [
    writer.Table(SPANS, ("span_pk", "start_time_unix_nano", "end_time_unix_nano", "trace_id",
                         "span_id", "parent_span_id", "trace_state", "flags", "name", "kind_id",
                         "status_code_id", "status_message", "resource_id", "scope_id",
                         "dropped_attributes_count", "dropped_events_count",
                         "dropped_links_count")),
    *attributes.tables("span", _SPAN_OWNER, SPANS),
    writer.Table(EVENTS, ("span_pk", "event_index", "start_time_unix_nano", "time_unix_nano",
                          "name", "dropped_attributes_count"), SPANS),
    *attributes.tables("span_event", ("span_pk", "event_index", "start_time_unix_nano"), SPANS),
    writer.Table(LINKS, ("span_pk", "link_index", "start_time_unix_nano", "linked_trace_id",
                         "linked_span_id", "trace_state", "flags", "dropped_attributes_count"),
                 SPANS),
    *attributes.tables("span_link", ("span_pk", "link_index", "start_time_unix_nano"), SPANS),
]
FACTS = [writer.Fact(SPANS, lambda row: (row[3], row[4], row[1]), QUERIES.existing_spans)]

MAX_I64, MAX_I32 = 2**63 - 1, 2**31 - 1
ZERO_TRACE, ZERO_SPAN = bytes(16), bytes(8)
STATUS_ERROR = 2


def check_ids(trace_id: bytes, span_id: bytes, what: str) -> None:
    if len(trace_id) != 16 or trace_id == ZERO_TRACE:
        raise codecs.BadValue(f"{what} trace_id must be 16 bytes, not all zero "
                              f"(got {len(trace_id)} bytes)")
    if len(span_id) != 8 or span_id == ZERO_SPAN:
        raise codecs.BadValue(f"{what} span_id must be 8 bytes, not all zero "
                              f"(got {len(span_id)} bytes)")


def count(spans: Any) -> dict[str, int]:
    return {SPANS: len(spans)}


def prepare(spans: Any, ctx: Any) -> None:
    return None


def flatten(spans: Any, ctx: Any, prepared: None) -> None:
    rows = ctx.rows
    facts, events, links = rows[SPANS], rows[EVENTS], rows[LINKS]
    span_attrs, event_attrs, link_attrs = (
        [rows[name] for name in attributes.table_names(owner)]
        for owner in ("span", "span_event", "span_link"))
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
            if start > MAX_I64 or end > MAX_I64 or dropped_attributes > MAX_I32 \
                    or dropped_events > MAX_I32 or dropped_links > MAX_I32:
                raise codecs.BadValue("a time or dropped count is out of range")
            if not 0 <= kind <= 5 or not 0 <= code <= 2:
                raise codecs.BadValue(f"unknown kind {kind} or status code {code}")
            name, trace_state, message = span.name, span.trace_state, status.message
            if "\x00" in name or "\x00" in trace_state or "\x00" in message:
                for text, what in ((trace_state, "trace_state"), (name, "name"),
                                   (message, "status message")):
                    codecs.check_text(text, what)
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


def _events_and_links(span_events: Any, span_links: Any, pk: int, start: int, events: list,
                      event_attrs: list, links: list, link_attrs: list, split: Any) -> None:
    check = codecs.check_text
    for index, event in enumerate(span_events):
        if event.time_unix_nano > MAX_I64 or event.dropped_attributes_count > MAX_I32:
            raise codecs.BadValue("an event time or dropped count is out of range")
        events.append((pk, index, start, event.time_unix_nano,
                       check(event.name, "event name"), event.dropped_attributes_count))
        split(event.attributes, (pk, index, start), event_attrs)
    for index, link in enumerate(span_links):
        check_ids(link.trace_id, link.span_id, "link")
        if link.dropped_attributes_count > MAX_I32:
            raise codecs.BadValue("a link dropped count is out of range")
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


def make_after(pipeline: Any) -> writer.Hook:
    async def after(conn: Any, rows: writer.Rows) -> None:
        if rows[SPANS]:
            names = pipeline.dimensions["resources"].service_names
            await conn.execute(QUERIES.upsert_trace_summary, *summary_args(rows[SPANS], names))
            floor = span_rollups.floor_minute
            await span_rollups.mark_late(conn, {floor(r[1]) for r in rows[SPANS]})

    return after


def make_before(pipeline: Any) -> None:
    return None
