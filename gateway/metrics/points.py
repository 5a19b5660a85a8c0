"""Raw metric points: one type for the four point kinds (fields of other kinds are null),
their attributes through the request's loaders and their exemplars."""

from __future__ import annotations

import json
from typing import Any

import strawberry

from gateway import attributes, items, pagination, resources, scalars, search, sqlparts
from gateway.metrics import filters, types
from ollygraph import store

SQL = filters.SQL
# a point's key as its attribute owner's (point_pk, time_unix_nano)
OWNER_KEYS = {kind.name: items.owner_key(store.OWNER[kind.owner]) for kind in store.POINT_KINDS}


def _float(value: Any) -> float | None:
    if value is None:
        return None
    return float(value)  # 'NaN' / 'Infinity' from JSON text too


def _floats(values: list[Any] | None) -> list[float] | None:
    return None if values is None else [float(v) for v in values]


def _int_or_negative_zero(text: str) -> int | float:
    """A JSON integer of row_to_json: PostgreSQL writes a double's -0 as `-0` (no bigint
    is ever written so), which must stay -0.0."""
    return -0.0 if text == "-0" else int(text)


def fields(text: str) -> dict[str, Any]:
    """The point's columns from row_to_json text: bigints exact, doubles with their sign."""
    return json.loads(text, parse_int=_int_or_negative_zero)


@strawberry.type(description="One stored data point with its own attributes and exemplars.")
class MetricDataPoint:
    row: strawberry.Private[Any]
    kind: strawberry.Private[str]
    parsed: strawberry.Private[dict[str, Any] | None] = None

    @property
    def fields(self) -> dict[str, Any]:
        if self.parsed is None:
            self.parsed = fields(self.row["fields"])
        return self.parsed

    @strawberry.field
    def time(self) -> scalars.Timestamp:
        return self.row["time_unix_nano"]

    @strawberry.field
    def start_time(self) -> scalars.Timestamp | None:
        return self.row["start_time_unix_nano"] or None

    @strawberry.field
    def time_unix_nano(self) -> scalars.BigInt:
        return self.row["time_unix_nano"]

    @strawberry.field
    def start_time_unix_nano(self) -> scalars.BigInt:
        return self.row["start_time_unix_nano"] or 0

    @strawberry.field
    def flags(self) -> scalars.UInt32:
        return self.row["flags"]

    @strawberry.field(description="Gauges and sums: the value (ints as floats; valueInt is "
                                  "exact).")
    def value(self) -> scalars.Double | None:
        f = self.fields
        return _float(f.get("value_int") if f.get("value_int") is not None
                      else f.get("value_double"))

    @strawberry.field
    def value_int(self) -> scalars.BigInt | None:
        return self.fields.get("value_int")

    @strawberry.field
    def count(self) -> scalars.BigInt | None:
        return self.fields.get("count")

    @strawberry.field
    def sum(self) -> scalars.Double | None:
        return _float(self.fields.get("sum"))

    @strawberry.field
    def min(self) -> scalars.Double | None:
        return _float(self.fields.get("min"))

    @strawberry.field
    def max(self) -> scalars.Double | None:
        return _float(self.fields.get("max"))

    @strawberry.field
    def explicit_bounds(self) -> list[scalars.Double] | None:
        return _floats(self.fields.get("explicit_bounds"))

    @strawberry.field
    def bucket_counts(self) -> list[scalars.BigInt] | None:
        return self.fields.get("bucket_counts")

    @strawberry.field
    def scale(self) -> int | None:
        return self.fields.get("scale")

    @strawberry.field
    def zero_count(self) -> scalars.BigInt | None:
        return self.fields.get("zero_count")

    @strawberry.field
    def zero_threshold(self) -> scalars.Double | None:
        return _float(self.fields.get("zero_threshold"))

    @strawberry.field
    def positive_offset(self) -> int | None:
        return self.fields.get("positive_offset")

    @strawberry.field
    def positive_bucket_counts(self) -> list[scalars.BigInt] | None:
        return self.fields.get("positive_bucket_counts")

    @strawberry.field
    def negative_offset(self) -> int | None:
        return self.fields.get("negative_offset")

    @strawberry.field
    def negative_bucket_counts(self) -> list[scalars.BigInt] | None:
        return self.fields.get("negative_bucket_counts")

    @strawberry.field
    def quantiles(self) -> list[scalars.Double] | None:
        return _floats(self.fields.get("quantiles"))

    @strawberry.field
    def quantile_values(self) -> list[scalars.Double] | None:
        return _floats(self.fields.get("quantile_values"))

    @strawberry.field(description="All attributes as one JSON object, or only `keys`.")
    async def attributes(self, info: strawberry.Info, keys: list[str] | None = None,
                         typed: attributes.Typed = False) -> scalars.JSON:
        loader = info.context.metrics.attributes[self.kind]
        found = await loader.load(OWNER_KEYS[self.kind](self.row))
        return attributes.choose(found or {}, keys, typed)

    @strawberry.field(description="The descriptor the point was sent with (name, type, unit, "
                                  "description, temporality, monotonicity, metadata).")
    async def descriptor(self, info: strawberry.Info) -> types.MetricDescriptor:
        return await info.context.metrics.descriptors.load(self.row["metric_id"])

    @strawberry.field
    async def resource(self, info: strawberry.Info) -> resources.Resource:
        return await info.context.resources.resources.load(self.row["resource_id"])

    @strawberry.field(description="The instrumentation scope that reported the point.")
    async def scope(self, info: strawberry.Info) -> resources.Scope | None:
        if self.row["scope_id"] is None:
            return None
        return await info.context.resources.scopes.load(self.row["scope_id"])

    @strawberry.field
    def exemplars(self) -> list[types.Exemplar]:
        return [types.Exemplar(data=e) for e in self.row["exemplars"] or []]


def listing(kind: str) -> search.Listing:
    """The keyset listing of one point table (newest first, then point_pk)."""
    table = f"otel_metrics_data_points_{kind}"
    queries = {name: sqlparts.fill(SQL[name], {"table": table}, partial=True)
               for name in ("search_points", "count_points", "point_filter")}
    return search.Listing(
        kind=f"mp{kind}", queries=queries, search="search_points", count="count_points",
        filter="point_filter", columns=SQL.point_columns, time_column="time_unix_nano",
        id_column="point_pk", default_first=100,
        shape=lambda row: MetricDataPoint(row=row, kind=kind))


LISTINGS = {kind: listing(kind) for kind in set(types.KINDS.values())}


async def page(info: strawberry.Info, kind: str, ids: list[int], bounds: tuple[int, int] | None,
               first: int | None, after: str | None) -> pagination.Connection[MetricDataPoint]:
    stmt = sqlparts.Statement()
    time_from, time_to = bounds or (None, None)
    conditions = stmt.conditions(SQL.point_filter, ids=ids, time_from=time_from,
                                 time_to=time_to)
    return await search.page(info, LISTINGS[kind], stmt, conditions, first, after, "DESC")
