"""The catalog: operations (span names per service with counts and kinds) and the attribute
keys of every scope from the registry the rollup job keeps (ollygraph.key_registry: every
key seen, JSONB-stored ones included, with its value types, counts, last minute seen and
distinct values)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from gateway import enums, errors, filters, inputs, sqlparts
from gateway.logs import filters as log_filters
from gateway.stats import facets, queries, query, types, values
from gateway.traces import filters as trace_filters
from ollygraph import key_registry, span_rollups
from ollygraph.sql import QUERIES

SQL = values.SQL
MINUTE = span_rollups.MINUTE_NS
Scope = enums.AttributeScope


@strawberry.type
class Operation:
    service: str | None
    name: str
    kind: enums.SpanKind
    span_count: int
    error_count: int


@strawberry.type
class ValueTypeCount:
    type: str = strawberry.field(description=(
        "string, int, double, bool, bytes, array or kvlist"))
    count: int


class KeyStats:
    """What the registry says about one key."""

    def __init__(self, key: str, promoted: bool, distinct: int | None) -> None:
        self.key, self.promoted, self.distinct = key, promoted, distinct
        self.types: list[ValueTypeCount] = []
        self.count = 0
        self.last_minute = 0


async def registry_keys(db: Any, scope: Scope, prefix: str | None, after: str | None,
                        time_range: inputs.TimeRange | None) -> list[KeyStats]:
    """Every key of the scope seen in the range (after the key `after`), in key order."""
    registry = key_registry.REGISTRY[scope.name]
    lo, hi = filters.time_bounds(time_range) or (0, filters.MAX_NS)
    # the minutes the range touches (the registry counts whole minutes): those the job has
    # rolled from the registry (older data written late is marked and rolled again), the
    # newer ones from the attribute tables
    m0, m1 = lo // MINUTE * MINUTE, min(hi // MINUTE * MINUTE + MINUTE, filters.MAX_NS)
    state = await db.fetch(QUERIES.span_rollup_state)
    rolled = state[0]["rolled"] if state else m0
    stmt = sqlparts.Statement()
    raw = ""
    if max(m0, rolled) < m1:
        # key_rows numbers its two bounds $1 and $2 (the job runs it as is)
        rows = registry.rows.replace("$1", ":lo").replace("$2", ":hi")
        raw = stmt.render(SQL.registry_raw,
                          {"rows": stmt.render(rows, lo=max(m0, rolled), hi=m1)})
    m1 = min(m1, rolled)
    # promoted: stored in the owner's typed tables (a key promoted for spans may reach the
    # logs' JSONB catch-all only)
    typed = " OR ".join(sqlparts.fill(SQL.typed_has_key, {"table": table})
                        for table in registry.typed_tables)
    sql = stmt.render(SQL.registry_keys, {"raw": raw, "typed": typed, "k": str(key_registry.K)},
                      owner=registry.label, m0=m0, m1=m1, prefix=prefix or "", after=after or "")
    out: dict[str, KeyStats] = {}
    for row in await db.fetch(sql, *stmt.params):
        distinct = key_registry.distinct_estimate(row["hashes"]) if row["sketched"] else None
        stats = out.get(row["key"])
        if stats is None:
            stats = out[row["key"]] = KeyStats(row["key"], row["promoted"], distinct)
        elif distinct is None:
            stats.distinct = None
        stats.types.append(ValueTypeCount(type=row["value_type"], count=row["n"]))
        stats.count += row["n"]
        stats.last_minute = max(stats.last_minute, row["last_minute"])
    return list(out.values())


@strawberry.type
class Query:
    @strawberry.field(description=(
        "Span names with their kinds and counts (of spans, and of spans with status ERROR), "
        f"most spans first (at most {query.MAX_GROUPS}); of one service when given."))
    async def operations(self, info: strawberry.Info, service: str | None = None,
                         time_range: inputs.TimeRange | None = None) -> list[Operation]:
        flt = inputs.SpanFilter(time_range=time_range, service=service)
        stats = await queries.aggregate(
            info, queries.SPAN, flt, trace_filters.span_conditions,
            ["service", "name", "kind"], None,
            [types.StatMeasure(op=types.StatOp.COUNT),
             types.StatMeasure(op=types.StatOp.ERROR_COUNT)], query.MAX_GROUPS, exact=False)
        return [Operation(service=g.key["service"], name=g.key["name"],
                          kind=enums.SpanKind[g.key["kind"]], span_count=int(g.values[0]),
                          error_count=int(g.values[1]))
                for g in stats.groups if not g.other]

    @strawberry.field(description=(
        "Values of one attribute key with how many items have each, most first: over the "
        "spans (SPAN, RESOURCE, SCOPE) or logs (LOG) of `timeRange` (as facets of a search)."))
    async def attribute_value_counts(
            self, info: strawberry.Info, scope: enums.AttributeScope, key: str,
            time_range: inputs.TimeRange | None = None,
            first: Annotated[int | None, strawberry.argument(
                description="Values listed (default 10, at most 100).")] = None,
    ) -> list[facets.FacetValue]:
        if scope not in (Scope.SPAN, Scope.RESOURCE, Scope.SCOPE, Scope.LOG):
            raise errors.UserError("attributeValueCounts takes scope SPAN, RESOURCE, SCOPE "
                                   "or LOG")
        stmt = sqlparts.Statement()
        prefix = {Scope.SPAN: "", Scope.LOG: "", Scope.RESOURCE: "resource:",
                  Scope.SCOPE: "scope:"}[scope]
        if scope is Scope.LOG:
            subject = facets.Subject("otel_logs_fact", "l", {}, "log", "l")
            conditions = log_filters.log_conditions(stmt, inputs.LogFilter(time_range=time_range))
        else:
            subject = facets.Subject("otel_spans_fact", "s", {}, "span", "s")
            conditions = trace_filters.span_conditions(
                stmt, inputs.SpanFilter(time_range=time_range))
        source = facets.source(info.context.db, subject, sqlparts.conjunction(conditions),
                               stmt.params)
        (facet,) = await source([prefix + key], first)
        return facet.values

