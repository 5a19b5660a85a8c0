"""spanStats from the per-minute RED rollups of spans (ollygraph.span_rollups), when the
query fits them: groups of service, name, kind and status only, counts, rates, errors and
durations (quantiles from the duration histograms, within `RELATIVE_ERROR`), a filter of
time range, service, name, kind and status only, and a step of whole minutes.

The range is read as gateway.stats.cover says: the whole hours from the hourly rollups
(when the step is whole hours), the other rolled minutes that late spans have not marked
pending from the minute rollups, the ends and the pending minutes from the spans, all in
the same row form (sql/red.sql). Groups past `first` are merged into `other` here.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from gateway import filters, inputs, sqlparts
from gateway.stats import cover, query, types, values
from gateway.traces import filters as trace_filters
from ollygraph import span_rollups

SQL = values.SQL
Op = types.StatOp
MINUTE = span_rollups.MINUTE_NS
RELATIVE_ERROR = span_rollups.RELATIVE_ERROR
_FILTER = {"time_range": None, "service": "red_where_service", "name": "red_where_name",
           "kind": "red_where_kind", "status": "red_where_status"}
_KEYS = {"service": "red_service", "name": "red_name", "kind": "red_kind",
         "status": "red_status"}
_OPS = {Op.COUNT, Op.RATE, Op.ERROR_COUNT, Op.ERROR_RATE, Op.AVG, Op.MIN, Op.MAX,
        Op.QUANTILE, Op.P50, Op.P90, Op.P95, Op.P99}


def fits(flt: inputs.SpanFilter | None, p: query.Plan) -> bool:
    """Whether the rollups can answer: see the module's docstring."""
    if flt is not None:
        given = {f.name for f in dataclasses.fields(flt) if getattr(flt, f.name) is not None}
        if not given <= set(_FILTER):
            return False
    rate_without_range = p.step_ns is None and query.range_seconds(p.bounds) is None and any(
        m.op is Op.RATE for m in p.measures)     # an error, which the spans path reports
    return (set(p.group_by) <= set(_KEYS) and not rate_without_range
            and all(m.op in _OPS and m.key is None for m in p.measures)
            and (p.step_ns is None or p.step_ns % MINUTE == 0))


async def run(db: Any, flt: inputs.SpanFilter | None, p: query.Plan) -> types.Stats | None:
    """The answer from the rollups, or None when they do not cover the range yet."""
    lo, hi = p.bounds or (0, filters.MAX_NS)
    end = min(hi, filters.MAX_NS - 1) + 1            # exclusive
    c = await cover.of(db, lo, end, hourly=p.step_ns is None or p.step_ns % cover.HOUR == 0)
    if not c.rollups:
        return None
    stmt = sqlparts.Statement()
    sql = statement(stmt, flt, p, c)
    rows = await db.fetch(sql, *stmt.params)
    return shape(p, rows)


def statement(stmt: sqlparts.Statement, flt: inputs.SpanFilter | None, p: query.Plan,
              c: cover.Cover) -> str:
    """The red_read statement for the cover `c`: hourly rollups, minute rollups, spans."""
    rest = dataclasses.replace(flt, time_range=None) if flt is not None else None
    where = sqlparts.conjunction(
        [stmt.render(SQL[_FILTER[name]], v=_filter_value(getattr(flt, name)))
         for name in _FILTER if _FILTER[name] and flt is not None
         and getattr(flt, name) is not None])
    parts = [stmt.render(SQL.red_minutes, {"where": where}, lo=start, hi=stop,
                         pending=c.pending) for start, stop in c.minutes]
    for start, stop in c.raw:
        spans = stmt.render(SQL.red_spans, {"where": sqlparts.conjunction(
            trace_filters.span_conditions(stmt, rest))}, lo=start, hi=stop)
        parts.append(stmt.render(SQL.red_raw, {
            "rows": span_rollups.RED_ROWS.replace("@spans@", spans)}))
    keys = (stmt.render(SQL["keys"], {"keys": ", ".join(SQL[_KEYS[k]] for k in p.group_by)})
            if p.group_by else SQL.no_keys)
    bucket = (SQL.red_no_bucket if p.step_ns is None
              else stmt.render(SQL.red_bucket_of, step=p.step_ns))
    return stmt.render(SQL.red_read, {
        "where": where, "parts": "\n".join(parts), "keys": keys, "bucket": bucket},
        h0=c.hours[0], h1=c.hours[1], pending_hours=c.pending_hours)


def _filter_value(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


class Acc:
    """Sums of one group (and bucket), mergeable."""

    def __init__(self) -> None:
        self.n = self.errors = 0
        self.total = 0
        self.low: int | None = None
        self.high: int | None = None
        self.hist: dict[int, int] = {}

    def add(self, row: Any) -> Acc:
        self.n += int(row["n"])              # sums of bigints are numeric
        self.errors += int(row["errors"] or 0)
        self.total += int(row["total"])
        self.low = row["low"] if self.low is None else min(self.low, row["low"])
        self.high = row["high"] if self.high is None else max(self.high, row["high"])
        for b, c in zip(row["bs"], row["cs"], strict=True):
            self.hist[b] = self.hist.get(b, 0) + c
        return self

    def at(self, k: int) -> float:
        """The estimated duration (ns) of the k-th shortest span (0-based)."""
        seen = 0
        for b in sorted(self.hist):
            seen += self.hist[b]
            if seen > k:
                return min(max(span_rollups.bucket_middle(b), self.low), self.high)
        return float(self.high)

    def quantile(self, q: float) -> float:
        position = q * (self.n - 1)
        k = math.floor(position)
        low, high = self.at(k), self.at(min(k + 1, self.n - 1))
        return low + (position - k) * (high - low)

    def value(self, m: types.StatMeasure, q: float | None, seconds: float | None) -> float:
        if m.op is Op.COUNT:
            return float(self.n)
        if m.op is Op.RATE:
            return self.n / seconds
        if m.op is Op.ERROR_COUNT:
            return float(self.errors)
        if m.op is Op.ERROR_RATE:
            return self.errors / self.n
        if m.op is Op.AVG:
            return self.total / self.n / 1e6
        if m.op is Op.MIN:
            return self.low / 1e6
        if m.op is Op.MAX:
            return self.high / 1e6
        return self.quantile(q) / 1e6


def shape(p: query.Plan, rows: list[Any]) -> types.Stats:
    groups: dict[int, tuple[Any, Acc, dict[int, Acc]]] = {}    # rank -> (key, total, buckets)
    for row in rows:
        rank = min(row["rank"], p.groups + 1)
        key, total, buckets = groups.setdefault(
            rank, (row["gk"] if rank <= p.groups else None, Acc(), {}))
        total.add(row)
        if p.step_ns is not None:
            bucket = buckets.setdefault(row["bucket"], Acc())
            bucket.add(row)
    range_s = query.range_seconds(p.bounds)
    step_s = None if p.step_ns is None else p.step_ns / query.NS
    out = []
    for rank in sorted(groups):
        key, total, buckets = groups[rank]
        out.append(types.StatsGroup(
            key=dict(zip(p.group_by, key or [None] * len(p.group_by), strict=True)),
            other=rank > p.groups,
            values=[total.value(m, q, range_s) for m, q in zip(p.measures, p.quantiles,
                                                                strict=True)],
            top=[None] * len(p.measures),
            series=[types.StatsPoint(time=b, values=[
                acc.value(m, q, step_s) for m, q in zip(p.measures, p.quantiles, strict=True)],
                top=[None] * len(p.measures))
                for b, acc in sorted(buckets.items())]))
    group_count = max((r["rank"] for r in rows), default=0)
    return types.Stats(measures=[], groups=out or query.empty_groups(p),
                       group_count=group_count, truncated=group_count > p.groups,
                       source="rollups")
