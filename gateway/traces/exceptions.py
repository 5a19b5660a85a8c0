"""Query.exceptions: the exception events of the spans a SpanFilter selects, grouped
(sql/traces.sql, exception_groups): per exception type or per service, how many and the
newest one's trace and span."""

from __future__ import annotations

import enum
from typing import Annotated

import strawberry

from gateway import cost, inputs, scalars, sqlparts
from gateway.traces import filters
from ollygraph import store

SQL = filters.SQL
EVENT = store.OWNER["span_event"]
TABLES = {"string_table": EVENT.attribute_table("string"),
          "other_table": EVENT.attribute_table(store.OTHER)}


@strawberry.enum(description="What exceptions are grouped by.")
class ExceptionGroupBy(enum.Enum):
    TYPE = "type"          # the event's exception.type
    SERVICE = "service"    # the service of the span that recorded it


@strawberry.type(description="Exceptions of one group.")
class ExceptionGroup:
    key: str | None = strawberry.field(description=(
        "The exception type or the service; null for exceptions without one."))
    count: int
    last_seen: scalars.Timestamp = strawberry.field(description="The newest one's time.")
    sample_trace_id: strawberry.ID = strawberry.field(description="The newest one's trace.")
    sample_span_id: strawberry.ID = strawberry.field(description="The newest one's span.")


@strawberry.type
class Query:
    @strawberry.field(description=(
        "Exception events (named \"exception\") of the spans matching `filter` and "
        "`timeRange`, grouped by `groupBy`, the largest groups first (at most `first`)."))
    async def exceptions(
            self, info: strawberry.Info, filter: inputs.SpanFilter | None = None,
            time_range: inputs.TimeRange | None = None,
            group_by: ExceptionGroupBy = ExceptionGroupBy.TYPE,
            first: Annotated[int | None, strawberry.argument(
                description=f"At most {cost.PAGE_MAX}.")] = 20,
    ) -> list[ExceptionGroup]:
        stmt = sqlparts.Statement()
        conditions = await filters.span_search_conditions(info.context.db, stmt, filter)
        conditions += filters.span_conditions(stmt, inputs.SpanFilter(time_range=time_range))
        group = sqlparts.choose(SQL.exception_group, group_by.value)
        sql = stmt.render(SQL.exception_groups, {
            **TABLES, "where": sqlparts.conjunction(conditions), "group": group},
            limit=cost.SIZES[("Query", "exceptions")].of(first))
        rows = await info.context.db.fetch(sql, *stmt.params)
        return [ExceptionGroup(key=r["key"], count=r["n"], last_seen=r["last_seen"],
                               sample_trace_id=r["trace_id"].hex(),
                               sample_span_id=r["span_id"].hex()) for r in rows]
