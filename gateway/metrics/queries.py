"""Query fields of the metrics signal: metrics (the catalog, keyset on name) and metric."""

from __future__ import annotations

import strawberry

from gateway import pagination, search, sqlparts
from gateway.metrics import filters, metric, types
from ollygraph import store

SQL = filters.SQL

METRICS = search.Listing(
    kind="m", queries=SQL, search="search_metrics", count="count_metrics", filter="metric_filter",
    columns=SQL.metric_columns, time_column="zero", id_column="name_key", default_first=100,
    shape=metric.Metric.from_row)


# a service's metrics: those with points from its resources, in any point table
METRIC_FILTER = sqlparts.fill(SQL.metric_filter, {"resources_of_points": "\nUNION ALL ".join(
    sqlparts.fill(SQL.metric_resources, {"table": kind.table}) for kind in store.POINT_KINDS)})


def _conditions(stmt: sqlparts.Statement, flt: types.MetricFilter | None) -> list[str]:
    if flt is None:
        return []
    return stmt.conditions(METRIC_FILTER, name_prefix=flt.name_prefix or None,
                           type=flt.type.value if flt.type is not None else None,
                           service=flt.service)


@strawberry.type
class Query:
    @strawberry.field(description="Metric names, in name order.")
    async def metrics(self, info: strawberry.Info, filter: types.MetricFilter | None = None,
                      first: int | None = 100, after: str | None = None,
                      ) -> pagination.Connection[metric.Metric]:
        stmt = sqlparts.Statement()
        return await search.page(info, METRICS, stmt, _conditions(stmt, filter), first, after,
                                 "ASC")

    @strawberry.field
    async def metric(self, info: strawberry.Info, name: str) -> metric.Metric | None:
        sql = sqlparts.numbered(SQL.metric_by_name, ["name"], {"columns": SQL.metric_columns})
        rows = await info.context.db.fetch(sql, name)
        return metric.Metric.from_row(rows[0]) if rows else None
