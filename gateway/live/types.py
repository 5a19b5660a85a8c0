"""The batches live subscriptions deliver: the new nodes and the cursor to resume after
them."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry

from gateway import items, resources
from gateway.logs import loaders as log_loaders
from gateway.logs import types as log_types
from gateway.metrics import loaders as metric_loaders
from gateway.traces import loaders as trace_loaders
from gateway.traces import types as trace_types

T = TypeVar("T")


def renew_loaders(context: Any) -> None:
    """New loaders (so new caches) for the next batch: a subscription lives for hours, and
    its context (the connection's) must not keep every node it ever loaded."""
    database = context.db
    context.traces = trace_loaders.Loaders(database)
    context.logs = log_loaders.Loaders(database)
    context.metrics = metric_loaders.Loaders(database)
    context.resources = resources.Loaders(database)


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
