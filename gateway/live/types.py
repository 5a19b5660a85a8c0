"""The batches live subscriptions deliver: the new nodes and the cursor to resume after
them."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry

from gateway import items, loaders
from gateway.logs import types as log_types
from gateway.metrics import points as metric_points
from gateway.traces import types as trace_types

T = TypeVar("T")


def forget_loaded(context: Any) -> None:
    """Empty the loaders' caches before the next batch: a subscription lives for hours,
    and its context (the connection's) must not keep every node it ever loaded. The
    loaders stay (making new ones for every batch and subscriber cost more than
    executing the batch)."""
    for group in (context.traces, context.logs, context.metrics, context.resources):
        loaders.forget(group)


@strawberry.type
class Batch(Generic[T]):
    node_list: strawberry.Private[list[T]]
    cursor: str = strawberry.field(
        description=(
            "Resume after this batch: subscribe again with `after` set to it to get what "
            "committed since, without gaps or duplicates."
        )
    )

    @strawberry.field(description="The new items, in commit order.")
    async def nodes(self, info: strawberry.Info) -> list[T]:
        if self.node_list and isinstance(self.node_list[0], items.Item):
            await items.prefetch(info, self.node_list)
        return self.node_list


@strawberry.type(description="Spans that matched the filter, as they were committed.")
class SpanBatch(Batch[trace_types.Span]):
    pass


@strawberry.type(description="Traces that gained spans and match the filter.")
class TraceBatch(Batch[trace_types.Trace]):
    pass


@strawberry.type(description="Log records that matched the filter, as they were committed.")
class LogBatch(Batch[log_types.Log]):
    pass


@strawberry.type(
    description="Data points of one metric that matched the filter, as they were committed."
)
class MetricPointBatch(Batch[metric_points.MetricDataPoint]):
    pass
