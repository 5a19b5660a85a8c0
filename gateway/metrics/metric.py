"""The Metric type: a metric name's descriptor, its catalog facts, series and raw points."""

from __future__ import annotations

from typing import Any

import strawberry

from gateway import filters, inputs, pagination, scalars
from gateway.metrics import filters as metric_filters
from gateway.metrics import loaders, points, series, types


@strawberry.type(description="A metric name; its newest descriptor gives type, unit, "
                             "description, temporality and metadata.")
class Metric(types.MetricDescriptor):
    async def _series_rows(self, info: strawberry.Info) -> list[Any]:
        return await info.context.metrics.series[self.kind].load(self.row["name"])

    async def _resources(self, info: strawberry.Info, series: list[Any]) -> dict[int, Any]:
        ids = sorted({resource_id for _, resource_id in series})
        found = await info.context.resources.resources.load_many(ids)
        return {i: r.row for i, r in zip(ids, found, strict=True) if r is not None}

    @strawberry.field(description=f"Services of the metric's series (all of them, up to "
                                  f"{loaders.MAX_SERIES} series per descriptor).")
    async def services(self, info: strawberry.Info) -> list[str]:
        found = await self._resources(info, await self._series_rows(info))
        return sorted({r["service_name"] for r in found.values()
                       if r["service_name"] is not None})

    @strawberry.field(description=f"Point attribute keys of the metric's series (all of them, "
                                  f"up to {loaders.MAX_SERIES} series per descriptor).")
    async def attribute_keys(self, info: strawberry.Info) -> list[str]:
        rows = await self._series_rows(info)
        return sorted({key for attrs, _ in rows for key in attrs})

    @strawberry.field(description="Distinct values of a point attribute (else resource "
                                  "attribute) over the metric's series (all of them, up to "
                                  f"{loaders.MAX_SERIES} series per descriptor).")
    async def label_values(self, info: strawberry.Info, key: str,
                           first: int | None = 100) -> list[scalars.JSON]:
        limit = pagination.page_size(first, 100)
        series = await self._series_rows(info)
        resources = await self._resources(info, [s for s in series if key not in s[0]])
        values: dict[str, Any] = {}
        for attrs, resource_id in series:
            source = attrs if key in attrs else \
                resources.get(resource_id, {}).get("attributes") or {}
            if key in source:
                values.setdefault(repr(source[key]), source[key])
        ordered = sorted(values.values(), key=lambda v: (type(v).__name__, repr(v)))
        return ordered[:limit]

    @strawberry.field(description="Step-aggregated series (one per series, or per distinct "
                                  "groupBy values). `step` like 30s, 1m, 5m; timeRange "
                                  "defaults to the last hour; `quantile` (0-1) asks histograms "
                                  "and summaries for that quantile.")
    async def series(self, info: strawberry.Info, time_range: inputs.TimeRange | None = None,
                     step: str | None = "1m", aggregation: types.Aggregation | None = None,
                     group_by: list[str] | None = None,
                     filter: list[inputs.AttributeFilter] | None = None,
                     service: str | None = None,
                     quantile: float | None = None) -> list[types.MetricSeries]:
        req = series.Request(time_range, step, aggregation, group_by, quantile)
        kind = self.kind
        series.check(req, kind)
        bounds = (req.lo, req.hi)

        def conditions(stmt: Any) -> list[str]:
            return metric_filters.point_conditions(stmt, kind, bounds, filter, service)

        rolled = await series.rolled_minutes(info.context.db, req, kind)
        sql, params = series.statement(req, kind, list(self.row["ids"]), conditions, rolled)
        return series.shape(req, kind, await info.context.db.fetch(sql, *params))

    @strawberry.field(description="Stored points, newest first.")
    async def points(self, info: strawberry.Info, time_range: inputs.TimeRange | None = None,
                     first: int | None = 100, after: str | None = None,
                     ) -> pagination.Connection[points.MetricDataPoint]:
        bounds = filters.time_bounds(time_range)
        return await points.page(info, self.kind, list(self.row["ids"]), bounds, first, after)
