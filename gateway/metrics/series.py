"""Metric.series: step buckets computed in SQL (sql/series.sql), shaped into MetricSeries.

The SQL returns one row per (group, step) with the merged statistics; this module picks
the value the aggregation asks for and estimates histogram quantiles from the merged
buckets (gateway.metrics.buckets).
"""

from __future__ import annotations

import time
from typing import Any

from gateway import attrsql, errors, filters, inputs, sqlparts
from gateway.metrics import buckets, types
from gateway.metrics import filters as metric_filters
from ollygraph import rollups, settings, store
from ollygraph.sql import QUERIES as ROLLUP_SQL

SQL = metric_filters.SQL
NS = 1_000_000_000
DEFAULT_RANGE_NS = 3600 * NS
MAX_STEPS = 11_000
Agg = types.Aggregation
HISTOGRAM_AGGREGATIONS = {Agg.AVG, Agg.SUM, Agg.COUNT, Agg.MIN, Agg.MAX, Agg.RATE, Agg.INCREASE}
INCREASING = {Agg.RATE, Agg.INCREASE}
# the per-step statistics each order-free aggregation reads (the others stay NULL)
STEP_COLUMNS = {Agg.AVG: {"total"}, Agg.SUM: {"total"}, Agg.MIN: {"low"}, Agg.MAX: {"high"},
                Agg.COUNT: set(), Agg.LAST: set()}
LOOK_BACK_NS = 24 * 3600 * NS  # how far before the range a series' previous point is sought
# shared with the rollup job (ollygraph/sql/rollups.sql)
ROLLUP_STATE = sqlparts.uncommented(ROLLUP_SQL.rollup_state)
FINE_ROLLUP_STATE = sqlparts.uncommented(ROLLUP_SQL.fine_rollup_state)
# the rollups a step of whole granules reads, coarsest first:
# granule -> (its state query, table, granule start column)
ROLLUPS = {ns: (state, table, start) for (table, start, ns), state in zip(
    rollups.GRANULES, (ROLLUP_STATE, FINE_ROLLUP_STATE), strict=True)}
POINT_DELTA = sqlparts.uncommented(ROLLUP_SQL.point_delta)


class Request:
    """The validated arguments of one series request."""

    def __init__(self, time_range: inputs.TimeRange | None, step: str | None,
                 aggregation: types.Aggregation | None, group_by: list[str] | None,
                 quantile: float | None) -> None:
        bounds = filters.time_bounds(time_range)
        if bounds is None:
            now = time.time_ns()
            bounds = (now - DEFAULT_RANGE_NS, now)
        self.lo, self.hi = bounds
        try:
            self.width = settings.parse_duration(step or "1m") * NS
        except ValueError as exc:
            raise errors.UserError(f"step: {exc}") from None
        if (self.hi - self.lo) // self.width > MAX_STEPS:
            raise errors.UserError(f"more than {MAX_STEPS} steps: use a larger step or a "
                                   "shorter timeRange")
        if quantile is not None and not 0 <= quantile <= 1:
            raise errors.UserError("quantile must be between 0 and 1")
        self.aggregation = aggregation or Agg.AVG
        self.group_by = group_by
        self.quantile = quantile


def statement(req: Request, kind: str, ids: list[int], conditions_of: Any,
              rolled: tuple[int, int, int] | None = None) -> tuple[str, list]:
    """The series SQL of a point kind and its parameters; `conditions_of(stmt)` gives the
    point filters, `rolled` the granules number points read from their rollups
    (rolled_minutes)."""
    stmt = sqlparts.Statement()
    point_kind = store.POINT_KIND[kind]
    table = point_kind.table
    where = sqlparts.conjunction(conditions_of(stmt))
    owned = attrsql.owned_sql(store.OWNER[point_kind.owner], SQL.series_owners, "src.r", [],
                              bounded=False)
    if req.group_by is None:
        labeled = stmt.render(SQL.labeled_series, {"owned": owned})
    else:
        labeled = stmt.render(SQL.labeled_groups, {"owned": owned}, group_by=req.group_by)
    source = sqlparts.choose(SQL.series_source, kind, "other")
    series = stmt.render(SQL.series_representatives, {"table": table, "source": source},
                         ids=ids)
    slots = {"table": table, "where": where, "series": series, "labeled": labeled}
    if kind == "number":
        slots["per_series"] = _number_steps(req, stmt, ids, where, rolled)
    elif kind != "summary":
        slots["of_metric"] = _of_metric(stmt, ids)
        slots["temporality"] = stmt.render(SQL.point_temporality, ids=ids)
        reset = SQL.histogram_reset if kind == "histogram" else ""
        slots["how"] = stmt.render(SQL.histogram_how, {"reset": reset}, lo=req.lo)
        slots["look_back"] = stmt.render(SQL.histogram_look_back, {"table": table}, ids=ids,
                                         lo=req.lo, look_back=max(LOOK_BACK_NS, req.width))
    sql = stmt.render(SQL[f"series_{kind}"], slots, ids=ids, lo=req.lo, hi=req.hi,
                      width=req.width)
    return sql, stmt.params


def _of_metric(stmt: sqlparts.Statement, ids: list[int]) -> str:
    """The points of the descriptors: an equality for one (the series index then returns
    them presorted), else a list."""
    if len(ids) == 1:
        return stmt.render(sqlparts.choose(SQL.of_metric, "id"), id=ids[0])
    return stmt.render(sqlparts.choose(SQL.of_metric, "ids"), ids=ids)


async def rolled_minutes(db: Any, req: Request, kind: str) -> tuple[int, int, int] | None:
    """The whole granules [a, b) of the range that number points read from their rollups
    (ollygraph.rollups), and the granule: per minute when the step is made of whole
    minutes, else per fine granule when it is made of those."""
    if kind != "number":
        return None
    granule = next((ns for ns in ROLLUPS if req.width % ns == 0), None)
    if granule is None:
        return None
    found = await db.fetch(ROLLUPS[granule][0])
    if not found:
        return None
    state = found[0]
    a = max(state["rolled_from"], -(-req.lo // granule) * granule)
    b = min(state["rolled"], (req.hi + 1) // granule * granule)
    return (a, b, granule) if a < b else None


def _units(req: Request, stmt: sqlparts.Statement, ids: list[int], of_metric: str, where: str,
           rolled: tuple[int, int, int] | None) -> str:
    """The units the number steps are made of: rollups and points (number_rolled_units)."""
    slots = {"of_metric": of_metric, "where": where, "point_unit": SQL.number_point_unit}
    if rolled is None:
        return stmt.render(SQL.number_point_units, slots, lo=req.lo, hi=req.hi)
    a, b, granule = rolled
    _, table, start = ROLLUPS[granule]
    return stmt.render(SQL.number_rolled_units, {**slots, "rollups": table, "start": start},
                       ids=ids, lo=req.lo, hi=req.hi, a=a, b=b)


def _number_steps(req: Request, stmt: sqlparts.Statement, ids: list[int], where: str,
                  rolled: tuple[int, int, int] | None) -> str:
    """The per (series, step) rows of gauges and sums: hashed without point order, or, for
    RATE and INCREASE, through a window over each series."""
    of_metric = _of_metric(stmt, ids)
    units = _units(req, stmt, ids, of_metric, where, rolled)
    if req.aggregation not in INCREASING:
        last = stmt.render(SQL.number_last, {"of_metric": of_metric}) \
            if req.aggregation in (Agg.SUM, Agg.LAST) else sqlparts.choose(SQL.step_column, "none")
        wanted = STEP_COLUMNS[req.aggregation]
        columns = {name: sqlparts.choose(SQL.step_column, name if name in wanted else "none")
                   for name in ("total", "low", "high")}
        step_of = stmt.render(SQL.number_step_of, lo=req.lo, hi=req.hi, width=req.width)
        return stmt.render(SQL.number_steps, {"units": units, "last": last,
                                              "step_of": step_of, **columns})
    alone = stmt.render(SQL.number_alone, lo=req.lo)
    delta = stmt.render(POINT_DELTA, {"alone": alone})
    look_back = stmt.render(SQL.number_look_back, {
        "of_metric": of_metric, "delta": delta, "delta_alone": alone},
        lo=req.lo, look_back=max(LOOK_BACK_NS, req.width))
    return stmt.render(SQL.number_increases, {
        "units": units, "delta": delta, "look_back": look_back},
        ids=ids, width=req.width)


def _number_value(req: Request, row: Any) -> float | None:
    agg, step_s = req.aggregation, req.width / NS
    if agg is Agg.AVG:
        return row["total"] / row["n"] if row["n"] else None
    if agg is Agg.SUM:
        return row["total"] if row["delta"] else row["last"]
    if agg is Agg.INCREASE:
        return row["increase"]
    if agg is Agg.RATE:
        return row["increase"] / step_s if row["increase"] is not None else None
    return {Agg.MIN: row["low"], Agg.MAX: row["high"], Agg.COUNT: float(row["n"]),
            Agg.LAST: row["last"]}[agg]


def _histogram_point(req: Request, kind: str, row: Any) -> types.MetricPoint:
    low, high = row["low"], row["high"]
    if kind == "histogram":
        bounds, counts = buckets.merge_explicit([(m["bounds"], m["counts"])
                                                 for m in row["merged"] or []])
        found = buckets.explicit(bounds, counts, low, high)
        shown = [types.HistogramBucket(
            lower=bounds[i - 1] if i > 0 else None,
            upper=bounds[i] if i < len(bounds) else None, count=float(c))
            for i, c in enumerate(counts)]
        scale = None
    else:
        scale = row["scale"] if row["scale"] is not None else 0
        cells = [tuple(c) for c in row["cells"] or []]
        found = buckets.exponential(scale, float(row["zero_count"] or 0),
                                    row["zero_threshold"] or 0.0, cells, None, None)
        shown = [types.HistogramBucket(lower=b.lower, upper=b.upper, count=b.count)
                 for b in found]
        found = buckets.exponential(scale, float(row["zero_count"] or 0),
                                    row["zero_threshold"] or 0.0, cells, low, high)
    count, total = float(row["count"] or 0), row["sum"]
    agg = req.aggregation
    if req.quantile is not None:
        value = buckets.quantile(found, req.quantile, low, high)
    elif agg is Agg.AVG:
        value = total / count if count and total is not None else None
    elif agg is Agg.RATE:
        value = count / (req.width / NS)
    else:
        value = {Agg.SUM: total, Agg.COUNT: count, Agg.INCREASE: count, Agg.MIN: low,
                 Agg.MAX: high}[agg]
    return types.MetricPoint(time=row["bucket"], value=value, count=count, sum=total, min=low,
                             max=high, buckets=shown, scale=scale)


def _summary_quantiles(sets: list[list[list[float]]]) -> tuple[list[float], list[float]]:
    """The quantiles every series of a step reports, each with the largest value among the
    series: the quantile of the merged observations lies between the series' values, so
    one series gives it exactly and several an upper bound."""
    merged: dict[float, float] | None = None
    for quantiles, values in sets:
        own = dict(zip(quantiles, values, strict=True))
        merged = own if merged is None else {q: max(v, own[q]) for q, v in merged.items()
                                             if q in own}
    ordered = sorted((merged or {}).items())
    return [q for q, _ in ordered], [v for _, v in ordered]


def _summary_point(req: Request, row: Any) -> types.MetricPoint:
    quantiles, values = _summary_quantiles(row["quantile_sets"])
    if req.quantile is not None:
        value = next((v for q, v in zip(quantiles, values, strict=True)
                      if abs(q - req.quantile) < 1e-9), None)
    else:
        value = row["sum"] / row["count"] if row["count"] else None
    return types.MetricPoint(time=row["bucket"], value=value, count=float(row["count"]),
                             sum=row["sum"], quantiles=quantiles, quantile_values=values)


def check(req: Request, kind: str) -> None:
    """UserError when the aggregation does not apply to the point kind."""
    if kind in ("histogram", "exp_histogram") and req.aggregation not in HISTOGRAM_AGGREGATIONS:
        raise errors.UserError(f"aggregation {req.aggregation.name} does not apply to "
                               "histograms; use quantile, AVG, SUM, COUNT, MIN, MAX, RATE or "
                               "INCREASE")


def shape(req: Request, kind: str, rows: list[Any]) -> list[types.MetricSeries]:
    """Rows ordered by (group, step) -> one MetricSeries per group."""
    out: list[types.MetricSeries] = []
    last_key: Any = object()
    for row in rows:
        if row["gkey"] != last_key:
            last_key = row["gkey"]
            out.append(types.MetricSeries(labels=row["labels"], points=[],
                                          resource_id=row["res_id"]))
        if kind == "number":
            point = types.MetricPoint(time=row["bucket"], value=_number_value(req, row))
        elif kind == "summary":
            point = _summary_point(req, row)
        else:
            point = _histogram_point(req, kind, row)
        out[-1].points.append(point)
    return out
