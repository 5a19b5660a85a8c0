"""Query fields of aggregations: spanStats and logStats."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Annotated, Any

import strawberry

from gateway import filters, inputs, sqlparts, starting
from gateway.logs import filters as log_filters
from gateway.stats import measures, query, red, types, values
from gateway.traces import filters as trace_filters

SPAN = measures.Subject(
    signal="span", table="otel_spans_fact", alias="s", time="s.start_time_unix_nano",
    builtins={"service": "span_service", "name": "span_name", "kind": "span_kind",
              "status": "span_status", "semanticType": values.span_semantic_type},
    error="span_error", duration="span_duration")
LOG = measures.Subject(
    signal="log", table="otel_logs_fact", alias="l", time="l.ts_unix_nano",
    builtins={"service": "log_service", "severity": "log_severity",
              "severityText": "log_severity_text"},
    error="log_error", duration=None)

GROUP_BY = ("Built-ins ({}) or attribute keys (the item's own; prefix `resource:` or "
            "`scope:` for those).")
STEP = 'Time buckets of this length ("1m", "5m", "1h"); needs filter.timeRange.'
FIRST = (f"Groups kept, most items first (default {query.DEFAULT_GROUPS}, at most "
         f"{query.MAX_GROUPS}); the rest are aggregated into one `other` group.")

EXACT = ("Compute from the spans even when the per-minute RED rollups could answer (they "
         "do when grouping by service, name, kind and status only, with counts, rates, "
         "errors and durations, a filter of timeRange, service, name, kind and status, and "
         "a step of whole minutes; their quantiles are within "
         f"{red.RELATIVE_ERROR:.1%} of the exact ones, `source` says which answered).")


async def attribute_key_ids(db: Any, entries: list[str]) -> filters.KeyIds:
    """The registered key ids of the attribute keys among groupBy entries and measures."""
    keys = [SimpleNamespace(key=values.split_key(e)[1]) for e in entries]
    return await filters.key_ids(db, keys)


async def aggregate(info: strawberry.Info, subject: measures.Subject, flt: Any,
                    build: Callable[..., list[str]], group_by: list[str] | None,
                    step: str | None, measure_list: list[types.StatMeasure],
                    first: int | None, exact: bool = True) -> types.Stats:
    """`flt` (a SpanFilter or LogFilter; `build` its conditions) aggregated: from the RED
    rollups when not `exact` and they fit, else in one statement over the items."""
    p = query.plan(subject, flt.time_range if flt else None, group_by, step, measure_list,
                   first)
    db = info.context.db
    if not exact and red.fits(flt, p):
        stats = await red.run(db, flt, p)
        if stats is not None:
            stats.measures = measures.names(p.measures, p.quantiles)
            return stats
    stmt = sqlparts.Statement()
    conditions = await starting.conditions(db, stmt, flt, subject.signal, build)
    keys = await attribute_key_ids(db, [*p.group_by, *measures.keys_of(p.measures)])
    return await query.run(db, subject, p, conditions, stmt, keys)


@strawberry.type
class Query:
    @strawberry.field(description=(
        "Aggregations over the spans matching `filter`: per group of `groupBy` and per "
        "time bucket of `step`, the `measures`."))
    async def span_stats(
            self, info: strawberry.Info, measures: list[types.StatMeasure],
            filter: inputs.SpanFilter | None = None,
            group_by: Annotated[list[str] | None, strawberry.argument(
                description=GROUP_BY.format("service, name, kind, status, semanticType"))] = None,
            step: Annotated[str | None, strawberry.argument(description=STEP)] = None,
            first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
            exact: Annotated[bool, strawberry.argument(description=EXACT)] = False,
    ) -> types.Stats:
        return await aggregate(info, SPAN, filter, trace_filters.span_conditions, group_by,
                               step, measures, first, exact)

    @strawberry.field(description=(
        "Aggregations over the log records matching `filter` (e.g. counts per severity "
        "per minute: the log-volume histogram)."))
    async def log_stats(
            self, info: strawberry.Info, measures: list[types.StatMeasure],
            filter: inputs.LogFilter | None = None,
            group_by: Annotated[list[str] | None, strawberry.argument(
                description=GROUP_BY.format("service, severity, severityText"))] = None,
            step: Annotated[str | None, strawberry.argument(description=STEP)] = None,
            first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
    ) -> types.Stats:
        return await aggregate(info, LOG, filter, log_filters.log_conditions, group_by,
                               step, measures, first)
