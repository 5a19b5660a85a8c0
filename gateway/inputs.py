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
                                  "LOG (default for logs), RESOURCE, SCOPE or EVENT.")


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
