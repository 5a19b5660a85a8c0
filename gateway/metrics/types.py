"""GraphQL types of the metrics signal: the catalog entry, step series and raw points."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from gateway import attributes, enums, rows, scalars

if TYPE_CHECKING:
    from gateway.traces.types import Span

SpanRef = Annotated["Span", strawberry.lazy("gateway.traces.types")]

KINDS = {1: "number", 2: "number", 3: "histogram", 4: "exp_histogram", 5: "summary"}


@strawberry.enum
class MetricType(enum.Enum):
    GAUGE = 1
    SUM = 2
    HISTOGRAM = 3
    EXPONENTIAL_HISTOGRAM = 4
    SUMMARY = 5


@strawberry.enum
class Temporality(enum.Enum):
    UNSPECIFIED = 0
    DELTA = 1
    CUMULATIVE = 2


@strawberry.type(description="A metric descriptor as one exporter sent it: points of one "
                             "name may carry several (each point its own, "
                             "MetricDataPoint.descriptor).")
class MetricDescriptor(rows.Row):
    @property
    def kind(self) -> str:
        return KINDS[self.row["metric_type_id"]]

    @strawberry.field
    def name(self) -> str:
        return self.row["name"]

    @strawberry.field
    def type(self) -> MetricType:
        return MetricType(self.row["metric_type_id"])

    @strawberry.field
    def unit(self) -> str:
        return self.row["unit"]

    @strawberry.field
    def description(self) -> str:
        return self.row["description"]

    @strawberry.field
    def temporality(self) -> Temporality | None:
        value = self.row["aggregation_temporality_id"]
        if value is None:
            return None
        try:
            return Temporality(value)
        except ValueError:  # proto3 enums are open: a value this version does not know
            return Temporality.UNSPECIFIED

    @strawberry.field(description=enums.OPEN_ENUM.format("temporality", "UNSPECIFIED"))
    def temporality_number(self) -> int | None:
        return self.row["aggregation_temporality_id"]

    @strawberry.field
    def is_monotonic(self) -> bool | None:
        return self.row["is_monotonic"]

    @strawberry.field(description="The descriptor's metadata (OTLP Metric.metadata) as one "
                                  "JSON object, or only `keys`.")
    def metadata(self, keys: list[str] | None = None,
                 typed: attributes.Typed = False) -> scalars.JSON:
        convert = attributes.tagged_map if typed else attributes.plain_map
        return attributes.select(convert(self.row["metadata"]), keys)


@strawberry.enum(description="How a step's points become one value. SUM adds deltas (delta "
                             "sums) or the series' last values (cumulative sums, gauges); "
                             "INCREASE adds what each point adds, across counter resets and "
                             "start-time changes (a series' first point in range is compared "
                             "with its last point in the day before the range); RATE is "
                             "INCREASE per second.")
class Aggregation(enum.Enum):
    AVG = "AVG"
    SUM = "SUM"
    MIN = "MIN"
    MAX = "MAX"
    COUNT = "COUNT"
    LAST = "LAST"
    RATE = "RATE"
    INCREASE = "INCREASE"


@strawberry.input(description="Metric conditions; all must hold.")
class MetricFilter:
    name_prefix: str | None = None
    service: str | None = None
    type: MetricType | None = None


@strawberry.type
class HistogramBucket:
    lower: scalars.Double | None = strawberry.field(
        description="Exclusive; null when unbounded.")
    upper: scalars.Double | None = strawberry.field(
        description="Inclusive; null when unbounded.")
    count: float


@strawberry.type(description="One step of a series.")
class MetricPoint:
    time: scalars.Timestamp = strawberry.field(description="Start of the step.")
    value: scalars.Double | None
    count: float | None = None
    sum: scalars.Double | None = None
    min: scalars.Double | None = None
    max: scalars.Double | None = None
    buckets: list[HistogramBucket] | None = strawberry.field(
        default=None, description="Merged histogram buckets of the step (ascending). Explicit "
        "histograms whose bounds differ within the step are merged onto the bounds they all "
        "share (exact counts, coarser buckets).")
    scale: int | None = strawberry.field(
        default=None, description="Exponential histograms: the scale the buckets were merged at.")
    quantiles: list[scalars.Double] | None = strawberry.field(
        default=None, description="Summaries: the quantiles every series of the step reports.")
    quantile_values: list[scalars.Double] | None = strawberry.field(
        default=None, description="Summaries: each quantile's value, from each series' newest "
        "point of the step. Quantiles cannot be merged: with several series (groupBy) this is "
        "the largest of their values, an upper bound of the quantile of all their "
        "observations; count and sum are added up.")


@strawberry.type
class MetricSeries:
    labels: scalars.JSON = strawberry.field(
        description="The series' attributes, or its groupBy keys when grouped.")
    points: list[MetricPoint]
    resource_id: strawberry.Private[int | None]

    @strawberry.field(description="The resource's attributes (null when grouped).")
    async def resource(self, info: strawberry.Info) -> scalars.JSON | None:
        if self.resource_id is None:
            return None
        found = await info.context.resources.resources.load(self.resource_id)
        return found.row["attributes"] if found is not None else None

    @strawberry.field
    async def service(self, info: strawberry.Info) -> str | None:
        if self.resource_id is None:
            return None
        found = await info.context.resources.resources.load(self.resource_id)
        return found.row["service_name"] if found is not None else None


def _number(text: Any) -> float | None:
    return float(text) if text is not None else None


@strawberry.type
class Exemplar:
    data: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def time(self) -> scalars.Timestamp | None:
        return int(self.data.get("timeUnixNano") or 0) or None  # 0: unset

    @strawberry.field(description="The exemplar's time_unix_nano as sent (\"0\": unset).")
    def time_unix_nano(self) -> scalars.BigInt:
        return int(self.data.get("timeUnixNano") or 0)

    @strawberry.field(description="The value (an integer one as a double; valueInt is exact).")
    def value(self) -> scalars.Double | None:
        return _number(self.data.get("asDouble", self.data.get("asInt")))

    @strawberry.field(description="The value of an integer exemplar (as_int), exactly.")
    def value_int(self) -> scalars.BigInt | None:
        value = self.data.get("asInt")
        return int(value) if value is not None else None

    @strawberry.field
    def trace_id(self) -> strawberry.ID | None:
        return self.data.get("traceId")

    @strawberry.field
    def span_id(self) -> strawberry.ID | None:
        return self.data.get("spanId")

    @strawberry.field
    def filtered_attributes(self, typed: attributes.Typed = False) -> scalars.JSON:
        convert = attributes.tagged if typed else attributes.plain
        return {kv["key"]: convert(kv.get("value"))
                for kv in self.data.get("filteredAttributes", [])}

    @strawberry.field(description="The span the exemplar was recorded in, when stored.")
    async def span(self, info: strawberry.Info) -> SpanRef | None:
        trace_id, span_id = self.data.get("traceId"), self.data.get("spanId")
        if not trace_id or not span_id:
            return None
        return await info.context.traces.spans.load((bytes.fromhex(trace_id),
                                                     bytes.fromhex(span_id)))
