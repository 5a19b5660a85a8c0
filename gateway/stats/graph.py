"""serviceGraph: the services (nodes, with their RED) and the calls between them (edges,
ollygraph.service_graph) over a time range.

Nodes are spanStats grouped by service (gateway.stats.queries.aggregate: the RED rollups
when the filter fits them). Edges are read like the RED rollups (gateway.stats.red), over the
cover of gateway.stats.cover: the whole hours from the hourly edge rollups, the other
rolled minutes that are not pending from the per-minute edge rollups, the ragged ends and
the pending minutes from the edges themselves (sql/graph.sql). The
filter selects spans: a node's spans, and an edge's callee spans. A filter of timeRange and
service only is answered from the rollups; any other condition reads the edges of the
range and checks their callee spans.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Annotated, Any

import strawberry

from gateway import errors, filters, inputs, sqlparts, starting
from gateway.stats import cover, query, red, types, values
from gateway.stats import queries as stats_queries
from gateway.traces import filters as trace_filters
from ollygraph import service_graph

SQL = values.SQL
MAX_NODES = query.MAX_GROUPS
MAX_EDGES = 1000
QUANTILES = (0.5, 0.95, 0.99)
NODE_MEASURES = [types.StatMeasure(op=op) for op in (
    types.StatOp.COUNT, types.StatOp.ERROR_COUNT, types.StatOp.P50, types.StatOp.P95,
    types.StatOp.P99)]
_ROLLUP_FILTER = {"time_range", "service"}


@strawberry.enum(description="How one service calls another.")
class ServiceEdgeKind(enum.Enum):
    CLIENT_SERVER = "CLIENT_SERVER"
    PRODUCER_CONSUMER = "PRODUCER_CONSUMER"
    PARENT_CHILD = "PARENT_CHILD"
    LINK = "LINK"


@strawberry.type(description="A service and the rate, errors and durations of its spans.")
class ServiceNode:
    service: str | None
    span_count: int
    rate: float | None = strawberry.field(description="Spans per second over the range.")
    error_count: int
    error_rate: float | None = strawberry.field(description="Errors per span; null without spans.")
    duration_p50_ms: float | None
    duration_p95_ms: float | None
    duration_p99_ms: float | None


@strawberry.type(description=(
    "Calls from `caller` to `callee`: a CLIENT span's SERVER child in another service "
    "(CLIENT_SERVER), a PRODUCER span's CONSUMER child (PRODUCER_CONSUMER), any other "
    "parent and child in two services (PARENT_CHILD), a span's link to a span of another "
    "service (LINK: the linked span's service calls the linking one's). Durations are the "
    "callee span's; a call failed when the callee span, or the caller's CLIENT or PRODUCER "
    "span, has status ERROR."))
class ServiceEdge:
    caller: str | None
    callee: str | None
    kind: ServiceEdgeKind
    call_count: int
    rate: float | None = strawberry.field(description="Calls per second over the range.")
    error_count: int
    error_rate: float
    duration_p50_ms: float
    duration_p95_ms: float
    duration_p99_ms: float


@strawberry.type
class ServiceGraph:
    nodes: list[ServiceNode] = strawberry.field(description=(
        "The services with spans matching the filter and the services of the edges, most "
        "spans first."))
    edges: list[ServiceEdge] = strawberry.field(description=(
        f"Most calls first, at most {MAX_EDGES}."))
    truncated: bool = strawberry.field(description=(
        f"More than {MAX_NODES} services or {MAX_EDGES} edges: the rest are left out."))
    source: str = strawberry.field(description=(
        "`rollups` when nodes and edges were read from the hourly and per-minute rollups "
        "(completed from spans and edges at the ends of the range), else `spans`."))


def fits(flt: inputs.SpanFilter) -> bool:
    return all(getattr(flt, f.name) is None or f.name in _ROLLUP_FILTER
               for f in dataclasses.fields(flt))


async def edges(db: Any, flt: inputs.SpanFilter, bounds: tuple[int, int]
                ) -> tuple[list[Any], bool]:
    """The edge rows (most calls first, at most MAX_EDGES + 1) and whether the rollups
    answered."""
    lo, hi = bounds
    end = min(hi, filters.MAX_NS - 1) + 1            # exclusive
    c = await cover.of(db, lo, end) if fits(flt) else cover.raw_only(lo, end)
    stmt = sqlparts.Statement()
    conditions = None if fits(flt) else await starting.conditions(
        db, stmt, flt, "span", trace_filters.span_conditions)
    sql = statement(stmt, flt, c, conditions)
    return await db.fetch(sql, *stmt.params), c.rollups


def statement(stmt: sqlparts.Statement, flt: inputs.SpanFilter, c: cover.Cover,
              conditions: list[str] | None) -> str:
    """The edge_read statement for the cover `c`: hourly rollups, minute rollups, edges;
    `conditions` on the callee spans when the filter does not fit the rollups (then `c`
    is all edges)."""
    if conditions is None:   # a statement binds only the values its text uses
        def raw_where() -> str:
            return ("true" if flt.service is None
                    else stmt.render(SQL.edge_where_callee, v=flt.service))
        rollup_where = ("true" if flt.service is None
                        else stmt.render(SQL.edge_rollup_where_callee, v=flt.service))
    else:
        where = stmt.render(SQL.edge_where_span, {"where": sqlparts.conjunction(conditions)})

        def raw_where() -> str:
            return where
        rollup_where = "false"
    parts = [stmt.render(SQL.edge_minutes, {"where": rollup_where}, lo=start, hi=stop,
                         pending=c.pending) for start, stop in c.minutes]
    parts += [stmt.render(SQL.edge_raw, {"rows": service_graph.EDGE_ROWS.replace(
        "@edges@", stmt.render(SQL.edge_edges, {"where": raw_where()}, lo=start, hi=stop))})
        for start, stop in c.raw]
    return stmt.render(SQL.edge_read, {"where": rollup_where, "parts": "\n".join(parts)},
                       h0=c.hours[0], h1=c.hours[1], pending_hours=c.pending_hours,
                       limit=MAX_EDGES + 1)


def edge(row: Any, seconds: float | None) -> ServiceEdge:
    acc = red.Acc().add(row)
    caller, callee, kind = row["caller_service"], row["callee_service"], row["edge_kind_id"]
    p50, p95, p99 = (acc.quantile(q) / 1e6 for q in QUANTILES)
    return ServiceEdge(caller=caller, callee=callee,
                       kind=ServiceEdgeKind[service_graph.KINDS[kind]], call_count=acc.n,
                       rate=None if seconds is None else acc.n / seconds,
                       error_count=acc.errors, error_rate=acc.errors / acc.n,
                       duration_p50_ms=p50, duration_p95_ms=p95, duration_p99_ms=p99)


def node(service: str | None, stats: list[float | None] | None,
         seconds: float | None) -> ServiceNode:
    n, errors_, p50, p95, p99 = stats or (0, 0, None, None, None)
    return ServiceNode(service=service, span_count=int(n),
                       rate=None if seconds is None else n / seconds,
                       error_count=int(errors_ or 0), error_rate=errors_ / n if n else None,
                       duration_p50_ms=p50, duration_p95_ms=p95, duration_p99_ms=p99)


async def graph(info: strawberry.Info, time_range: inputs.TimeRange,
                flt: inputs.SpanFilter | None) -> ServiceGraph:
    if flt is not None and flt.time_range is not None:
        raise errors.UserError("serviceGraph: give the time range once, as `timeRange`")
    bounds = filters.time_bounds(time_range)
    if bounds is None:
        raise errors.UserError("serviceGraph: timeRange needs `from`, `to` or `last`")
    fixed = inputs.TimeRange(from_=bounds[0], to=bounds[1])  # `last` read once
    flt = dataclasses.replace(flt or inputs.SpanFilter(), time_range=fixed)
    stats = await stats_queries.aggregate(info, stats_queries.SPAN, flt,
                                          trace_filters.span_conditions, ["service"], None,
                                          NODE_MEASURES, MAX_NODES, exact=False)
    rows, from_rollups = await edges(info.context.db, flt, bounds)
    seconds = query.range_seconds(bounds)
    edge_list = [edge(r, seconds) for r in rows[:MAX_EDGES]]
    groups = {g.key["service"]: g.values for g in stats.groups if not g.other}
    services = list(groups)
    for e in edge_list:
        services += [s for s in (e.caller, e.callee) if s not in groups and s not in services]
    return ServiceGraph(
        nodes=[node(s, groups.get(s), seconds) for s in services], edges=edge_list,
        truncated=stats.truncated or len(rows) > MAX_EDGES,
        source="rollups" if stats.source == "rollups" and from_rollups else "spans")


@strawberry.type
class Query:
    @strawberry.field(description=(
        "Which services call which over `timeRange`: the services with the rate, errors and "
        "duration quantiles of their spans, and the edges between them with their calls, "
        "errors and duration quantiles. `filter` selects the spans counted (a node's, an "
        "edge's callee span); with no condition but `service` the hourly and per-minute "
        "rollups answer, their quantiles within "
        f"{red.RELATIVE_ERROR:.1%} of the exact ones."))
    async def service_graph(
            self, info: strawberry.Info, time_range: inputs.TimeRange,
            filter: Annotated[inputs.SpanFilter | None, strawberry.argument(
                description="Without timeRange: the range is `timeRange`.")] = None,
    ) -> ServiceGraph:
        return await graph(info, time_range, filter)
