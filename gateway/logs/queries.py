"""Query fields of the logs signal: logs."""

from __future__ import annotations

import strawberry

from gateway import enums, inputs, pagination, search, sqlparts, starting
from gateway.logs import filters, types
from gateway.stats import facets

SQL = filters.SQL

LOGS = search.Listing(
    kind="l", queries=SQL, search="search_logs", count="count_logs", filter="log_filter",
    columns=SQL.log_columns, time_column="ts_unix_nano", id_column="log_pk",
    default_first=100, shape=types.Log.from_row, facets=facets.Subject(
        "otel_logs_fact", "l", {"service": "log_service", "severity": "log_severity",
                                "severityText": "log_severity_text"}, "log", "l"))


@strawberry.type
class Query:
    @strawberry.field(description="Log records, newest first by default.")
    async def logs(self, info: strawberry.Info, filter: inputs.LogFilter | None = None,
                   first: int | None = 100, after: str | None = None,
                   order_by: enums.LogOrder | None = None) -> pagination.Connection[types.Log]:
        stmt = sqlparts.Statement()
        conditions = await starting.conditions(info.context.db, stmt, filter, "log",
                                                filters.log_conditions)
        direction = (order_by or enums.LogOrder.TIME_DESC).value
        return await search.page(info, LOGS, stmt, conditions, first, after, direction)
