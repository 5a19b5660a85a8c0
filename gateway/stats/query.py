"""The generic aggregation flow: filter conditions + groupBy + step + measures -> one
statement (`stats` of sql/stats.sql) -> groups with their values and series."""

from __future__ import annotations

from typing import Any, NamedTuple

from gateway import errors, filters, inputs, sqlparts
from gateway.stats import facets, types, values
from gateway.stats import measures as measures_
from ollygraph import settings

SQL = values.SQL
NS = 1_000_000_000
MAX_GROUPS = 1000          # `first` at most
DEFAULT_GROUPS = 20
MAX_BUCKETS = 1440         # buckets of `step` in the time range (a day of minutes)
MAX_GROUP_BUCKETS = 20_000  # groups x buckets in one answer
MAX_GROUP_BY = 5


class Plan(NamedTuple):
    """An aggregation as asked, checked."""

    group_by: list[str]
    measures: list[types.StatMeasure]
    quantiles: list[float | None]
    step_ns: int | None
    bounds: tuple[int, int] | None
    groups: int


def plan(subject: measures_.Subject, time_range: inputs.TimeRange | None,
         group_by: list[str] | None, step: str | None,
         measures: list[types.StatMeasure], first: int | None) -> Plan:
    """The checked aggregation, or a UserError that says what is wrong."""
    group_by = list(group_by or [])
    if len(group_by) > MAX_GROUP_BY:
        raise errors.UserError(f"groupBy takes at most {MAX_GROUP_BY} entries")
    if len(set(group_by)) != len(group_by):
        raise errors.UserError("groupBy lists an entry twice")
    for entry in group_by:
        if not values.split_key(entry)[1]:
            raise errors.UserError("groupBy: empty attribute key")
    quantiles = measures_.check(measures, subject)
    groups = DEFAULT_GROUPS if first is None else first
    if not 1 <= groups <= MAX_GROUPS:
        raise errors.UserError(f"`first` (groups) must be between 1 and {MAX_GROUPS}")
    bounds = filters.time_bounds(time_range)
    step_ns = None
    if step is not None:
        step_ns = step_seconds(step) * NS
        if bounds is None or bounds[0] == 0 or bounds[1] == filters.MAX_NS:
            raise errors.UserError("`step` needs filter.timeRange with both ends (or `last`)")
        buckets = bounds[1] // step_ns - bounds[0] // step_ns + 1
        if buckets > MAX_BUCKETS:
            raise errors.UserError(
                f"step {step!r} gives {buckets} buckets over the time range; at most "
                f"{MAX_BUCKETS}: use a longer step or a shorter range")
        if buckets * (groups + 1) > MAX_GROUP_BUCKETS:
            raise errors.UserError(
                f"{groups} groups x {buckets} buckets is more than {MAX_GROUP_BUCKETS} "
                "points: lower `first` or use a longer step")
    return Plan(group_by, measures, quantiles, step_ns, bounds, groups)


def step_seconds(step: str) -> int:
    try:
        return settings.parse_duration(step)
    except ValueError as exc:
        raise errors.UserError(f"step: {exc}") from None


def range_seconds(bounds: tuple[int, int] | None) -> float | None:
    if bounds is None or bounds[0] == 0 or bounds[1] == filters.MAX_NS:
        return None
    return (bounds[1] - bounds[0]) / NS


def group_key(stmt: sqlparts.Statement, subject: measures_.Subject, entry: str,
              inputs_: measures_.Inputs) -> str:
    """A groupBy entry: a built-in (service, name, ...) or an attribute key."""
    if entry in subject.builtins:
        return values.builtin(stmt, subject.builtins[entry])
    scope, key = values.split_key(entry)
    return values.expression(stmt, subject.signal, subject.alias, scope, key,
                             inputs_.keys, numeric=False)


def statement(subject: measures_.Subject, p: Plan, conditions: list[str],
              stmt: sqlparts.Statement, keys: filters.KeyIds) -> str:
    """The whole `stats` statement (parameters in `stmt`)."""
    inputs_ = measures_.Inputs(stmt, subject, keys)
    key_sql = [group_key(stmt, subject, entry, inputs_) for entry in p.group_by]
    range_s = range_seconds(p.bounds)
    if p.step_ns is None:
        seconds = None if range_s is None else (
            lambda: stmt.render(SQL.seconds_range, range=range_s))
        bucket, grouping = SQL.no_bucket, SQL.grouping_total
    else:
        seconds = lambda: stmt.render(SQL.seconds_series, range=range_s,  # noqa: E731
                                      step=p.step_ns / NS)
        bucket = stmt.render(SQL.bucket, {"time": subject.time}, step=p.step_ns)
        grouping = SQL.grouping_series
    aggregates = measures_.expressions(stmt, p.measures, p.quantiles, inputs_, seconds)
    keys_sql = (stmt.render(SQL["keys"], {"keys": ", ".join(key_sql)}) if key_sql
                else SQL.no_keys)
    return stmt.render(SQL.stats, {
        "keys": keys_sql, "bucket": bucket, "inputs": inputs_.sql(), "table": subject.table,
        "alias": subject.alias, "where": sqlparts.conjunction(conditions),
        "grouping": grouping,
        "measures": "".join(f", {a} AS m{i}" for i, a in enumerate(aggregates))},
        groups=p.groups)


def _number(value: Any) -> float | None:
    return None if value is None or isinstance(value, list) else float(value)


def _top(value: Any) -> list[facets.FacetValue] | None:
    """A TOP_K aggregate ([[value, count], ...], NULL without values) as facet values."""
    if not isinstance(value, list):
        return None
    return [facets.FacetValue(value=v, count=n) for v, n in value]


def shape(p: Plan, rows: list[Any], names: list[str], source: str) -> types.Stats:
    """Rows of `stats` -> Stats (a group's total row comes before its buckets)."""
    groups: list[types.StatsGroup] = []
    count = len(p.measures)
    tops = [i for i, m in enumerate(p.measures) if m.op is types.StatOp.TOP_K]
    total_count = 0
    for row in rows:
        total_count = row["group_count"]
        raw = [row[f"m{i}"] for i in range(count)]
        for i in tops:
            raw[i] = raw[i] if raw[i] is not None else []
        vals = [_number(v) for v in raw]
        top = [_top(v) for v in raw]
        if p.step_ns is None or row["total"]:
            key = dict(zip(p.group_by, row["gk"] or [None] * len(p.group_by), strict=True))
            groups.append(types.StatsGroup(key=key, other=row["other"], values=vals,
                                           top=top, series=[]))
        else:
            groups[-1].series.append(types.StatsPoint(time=row["bucket"], values=vals,
                                                      top=top))
    return types.Stats(measures=names, groups=groups or empty_groups(p), group_count=total_count,
                       truncated=any(g.other for g in groups), source=source)


def empty_groups(p: Plan) -> list[types.StatsGroup]:
    """Without groupBy, one group even without items: counts 0, the rest null."""
    if p.group_by:
        return []
    empty = [0.0 if m.op in (types.StatOp.COUNT, types.StatOp.RATE, types.StatOp.ERROR_COUNT)
             else None for m in p.measures]
    top = [[] if m.op is types.StatOp.TOP_K else None for m in p.measures]
    return [types.StatsGroup(key={}, other=False, values=empty, top=top, series=[])]


async def run(db: Any, subject: measures_.Subject, p: Plan, conditions: list[str],
              stmt: sqlparts.Statement, keys: filters.KeyIds) -> types.Stats:
    sql = statement(subject, p, conditions, stmt, keys)
    rows = await db.fetch(sql, *stmt.params)
    return shape(p, rows, measures_.names(p.measures, p.quantiles), f"{subject.signal}s")
