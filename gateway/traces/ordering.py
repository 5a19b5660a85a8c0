"""Traces and spans ordered by duration: the listings (gateway.search) of those orders.

A cursor of a duration order holds (duration in ns, id) under its own tag, so a cursor
of the time order is refused there (and the other way round) instead of skipping rows.
"""

from __future__ import annotations

from typing import Any

from gateway import search
from gateway.stats import facets, values
from gateway.traces import filters, types

SQL = filters.SQL
TRACE_FACETS = facets.Subject(
    "otel_trace_summary", "t", {"rootService": "trace_root_service",
                                "rootName": "trace_root_name", "status": "trace_status"},
    "span", "s", join="trace_root_span")
SPAN_FACETS = facets.Subject(
    "otel_spans_fact", "s", {"service": "span_service", "name": "span_name",
                             "kind": "span_kind", "status": "span_status",
                             "semanticType": values.span_semantic_type}, "span", "s")

TRACES = search.Listing(
    kind="td", queries=SQL, search="search_traces_by_duration", count="count_traces",
    filter="trace_duration_keyset", columns=SQL.trace_columns, time_column="duration_ns",
    id_column="trace_id", default_first=20, shape=types.Trace.from_row, facets=TRACE_FACETS)
SPANS = search.Listing(
    kind="sd", queries=SQL, search="search_spans_by_duration", count="count_spans",
    filter="span_duration_keyset", columns=SQL.span_columns, time_column="duration_ns",
    id_column="span_pk", default_first=50, shape=types.Span.from_row, facets=SPAN_FACETS)
_PREFIX = "DURATION_"


def choose(order: Any, by_time: search.Listing, by_duration: search.Listing,
           ) -> tuple[search.Listing, str]:
    """(listing, "ASC" | "DESC") of a TraceOrder or SpanOrder value."""
    value = order.value
    if value.startswith(_PREFIX):
        return by_duration, value[len(_PREFIX):]
    return by_time, value
