"""GraphQL types of the per-trace analysis (gateway.traces.analysis): critical path
segments, per-service totals, gen_ai usage and the comparison of two traces."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from gateway import enums, items, rows, scalars
from gateway.traces import analysis, views

if TYPE_CHECKING:
    from gateway.traces.types import Span, Trace

SpanRef = Annotated["Span", strawberry.lazy("gateway.traces.types")]
TraceRef = Annotated["Trace", strawberry.lazy("gateway.traces.types")]


def _ms(ns: int) -> float:
    return ns / 1e6


def usage(attrs: dict[str, Any]) -> analysis.Usage:
    """A span's own gen_ai usage, read as the `genAi` view reads it."""
    view = views.gen_ai(attrs)
    tokens = (view.input_tokens, view.output_tokens, view.total_tokens)
    if view.cost is None and all(t is None for t in tokens):
        return analysis.NO_USAGE
    total = view.total_tokens
    if total is None:
        total = (view.input_tokens or 0) + (view.output_tokens or 0)
    return analysis.Usage(1, view.input_tokens or 0, view.output_tokens or 0, total, view.cost)


@strawberry.type(description="A time slice of a span that is on the trace's critical path.")
class CriticalPathSegment(rows.Timed):
    span_item: strawberry.Private[Any]

    @classmethod
    def of(cls, segment: analysis.Segment, item: Any) -> CriticalPathSegment:
        return cls(row={"span_id": segment.span_id, "start_time_unix_nano": segment.start,
                        "end_time_unix_nano": segment.end}, span_item=item)

    @strawberry.field
    def span_id(self) -> strawberry.ID:
        return strawberry.ID(self.row["span_id"].hex())

    @strawberry.field(description="The span (already loaded with the trace: no query more).")
    def span(self) -> SpanRef:
        return self.span_item

    @strawberry.field
    def start_time_unix_nano(self) -> scalars.BigInt:
        return self.row["start_time_unix_nano"]

    @strawberry.field
    def end_time_unix_nano(self) -> scalars.BigInt:
        return self.row["end_time_unix_nano"]


@strawberry.type(description="A service's share of a trace.")
class ServiceBreakdown:
    service: str | None
    span_count: int
    error_count: int
    self_time_ms: float = strawberry.field(description="The sum of its spans' self times.")
    critical_path_ms: float = strawberry.field(
        description="The time of its spans' segments on the critical path.")

    @classmethod
    def of(cls, totals: analysis.ServiceTotals) -> ServiceBreakdown:
        return cls(service=totals.service, span_count=totals.span_count,
                   error_count=totals.error_count, self_time_ms=_ms(totals.self_time_ns),
                   critical_path_ms=_ms(totals.critical_path_ns))


@strawberry.type(description="gen_ai usage summed over spans (read as `Span.genAi` reads it).")
class GenAiUsage:
    span_count: int = strawberry.field(description="Spans with a token count or a cost.")
    input_tokens: scalars.BigInt
    output_tokens: scalars.BigInt
    total_tokens: scalars.BigInt = strawberry.field(
        description="Per span its total_tokens, else input + output tokens.")
    cost: float | None = strawberry.field(description="Null when no span carries a cost.")

    @classmethod
    def of(cls, u: analysis.Usage) -> GenAiUsage:
        return cls(span_count=u.span_count, input_tokens=u.input_tokens,
                   output_tokens=u.output_tokens, total_tokens=u.total_tokens, cost=u.cost)


@strawberry.enum
class TraceDiffChange(enum.Enum):
    MATCHED = "matched"
    ADDED = "added"
    REMOVED = "removed"


@strawberry.type
class SpanPathStep:
    service: str | None
    name: str


@strawberry.type(description="The spans at one service+name path (root first) of two traces.")
class TraceDiffNode:
    node: strawberry.Private[analysis.DiffNode]

    @strawberry.field(description="From the root span down to this node.")
    def path(self) -> list[SpanPathStep]:
        return [SpanPathStep(service=s, name=n) for s, n in self.node.path]

    @strawberry.field
    def service(self) -> str | None:
        return self.node.path[-1][0]

    @strawberry.field
    def name(self) -> str:
        return self.node.path[-1][1]

    @strawberry.field(description="0 for a root span.")
    def depth(self) -> int:
        return len(self.node.path) - 1

    @strawberry.field(description="ADDED: only in b; REMOVED: only in a.")
    def change(self) -> TraceDiffChange:
        if not self.node.count_a:
            return TraceDiffChange.ADDED
        return TraceDiffChange.REMOVED if not self.node.count_b else TraceDiffChange.MATCHED

    @strawberry.field(description="Spans at this path in a.")
    def count_a(self) -> int:
        return self.node.count_a

    @strawberry.field(description="Spans at this path in b.")
    def count_b(self) -> int:
        return self.node.count_b

    @strawberry.field(description="The summed durations of its spans in a.")
    def duration_ms_a(self) -> float:
        return _ms(self.node.duration_a_ns)

    @strawberry.field(description="The summed durations of its spans in b.")
    def duration_ms_b(self) -> float:
        return _ms(self.node.duration_b_ns)

    @strawberry.field(description="durationMsB - durationMsA.")
    def duration_delta_ms(self) -> float:
        return _ms(self.node.duration_b_ns - self.node.duration_a_ns)


@strawberry.type(description="Two traces' span trees matched by service+name path.")
class TraceComparison:
    a: TraceRef
    b: TraceRef
    diff: strawberry.Private[list[analysis.DiffNode]]

    @strawberry.field(description="b's duration - a's.")
    def duration_delta_ms(self) -> float:
        a, b = self.a.row, self.b.row
        return _ms((b["end_time_unix_nano"] - b["start_time_unix_nano"])
                   - (a["end_time_unix_nano"] - a["start_time_unix_nano"]))

    @strawberry.field(description="Paths only in b.")
    def added_count(self) -> int:
        return sum(not n.count_a for n in self.diff)

    @strawberry.field(description="Paths only in a.")
    def removed_count(self) -> int:
        return sum(not n.count_b for n in self.diff)

    @strawberry.field(description="The union of both trees, depth first; siblings by their "
                                  "earliest start in either trace.")
    def nodes(self) -> list[TraceDiffNode]:
        return [TraceDiffNode(node=n) for n in self.diff]


def _analysed(row: Any, info: strawberry.Info, then: Any) -> Any:
    """then(analysis of the row's trace): at once when the request has analysed the
    trace already (a span of `Trace.spans`), else an awaitable."""
    loaders = info.context.traces
    found = loaders.analyses.get(row["trace_id"])
    if found is not None:
        return then(found)

    async def load() -> Any:
        return then(await loaders.analysis(row["trace_id"]))

    return load()


ANALYSED = frozenset({"selfTimeMs", "onCriticalPath", "subtreeErrorCount", "subtreeStatus"})
USAGE = frozenset({"subtreeGenAiUsage"})


async def prepare(info: strawberry.Info, spans: Any, wanted: Any) -> None:
    """The analyses (and gen_ai usage) of the spans' traces when `wanted` has fields of
    them: a list of spans then resolves them without an awaitable per span."""
    if wanted & (ANALYSED | USAGE):
        loaders = info.context.traces
        trace_ids = list(dict.fromkeys(span.row["trace_id"] for span in spans))
        await loaders.analyses_of(trace_ids)
        if wanted & USAGE:
            for trace_id in trace_ids:
                await loaders.subtree_usage(trace_id)


@strawberry.type
class SpanAnalysis(rows.Row):
    """The analysis fields of a span: computed over its trace's spans (loaded once per
    request, and not again when the query fetched them with `Trace.spans`). Null for a
    span that the analysis does not reach (past the gateway's spans per trace)."""

    @strawberry.field(description="Its duration minus the time covered by its children "
                      "(their union, each clipped to the span).")
    def self_time_ms(self, info: strawberry.Info) -> float | None:
        span_id = self.row["span_id"]
        return _analysed(self.row, info, lambda a: (
            _ms(a.self_time_ns[span_id]) if span_id in a.self_time_ns else None))

    @strawberry.field(description="Whether a segment of the span is on `Trace.criticalPath`.")
    def on_critical_path(self, info: strawberry.Info) -> bool | None:
        span_id = self.row["span_id"]
        return _analysed(self.row, info, lambda a: (
            span_id in a.on_critical_path if span_id in a.rows else None))

    @strawberry.field(description="Spans with status ERROR in its subtree (itself included).")
    def subtree_error_count(self, info: strawberry.Info) -> int | None:
        return _analysed(self.row, info,
                         lambda a: a.subtree_error_count.get(self.row["span_id"]))

    @strawberry.field(description="ERROR when a span of its subtree (itself included) failed, "
                      "else OK: the error status propagated up the tree.")
    def subtree_status(self, info: strawberry.Info) -> enums.StatusCode | None:
        def status(a: analysis.Analysis) -> enums.StatusCode | None:
            errors = a.subtree_error_count.get(self.row["span_id"])
            if errors is None:
                return None
            return enums.StatusCode.ERROR if errors else enums.StatusCode.OK

        return _analysed(self.row, info, status)

    @strawberry.field(description="gen_ai tokens and cost summed over its subtree (itself "
                      "included).")
    def subtree_gen_ai_usage(self, info: strawberry.Info) -> GenAiUsage | None:
        loaders, trace_id, span_id = info.context.traces, self.row["trace_id"], self.row["span_id"]

        def shape(sums: dict[bytes, analysis.Usage]) -> GenAiUsage | None:
            found = sums.get(span_id)
            return GenAiUsage.of(found) if found is not None else None

        sums = loaders.subtree_usages.get(trace_id)
        if sums is not None:
            return shape(sums)

        async def load() -> GenAiUsage | None:
            return shape(await loaders.subtree_usage(trace_id))

        return load()


@strawberry.type
class TraceAnalysis(rows.Row):
    """The analysis fields of a trace (gateway.traces.analysis), computed from its spans
    when selected."""

    @strawberry.field(description="The time slices of spans that determine the trace's end "
                      "(Jaeger's critical path), oldest first; per root span when there are "
                      "several.")
    async def critical_path(self, info: strawberry.Info) -> list[CriticalPathSegment]:
        a = await info.context.traces.analysis(self.row["trace_id"])
        segments = [CriticalPathSegment.of(s, a.items[s.span_id]) for s in a.critical_path]
        await items.prefetch(info, [s.span_item for s in segments], "span")
        return segments

    @strawberry.field(description="Per service: spans, errors, self time and time on the "
                      "critical path; the most self time first.")
    async def service_breakdown(self, info: strawberry.Info) -> list[ServiceBreakdown]:
        a = await info.context.traces.analysis(self.row["trace_id"])
        return [ServiceBreakdown.of(t) for t in a.services]

    @strawberry.field(description="gen_ai tokens and cost summed over the trace's spans.")
    async def gen_ai_usage(self, info: strawberry.Info) -> GenAiUsage:
        own = await info.context.traces.usage(self.row["trace_id"])
        return GenAiUsage.of(analysis.Analysis.total_usage(own.values()))
