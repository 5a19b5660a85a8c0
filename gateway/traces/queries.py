"""Query fields of the traces signal: traces, trace, spans, span."""

from __future__ import annotations

import strawberry

from gateway import enums, ids, inputs, pagination, search, sqlparts
from gateway import filters as filtering
from gateway.traces import analysis, analysis_types, attribute_order, filters, ordering, types

SQL = filters.SQL

TRACES = search.Listing(
    kind="t", queries=SQL, search="search_traces", count="count_traces", filter="trace_filter",
    columns=SQL.trace_columns, time_column="start_time_unix_nano", id_column="trace_id",
    default_first=20, shape=types.Trace.from_row, facets=ordering.TRACE_FACETS)
SPANS = search.Listing(
    kind="s", queries=SQL, search="search_spans", count="count_spans", filter="span_filter",
    columns=SQL.span_columns, time_column="start_time_unix_nano", id_column="span_pk",
    default_first=50, shape=types.Span.from_row, facets=ordering.SPAN_FACETS)


@strawberry.type
class Query:
    @strawberry.field(description="Traces (from the trace summary), newest first by default.")
    async def traces(self, info: strawberry.Info, filter: inputs.TraceFilter | None = None,
                     first: int | None = 20, after: str | None = None,
                     order_by: enums.TraceOrder | None = None,
                     ) -> pagination.Connection[types.Trace]:
        stmt = sqlparts.Statement()
        conditions = await filters.search_conditions(info.context.db, stmt, filter)
        listing, direction = ordering.choose(order_by or enums.TraceOrder.START_TIME_DESC,
                                             TRACES, ordering.TRACES)
        return await search.page(info, listing, stmt, conditions, first, after, direction)

    @strawberry.field
    async def trace(self, info: strawberry.Info, trace_id: strawberry.ID) -> types.Trace | None:
        return await info.context.traces.traces.load(ids.trace_id(trace_id))

    @strawberry.field(description="Spans across traces, newest first by default.")
    async def spans(self, info: strawberry.Info, filter: inputs.SpanFilter | None = None,
                    first: int | None = 50, after: str | None = None,
                    order_by: enums.SpanOrder | None = None,
                    order_by_attribute: attribute_order.SpanAttributeOrder | None = None,
                    ) -> pagination.Connection[types.Span]:
        if order_by_attribute is not None:
            attribute_order.check(order_by_attribute, order_by)
        stmt = sqlparts.Statement()
        conditions = await filters.span_search_conditions(info.context.db, stmt, filter)
        if order_by_attribute is not None:
            bounds = filtering.time_bounds(filter.time_range if filter else None)
            return await attribute_order.page(info, order_by_attribute, stmt, conditions,
                                              bounds, first, after)
        listing, direction = ordering.choose(order_by or enums.SpanOrder.START_TIME_DESC,
                                             SPANS, ordering.SPANS)
        return await search.page(info, listing, stmt, conditions, first, after, direction)

    @strawberry.field
    async def span(self, info: strawberry.Info, trace_id: strawberry.ID,
                   span_id: strawberry.ID) -> types.Span | None:
        key = (ids.trace_id(trace_id), ids.span_id(span_id))
        return await info.context.traces.spans.load(key)

    @strawberry.field(description="The span trees of traces `a` and `b` matched by "
                      "service+span-name path, with duration deltas and the paths added "
                      "(only in b) and removed (only in a); null when either is not stored.")
    async def compare_traces(self, info: strawberry.Info, a: strawberry.ID,
                             b: strawberry.ID) -> analysis_types.TraceComparison | None:
        keys = [ids.trace_id(a), ids.trace_id(b)]
        loaders = info.context.traces
        trace_a, trace_b = await loaders.traces.load_many(keys)
        if trace_a is None or trace_b is None:
            return None
        tree_a, tree_b = await loaders.analyses_of(keys)
        return analysis_types.TraceComparison(a=trace_a, b=trace_b,
                                              diff=analysis.compare(tree_a, tree_b))
