"""Filter inputs of the GraphQL contract (field arguments; see gateway.filters for SQL)."""

from __future__ import annotations

import strawberry

from gateway import enums, scalars


@strawberry.input(description="Absolute bounds (from inclusive, to inclusive) and/or `last`.")
class TimeRange:
    from_: scalars.Timestamp | None = strawberry.field(default=None, name="from")
    to: scalars.Timestamp | None = None
    last: str | None = strawberry.field(
        default=None, description='Relative window ending now: "15m", "6h", "7d".')


@strawberry.input(description="A condition on one attribute. Promoted and unpromoted keys "
                              "match alike; numbers compare as numbers.")
class AttributeFilter:
    key: str
    op: enums.AttributeOp = enums.AttributeOp.EQ
    value: scalars.JSON | None = None
    values: list[scalars.JSON] | None = None
    scope: enums.AttributeScope | None = strawberry.field(
        default=None, description="Whose attributes: SPAN (default for spans and traces), "
                                  "LOG (default for logs), RESOURCE, SCOPE, EVENT or LINK.")


@strawberry.input(description="Conditions on a text; all that are given must hold.")
class TextMatch:
    prefix: str | None = strawberry.field(default=None, description="Starts with this.")
    contains: str | None = None
    regex: str | None = strawberry.field(
        default=None, description="Matches this POSIX regular expression.")


@strawberry.input(description="Span conditions; all must hold.")
class SpanFilter:
    time_range: TimeRange | None = None
    trace_id: strawberry.ID | None = None
    service: str | None = None
    name: str | None = None
    kind: enums.SpanKind | None = None
    status: enums.StatusCode | None = None
    root_only: bool | None = None
    min_duration_ms: float | None = None
    max_duration_ms: float | None = None
    semantic_type: enums.SemanticType | None = None
    attributes: list[AttributeFilter] | None = None
    name_match: TextMatch | None = None
    event_name: str | None = strawberry.field(
        default=None, description="The span has an event of this name.")
    linked_trace_id: strawberry.ID | None = strawberry.field(
        default=None, description="The span links to a span of this trace.")
    has_parent: SpanFilter | None = strawberry.field(
        default=None, description="The span's parent satisfies this filter.")
    has_child: SpanFilter | None = strawberry.field(
        default=None, description="Some child of the span satisfies this filter.")
    has_ancestor: SpanFilter | None = strawberry.field(
        default=None, description="Some span above it in its trace satisfies this filter.")
    has_descendant: SpanFilter | None = strawberry.field(
        default=None, description="Some span below it in its trace satisfies this filter.")
    not_: SpanFilter | None = strawberry.field(
        default=None, name="not", description="The span does not satisfy this filter.")
    any_of: list[SpanFilter] | None = strawberry.field(
        default=None, description="The span satisfies at least one of these filters.")
    all_of: list[SpanFilter] | None = strawberry.field(
        default=None, description="The span satisfies every one of these filters.")


@strawberry.input(description="Trace conditions. The span-level ones (spanName, kind, "
                              "semanticType, attributes) must all hold for one span.")
class TraceFilter:
    time_range: TimeRange | None = None
    service: str | None = strawberry.field(
        default=None, description="Some span of the trace comes from this service.")
    root_service: str | None = None
    root_name: str | None = None
    status: enums.StatusCode | None = strawberry.field(
        default=None, description="ERROR: some span failed; OK (or UNSET): none did.")
    min_duration_ms: float | None = None
    max_duration_ms: float | None = None
    span_name: str | None = None
    kind: enums.SpanKind | None = None
    semantic_type: enums.SemanticType | None = None
    attributes: list[AttributeFilter] | None = None
    root_name_match: TextMatch | None = strawberry.field(
        default=None, description="On the root span's name (index-served for a prefix).")
    span_name_match: TextMatch | None = strawberry.field(
        default=None, description="On the name of the span that satisfies the span-level "
                                  "conditions.")
    spans: list[SpanFilter] | None = strawberry.field(
        default=None, description="Each filter matches a span of the trace, each a "
                                  "different span.")
    not_spans: list[SpanFilter] | None = strawberry.field(
        default=None, description="No span of the trace matches any of these filters.")
    not_: TraceFilter | None = strawberry.field(
        default=None, name="not", description="The trace does not satisfy this filter.")
    any_of: list[TraceFilter] | None = strawberry.field(
        default=None, description="The trace satisfies at least one of these filters.")
    all_of: list[TraceFilter] | None = strawberry.field(
        default=None, description="The trace satisfies every one of these filters.")


@strawberry.input(description="Log conditions; all must hold.")
class LogFilter:
    time_range: TimeRange | None = None
    service: str | None = None
    trace_id: strawberry.ID | None = None
    span_id: strawberry.ID | None = None
    min_severity: int | None = strawberry.field(
        default=None, description="Lowest severityNumber (1-24), e.g. 17 for ERROR.")
    severity_text: str | None = None
    body_contains: str | None = None
    body_match: TextMatch | None = strawberry.field(
        default=None, description="On the body's text: a string body's, else its JSON text "
                                  "(index-served by trigrams for 3 or more known characters).")
    attributes: list[AttributeFilter] | None = None
