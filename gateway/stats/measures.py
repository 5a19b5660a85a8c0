"""Measures -> aggregate expressions over the rows of the `stats` statement (sql/stats.sql).

The rows (`x`, then `y`) carry only the inputs the measures need: `err` (an error item),
`dur` (a span's duration in ms) and one column per attribute value (`v0`, `v1`, ...).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

from gateway import errors, filters, sqlparts
from gateway.stats import facets, types, values

SQL = values.SQL
Op = types.StatOp
_QUANTILES = {Op.P50: 0.5, Op.P90: 0.9, Op.P95: 0.95, Op.P99: 0.99}
_AGGREGATE = {Op.SUM: "measure_sum", Op.AVG: "measure_avg", Op.MIN: "measure_min",
              Op.MAX: "measure_max"}
MAX_MEASURES = 20
DEFAULT_K = 10


class Subject(NamedTuple):
    """What differs between aggregating spans and logs."""

    signal: str                # "span" | "log" (gateway.filters.TARGETS)
    table: str
    alias: str
    time: str                  # the time column of a row, for buckets
    builtins: dict[str, values.Builtin]  # groupBy name -> its value (plain JSON)
    error: str                 # fragment: the row is an error
    duration: str | None       # fragment: the row's duration in ms (None: no durations)


class Inputs:
    """The input columns of the rows, each computed once however many measures use it."""

    def __init__(self, stmt: sqlparts.Statement, subject: Subject, keys: filters.KeyIds) -> None:
        self.stmt, self.subject, self.keys = stmt, subject, keys
        self.columns: dict[Any, tuple[str, str]] = {}   # identity -> (column, expression)

    def column(self, ident: Any, make: Any) -> str:
        if ident not in self.columns:
            name = ident if isinstance(ident, str) else f"v{len(self.columns)}"
            self.columns[ident] = (name, make())
        return self.columns[ident][0]

    def attribute(self, key: str, numeric: bool) -> str:
        scope, name = values.split_key(key)
        return self.column((scope, name, numeric), lambda: values.expression(
            self.stmt, self.subject.signal, self.subject.alias, scope, name, self.keys,
            numeric))

    def sql(self) -> str:
        return "".join(f", {expr} AS {name}" for name, expr in self.columns.values())


    def value(self, key: str) -> str:
        """The plain JSON value of a built-in or an attribute key (as groupBy reads it)."""
        if key in self.subject.builtins:
            return self.column(("builtin", key), lambda: values.builtin(
                self.stmt, self.subject.builtins[key]))
        return self.attribute(key, numeric=False)


def keys_of(measures: list[types.StatMeasure]) -> list[str]:
    """The attribute keys the measures read (for resolving their key ids)."""
    return [values.split_key(m.key)[1] for m in measures if m.key]


def default_name(m: types.StatMeasure, quantile: float | None) -> str:
    op = m.op.value
    if m.op in (Op.COUNT, Op.RATE, Op.ERROR_COUNT, Op.ERROR_RATE):
        return op
    arg = m.key or "duration"
    if m.op is Op.TOP_K:
        return f"top_k({arg}, {m.k or DEFAULT_K})"
    if m.op is Op.QUANTILE:
        return f"quantile({arg}, {quantile:g})"
    return f"{op}({arg})"


def check(measures: list[types.StatMeasure], subject: Subject) -> list[float | None]:
    """Raise a UserError for measures that cannot be computed; their quantiles."""
    if not measures:
        raise errors.UserError("give at least one measure, e.g. {op: COUNT}")
    if len(measures) > MAX_MEASURES:
        raise errors.UserError(f"at most {MAX_MEASURES} measures per query")
    out: list[float | None] = []
    for m in measures:
        what = f"measure {m.op.name}"
        q = _QUANTILES.get(m.op, m.quantile if m.op is Op.QUANTILE else None)
        if m.op is Op.QUANTILE and m.quantile is None:
            raise errors.UserError(f"{what} needs `quantile`, between 0 and 1 (e.g. 0.95)")
        if q is not None and not (0 < q < 1 and math.isfinite(q)):
            raise errors.UserError(f"{what}: quantile {q:g} is not between 0 and 1 (exclusive)")
        if m.quantile is not None and m.op is not Op.QUANTILE:
            raise errors.UserError(f"{what} takes no `quantile` (use QUANTILE)")
        takes_key = m.op in (*_AGGREGATE, Op.QUANTILE, *_QUANTILES, Op.COUNT_DISTINCT,
                             Op.TOP_K)
        if m.key is not None and not takes_key:
            raise errors.UserError(f"{what} takes no `key`")
        if m.key is None and m.op is Op.TOP_K:
            raise errors.UserError(
                f"{what} needs a `key`: an attribute key or one of "
                f"{', '.join(subject.builtins)}")
        if m.key is None and (m.op in (Op.SUM, Op.COUNT_DISTINCT)):
            raise errors.UserError(f"{what} needs an attribute `key`")
        if m.k is not None and m.op is not Op.TOP_K:
            raise errors.UserError(f"{what} takes no `k` (use TOP_K)")
        if m.k is not None and not 1 <= m.k <= facets.MAX_VALUES:
            raise errors.UserError(f"{what}: `k` must be between 1 and {facets.MAX_VALUES}")
        if m.key is None and takes_key and subject.duration is None:
            raise errors.UserError(f"{what} needs an attribute `key` (logs have no duration)")
        if m.key is not None and not values.split_key(m.key)[1]:
            raise errors.UserError(f"{what}: empty attribute key")
        out.append(q)
    names = [m.name or default_name(m, q) for m, q in zip(measures, out, strict=True)]
    if len(set(names)) != len(names):
        raise errors.UserError("two measures have the same name; give them distinct `name`s")
    return out


def expressions(stmt: sqlparts.Statement, measures: list[types.StatMeasure],
                quantiles: list[float | None], inputs: Inputs,
                seconds: Callable[[], str] | None) -> list[str]:
    """The aggregate of each measure; `seconds` renders the divisor of RATE (None: no RATE)."""
    out = []
    for m, q in zip(measures, quantiles, strict=True):
        if m.op is Op.COUNT:
            out.append(SQL.measure_count)
        elif m.op is Op.RATE:
            if seconds is None:
                raise errors.UserError("measure RATE needs filter.timeRange or a `step`")
            out.append(stmt.render(SQL.measure_rate, {"seconds": seconds()}))
        elif m.op in (Op.ERROR_COUNT, Op.ERROR_RATE):
            inputs.column("err", lambda: SQL[inputs.subject.error])
            out.append(SQL.measure_error_count if m.op is Op.ERROR_COUNT
                       else SQL.measure_error_rate)
        elif m.op is Op.TOP_K:
            out.append(stmt.render(SQL.measure_top_k, {"input": inputs.value(m.key)},
                                   k=m.k or DEFAULT_K))
        elif m.op is Op.COUNT_DISTINCT:
            column = inputs.attribute(m.key, numeric=False)
            out.append(stmt.render(SQL.measure_count_distinct, {"input": column}))
        else:
            if m.key is None:
                column = inputs.column("dur", lambda: SQL[inputs.subject.duration])
            else:
                column = inputs.attribute(m.key, numeric=True)
            if q is not None:
                out.append(stmt.render(SQL.measure_quantile, {"input": column}, q=q))
            else:
                out.append(stmt.render(SQL[_AGGREGATE[m.op]], {"input": column}))
    return out


def names(measures: list[types.StatMeasure], quantiles: list[float | None]) -> list[str]:
    return [m.name or default_name(m, q) for m, q in zip(measures, quantiles, strict=True)]
