"""Subscription fields: spans, traces and logs as they are committed, filtered by the same
inputs as the queries, delivered in batches with a resumable cursor."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated, Any

import strawberry
from graphql import DocumentNode

from gateway import cost, errors, filters, inputs, sqlparts
from gateway.live import cursor, hub, kinds, subscriber, types
from gateway.metrics import metric
from gateway.metrics import queries as metric_queries
from gateway.traces import structure

AFTER = (
    "Resume after this cursor (a batch's `cursor`): what committed since, "
    "without gaps or duplicates."
)
Cursor = Annotated[str | None, strawberry.argument(description=AFTER)]


async def batches(
    info: strawberry.Info, kind: kinds.Kind, flt: Any, after: str | None
) -> AsyncIterator[tuple[list[Any], str]]:
    """The batches of a subscription of `kind`; a bad filter or cursor fails it at
    start, with the queries' errors."""
    request = info.context.request
    # the app's hub (gateway.app's lifespan); none where no app serves (schema tools)
    app = getattr(request, "app", None)
    live: hub.Hub | None = getattr(app.state, "live", None) if app is not None else None
    if live is None:
        raise errors.UserError("live subscriptions need the gateway's app")
    raw = info._raw_info
    # the queries' input caps (the cost extension checks those of queries before they run)
    cost.query_cost(
        raw.schema,
        DocumentNode(definitions=[raw.operation, *raw.fragments.values()]),
        None,
        raw.variable_values,
    )
    if structure.is_structural(flt):
        # a batch holds the new spans only: their relatives may commit in a later one
        raise errors.UserError(
            "live subscriptions do not take nested filters (hasParent, hasChild, "
            "hasAncestor, hasDescendant, not, anyOf, allOf, spans, notSpans): a span's "
            "relatives may commit after it; query spans or traces for them")
    keys = await filters.key_ids(info.context.db, getattr(flt, "attributes", None))
    kind.conditions(sqlparts.Statement(), flt, keys, None)  # raises what the queries raise
    position = cursor.decode(kind.name, after) if after is not None else None
    counts = request.scope.setdefault("ollygraph.live", {"live": 0})
    sub = subscriber.Subscriber(kind, flt, keys, live.settings.live_max_behind)
    async for batch in live.subscribe(sub, position, counts):
        types.forget_loaded(info.context)
        yield batch


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description=(
            "Spans matching the filter, in batches, within about a second of their commit."
        )
    )
    async def spans(
        self,
        info: strawberry.Info,
        filter: inputs.SpanFilter | None = None,
        after: Cursor = None,
    ) -> AsyncGenerator[types.SpanBatch, None]:
        async for nodes, position in batches(info, kinds.SPANS, filter, after):
            yield types.SpanBatch(node_list=nodes, cursor=position)

    @strawberry.subscription(
        description=(
            "Traces that gained spans and match the filter (as the trace summary has them "
            "after the commit), in batches."
        )
    )
    async def traces(
        self,
        info: strawberry.Info,
        filter: inputs.TraceFilter | None = None,
        after: Cursor = None,
    ) -> AsyncGenerator[types.TraceBatch, None]:
        async for nodes, position in batches(info, kinds.TRACES, filter, after):
            yield types.TraceBatch(node_list=nodes, cursor=position)

    @strawberry.subscription(
        description=(
            "Log records matching the filter, in batches, within about a second of their commit."
        )
    )
    async def logs(
        self,
        info: strawberry.Info,
        filter: inputs.LogFilter | None = None,
        after: Cursor = None,
    ) -> AsyncGenerator[types.LogBatch, None]:
        async for nodes, position in batches(info, kinds.LOGS, filter, after):
            yield types.LogBatch(node_list=nodes, cursor=position)

    @strawberry.subscription(
        description=(
            "Data points of the metric `name` (its descriptors when the subscription starts) "
            "matching the point filters of `Metric.series` (`filter`: attribute conditions, "
            "`service`), in batches, within about a second of their commit."
        )
    )
    async def metric_points(
        self,
        info: strawberry.Info,
        name: str,
        filter: list[inputs.AttributeFilter] | None = None,
        service: str | None = None,
        after: Cursor = None,
    ) -> AsyncGenerator[types.MetricPointBatch, None]:
        sql = sqlparts.numbered(
            metric_queries.SQL.metric_by_name,
            ["name"],
            {"columns": metric_queries.SQL.metric_columns},
        )
        rows = await info.context.db.fetch(sql, name)
        if not rows:
            raise errors.UserError(f"no metric named {name!r} has been stored yet")
        found = metric.Metric.from_row(rows[0])
        flt = kinds.PointFilter(found.kind, tuple(found.row["ids"]), filter, service)
        async for nodes, position in batches(info, kinds.POINTS[flt.kind], flt, after):
            yield types.MetricPointBatch(node_list=nodes, cursor=position)
