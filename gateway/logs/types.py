"""Log, linked to its span and trace through the request's loaders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, ClassVar

import strawberry

from gateway import attributes, ids, items, scalars
from ollygraph import store

if TYPE_CHECKING:
    from gateway.traces.types import Span, Trace

SpanRef = Annotated["Span", strawberry.lazy("gateway.traces.types")]
TraceRef = Annotated["Trace", strawberry.lazy("gateway.traces.types")]


@strawberry.type
class Log(items.Item):
    PARTS: ClassVar[tuple[items.Part, ...]] = (
        items.Part("attrs", frozenset({"attributes", "attribute"}),
                   lambda context: context.logs.attributes),
    )

    owner_key = items.owner_key(store.OWNER["log"])

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["log_pk"]))

    @strawberry.field(description="When the event happened (null when the record has no time).")
    def time(self) -> scalars.Timestamp | None:
        return self.row["time_unix_nano"] or None

    @strawberry.field(description="When it was observed (null when the record has no observed "
                                  "time: OTLP's 0, unset).")
    def observed_time(self) -> scalars.Timestamp | None:
        return self.row["observed_time_unix_nano"] or None

    @strawberry.field(description="The record's time_unix_nano as sent (\"0\": unset).")
    def time_unix_nano(self) -> scalars.BigInt:
        return self.row["time_unix_nano"] or 0

    @strawberry.field(description="The record's observed_time_unix_nano as sent (\"0\": unset).")
    def observed_time_unix_nano(self) -> scalars.BigInt:
        return self.row["observed_time_unix_nano"] or 0

    @strawberry.field(description="The time logs are ordered by: time, else observed time.")
    def timestamp(self) -> scalars.Timestamp:
        return self.row["ts_unix_nano"]

    @strawberry.field
    def severity_number(self) -> int | None:
        return self.row["severity_number"] or None

    @strawberry.field
    def severity_text(self) -> str | None:
        return self.row["severity_text"]

    @strawberry.field(description="The body: plain JSON, or with `typed` the tagged AnyValue "
                                  "as stored ({} for an empty one, null when the record has "
                                  "none).")
    def body(self, typed: attributes.Typed = False) -> scalars.JSON | None:
        if typed:
            body = self.row["body"]
            return attributes.tagged(body) if body is not None else None
        return attributes.plain(self.row["body"])

    @strawberry.field
    def event_name(self) -> str | None:
        return self.row["event_name"]

    @strawberry.field
    def trace_id(self) -> strawberry.ID | None:
        return ids.hex_or_none(self.row["trace_id"])

    @strawberry.field
    def span_id(self) -> strawberry.ID | None:
        return ids.hex_or_none(self.row["span_id"])

    @strawberry.field(description="The span the log was emitted in, when stored.")
    async def span(self, info: strawberry.Info) -> SpanRef | None:
        if not self.row["trace_id"] or not self.row["span_id"]:
            return None
        return await info.context.traces.spans.load((self.row["trace_id"], self.row["span_id"]))

    @strawberry.field(description="The trace the log belongs to, when stored.")
    async def trace(self, info: strawberry.Info) -> TraceRef | None:
        if not self.row["trace_id"]:
            return None
        return await info.context.traces.traces.load(self.row["trace_id"])
