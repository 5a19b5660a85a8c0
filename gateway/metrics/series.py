"""Metric.series: step buckets computed in SQL (sql/series.sql), shaped into MetricSeries.

The SQL returns one row per (group, step) with the merged statistics; this module picks
the value the aggregation asks for and estimates histogram quantiles from the merged
buckets (gateway.metrics.buckets).
"""

from __future__ import annotations

import time
from typing import Any

from gateway import errors, filters, inputs, sqlparts
from gateway.metrics import buckets, types
from gateway.metrics import filters as metric_filters
from ollygraph import settings

SQL = metric_filters.SQL
NS = 1_000_000_000
DEFAULT_RANGE_NS = 3600 * NS
MAX_STEPS = 11_000
Agg = types.Aggregation
HISTOGRAM_AGGREGATIONS = {Agg.AVG, Agg.SUM, Agg.COUNT, Agg.MIN, Agg.MAX, Agg.RATE, Agg.INCREASE}
INCREASING = {Agg.RATE, Agg.INCREASE, Agg.SUM, Agg.LAST}


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


def statement(req: Request, kind: str, ids: list[int], conditions_of: Any) -> tuple[str, list]:
    """The series SQL of a point kind and its parameters; `conditions_of(stmt)` gives the
    point filters."""
    stmt = sqlparts.Statement()
    table = f"otel_metrics_data_points_{kind}"
    where = sqlparts.conjunction(conditions_of(stmt))
    if req.group_by is None:
        label_slots = {"labels": SQL.labels_all, "gkey": SQL.gkey_series, "res": SQL.res_series}
    else:
        labels = stmt.render(SQL.labels_grouped, group_by=req.group_by)
        label_slots = {"labels": labels, "gkey": SQL.gkey_labels, "res": SQL.res_grouped}
    labeled = stmt.render(SQL.labeled_series, {**label_slots, "kind": f"metric_{kind}"})
    source = "per_series" if kind == "number" else \
        "(SELECT resource_id, scope_id, attributes_hash, t AS pt FROM steps) AS src"
    series = stmt.render(SQL.series_representatives, {"table": table, "source": source},
                         ids=ids)
    slots = {"table": table, "where": where, "series": series, "labeled": labeled}
    if kind == "number":
        increasing = req.aggregation in INCREASING
        slots["lags"] = SQL.number_lags if increasing else SQL.number_no_lags
        slots["delta"] = stmt.render(SQL.number_delta, lo=req.lo) if increasing else "NULL::float8"
        slots["last"] = SQL.number_last if increasing else "NULL::float8"
    elif kind != "summary":
        reset = SQL.histogram_reset if kind == "histogram" else ""
        slots["how"] = stmt.render(SQL.histogram_how, {"reset": reset}, lo=req.lo)
    sql = stmt.render(SQL[f"series_{kind}"], slots, ids=ids, lo=req.lo, hi=req.hi,
                      width=req.width)
    return sql, stmt.params


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
        sets = sorted(row["merged"] or [], key=lambda m: -sum(m["counts"]))
        chosen = sets[0] if sets else {"bounds": [], "counts": []}
        found = buckets.explicit(chosen["bounds"], chosen["counts"], low, high)
        bounds = chosen["bounds"]
        shown = [types.HistogramBucket(
            lower=bounds[i - 1] if i > 0 else None,
            upper=bounds[i] if i < len(bounds) else None, count=float(c))
            for i, c in enumerate(chosen["counts"])]
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
        value = buckets.quantile(found, req.quantile)
    elif agg is Agg.AVG:
        value = total / count if count and total is not None else None
    elif agg is Agg.RATE:
        value = count / (req.width / NS)
    else:
        value = {Agg.SUM: total, Agg.COUNT: count, Agg.INCREASE: count, Agg.MIN: low,
                 Agg.MAX: high}[agg]
    return types.MetricPoint(time=row["bucket"], value=value, count=count, sum=total, min=low,
                             max=high, buckets=shown, scale=scale)


def _summary_point(req: Request, row: Any) -> types.MetricPoint:
    quantiles, values = list(row["quantiles"]), list(row["quantile_values"])
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
