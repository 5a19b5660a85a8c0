"""The GraphQL inputs and results of aggregations (spanStats, logStats)."""

from __future__ import annotations

import enum

import strawberry

from gateway import scalars
from gateway.stats import facets

TOP = ("In the order of `measures`: a TOP_K measure's values, most frequent first (ties by "
       "value), items without the key left out; null for the other measures.")


@strawberry.enum(description=(
    "What a measure computes. Without `key`, AVG, MIN, MAX, QUANTILE and P50-P99 are over "
    "span durations in milliseconds; with `key`, over the numbers of that attribute "
    "(items without a number there are left out). Quantiles are exact: "
    "PostgreSQL's percentile_cont, interpolating linearly between the two nearest values."))
class StatOp(enum.Enum):
    COUNT = "count"
    RATE = strawberry.enum_value("rate", description=(
        "Items per second: per bucket of `step`, or over the filter's whole timeRange."))
    ERROR_COUNT = strawberry.enum_value("error_count", description=(
        "Spans with status ERROR; logs of severity ERROR or FATAL (17-24)."))
    ERROR_RATE = strawberry.enum_value("error_rate", description=(
        "ERROR_COUNT / COUNT, between 0 and 1."))
    SUM = "sum"
    AVG = "avg"
    MIN = "min"
    MAX = "max"
    QUANTILE = strawberry.enum_value("quantile", description="Needs `quantile` in (0, 1).")
    P50 = "p50"
    P90 = "p90"
    P95 = "p95"
    P99 = "p99"
    COUNT_DISTINCT = strawberry.enum_value("count_distinct", description=(
        "Distinct values of `key` (needs `key`)."))
    TOP_K = strawberry.enum_value("top_k", description=(
        "The `k` most frequent values of `key` (an attribute, or a groupBy built-in such as "
        "service or name) with their counts, in `top`; its entry in `values` is null."))


@strawberry.input(description="One number to compute per group (and per time bucket).")
class StatMeasure:
    op: StatOp
    key: str | None = strawberry.field(default=None, description=(
        "An attribute key; prefix it with `resource:` or `scope:` for those attributes."))
    quantile: float | None = strawberry.field(default=None, description="For QUANTILE.")
    k: int | None = strawberry.field(default=None, description=(
        "For TOP_K: how many values, 1 to 100 (default 10)."))
    name: str | None = strawberry.field(default=None, description=(
        "Its name in `measures` (default e.g. `p95(duration)`, `sum(gen_ai.usage.cost)`)."))


@strawberry.type(description="A group's measures over one time bucket.")
class StatsPoint:
    time: scalars.Timestamp = strawberry.field(description="Start of the bucket.")
    values: list[float | None] = strawberry.field(description="In the order of `measures`.")
    top: list[list[facets.FacetValue] | None] = strawberry.field(description=TOP)


@strawberry.type
class StatsGroup:
    key: scalars.JSON = strawberry.field(description=(
        "{groupBy entry: value}; null values where an item has no such attribute (and in "
        "the `other` group)."))
    other: bool = strawberry.field(description=(
        "The items of all the groups beyond `first`, aggregated together."))
    values: list[float | None] = strawberry.field(description=(
        "Over the whole time range, in the order of `measures`."))
    top: list[list[facets.FacetValue] | None] = strawberry.field(description=TOP)
    series: list[StatsPoint] = strawberry.field(description=(
        "Per bucket of `step`, oldest first; buckets without items are left out."))


@strawberry.type
class Stats:
    measures: list[str] = strawberry.field(description="The measures' names, in order.")
    groups: list[StatsGroup] = strawberry.field(description=(
        "Groups with most items first (the `other` group last)."))
    group_count: int = strawberry.field(description="Groups there were before capping.")
    truncated: bool = strawberry.field(description=(
        "More groups than `first`: the rest are summed up in the `other` group."))
    source: str = strawberry.field(description=(
        "`rollups` when answered from the per-minute RED rollups (completed from raw spans "
        "at the edges), else `spans` or `logs`."))

