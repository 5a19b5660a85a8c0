"""Filters -> SQL conditions, composed from the fragments of sql/filters.sql.

Shared by every signal: time ranges, attribute filters (any op, any scope, promoted or
JSONB-stored keys) and semantic types. The signal modules add their own columns.
"""

from __future__ import annotations

import decimal
import math
import time
from pathlib import Path
from typing import Any, NamedTuple

from gateway import enums, errors, inputs, semantic, sqlparts
from ollygraph import settings
from ollygraph.sql import Queries

SQL = Queries(Path(__file__).with_name("sql"))
MAX_NS = 2**63 - 1
_TYPED = ("string", "int", "double", "bool", "bytes")
_COMPARE = {enums.AttributeOp.GT: ">", enums.AttributeOp.GTE: ">=",
            enums.AttributeOp.LT: "<", enums.AttributeOp.LTE: "<="}
Scope = enums.AttributeScope
Op = enums.AttributeOp


class Target(NamedTuple):
    """Where one scope's attributes live, and how they join to the filtered row."""

    prefix: str                 # otel_<owner>_attrs
    outer: str                  # owner columns of the filtered row ({a} = its alias)
    inner: str                  # the same columns in the attribute tables
    partition: str | None       # partition column of the attribute tables


_SPAN_OWNER = "{a}.span_pk, {a}.start_time_unix_nano"
_SPAN_INNER = "a.span_pk, a.start_time_unix_nano"
_RESOURCE = Target("otel_resource_attrs", "{a}.resource_id", "a.resource_id", None)
_SCOPE = Target("otel_scope_attrs", "coalesce({a}.scope_id, -1)", "a.scope_id", None)
TARGETS: dict[str, dict[enums.AttributeScope, Target]] = {
    "span": {
        Scope.SPAN: Target("otel_span_attrs", _SPAN_OWNER, _SPAN_INNER, "start_time_unix_nano"),
        Scope.EVENT: Target("otel_span_event_attrs", _SPAN_OWNER, _SPAN_INNER,
                            "start_time_unix_nano"),
        Scope.RESOURCE: _RESOURCE,
        Scope.SCOPE: _SCOPE,
    },
    "log": {
        Scope.LOG: Target("otel_log_attrs", "{a}.log_pk, {a}.ts_unix_nano",
                          "a.log_pk, a.ts_unix_nano", "ts_unix_nano"),
        Scope.RESOURCE: _RESOURCE,
        Scope.SCOPE: _SCOPE,
    },
}
DEFAULT_SCOPE = {"span": Scope.SPAN, "log": Scope.LOG}


def time_bounds(time_range: inputs.TimeRange | None) -> tuple[int, int] | None:
    """(lowest, highest) Unix nanoseconds, both inclusive, or None for no range."""
    if time_range is None:
        return None
    lo, hi = time_range.from_, time_range.to
    if time_range.last is not None:
        if lo is not None:
            raise errors.UserError("timeRange: give either `last` or `from`, not both")
        try:
            seconds = settings.parse_duration(time_range.last)
        except ValueError as exc:
            raise errors.UserError(f"timeRange.last: {exc}") from None
        now = time.time_ns()
        lo, hi = now - seconds * 1_000_000_000, hi if hi is not None else now
    if lo is None and hi is None:
        return None
    lo, hi = lo if lo is not None else 0, hi if hi is not None else MAX_NS
    if lo > hi:
        raise errors.UserError("timeRange: `from` is after `to`")
    return lo, hi


def duration_ns(ms: float | None, what: str) -> int | None:
    if ms is None:
        return None
    if not 0 <= ms * 1_000_000 <= MAX_NS:
        raise errors.UserError(f"{what} must be between 0 and {MAX_NS // 1_000_000}")
    return int(ms * 1_000_000)


def _typed_values(value: Any) -> list[tuple[str, Any]]:
    """The typed tables a JSON value can be stored in, with the value in that type."""
    if isinstance(value, bool):
        return [("bool", value)]
    if isinstance(value, int):
        out = [("double", float(value))]
        return [("int", value), *out] if -MAX_NS - 1 <= value <= MAX_NS else out
    if isinstance(value, float):
        out = [("double", value)]
        if value.is_integer() and abs(value) < 2**63:
            out.insert(0, ("int", int(value)))
        return out
    if isinstance(value, str):
        return [("string", value)]
    return []


class _Sets:
    """The owner sets (SELECT ... UNION ALL SELECT ...) of one attribute filter."""

    def __init__(self, stmt: sqlparts.Statement, target: Target, key: str,
                 bounds: tuple[int, int] | None) -> None:
        self.stmt, self.target, self.key, self.bounds = stmt, target, key, bounds
        self.parts: list[str] = []

    def _bounds(self) -> str:
        if self.bounds is None or self.target.partition is None:
            return "true"
        return self.stmt.render(SQL.attr_bounds, {"partition": self.target.partition},
                                lo=self.bounds[0], hi=self.bounds[1])

    def typed(self, kind: str, pred: str, op: str = "=", **binds: Any) -> None:
        pred_sql = self.stmt.render(SQL[pred], {"op": op}, **binds)
        self.parts.append(self.stmt.render(SQL.attr_typed_set, {
            "inner": self.target.inner, "table": f"{self.target.prefix}_{kind}",
            "bounds": self._bounds(), "pred": pred_sql}, key=self.key))

    def other(self, pred: str, op: str = "=", **binds: Any) -> None:
        x = self.stmt.render(SQL.json_value, key=self.key) if "@x@" in SQL[pred] else ""
        pred_sql = self.stmt.render(SQL[pred], {"op": op, "x": x}, **binds)
        self.parts.append(self.stmt.render(SQL.attr_other_set, {
            "inner": self.target.inner, "table": f"{self.target.prefix}_other",
            "bounds": self._bounds(), "pred": pred_sql}, key=self.key))

    def condition(self, alias: str, negate: bool = False) -> str:
        fragment = SQL.owner_not_in if negate else SQL.owner_in
        sets = " UNION ALL ".join(self.parts) if self.parts else "SELECT NULL WHERE false"
        return self.stmt.render(fragment, {"outer": self.target.outer.format(a=alias),
                                           "sets": sets})


def _exists_sets(sets: _Sets) -> _Sets:
    for kind in _TYPED:
        sets.typed(kind, "pred_true")
    sets.other("pred_true")
    return sets


def _membership_sets(sets: _Sets, values: list[Any]) -> _Sets:
    by_kind: dict[str, list[Any]] = {}
    for value in values:
        for kind, typed in _typed_values(value):
            by_kind.setdefault(kind, []).append(typed)
    for kind, typed in by_kind.items():
        sets.typed(kind, "pred_in", v=typed)
    forms = [_tagged_forms(value) for value in values]
    if all(forms):
        contained = [{sets.key: form} for group in forms for form in group]
        sets.other("json_in_indexed", v=list(values), c=contained)
    else:
        sets.other("json_in", v=list(values))
    return sets


def _tagged_forms(value: Any) -> list[dict[str, Any]]:
    """The stored (tagged AnyValue) forms whose plain JSON equals the scalar `value`, for
    an index-friendly containment test; empty for values that have none (arrays, maps)."""
    if isinstance(value, bool):
        return [{"boolValue": value}]
    if isinstance(value, float) and not math.isfinite(value):
        return []
    if isinstance(value, (int, float)):
        forms: list[dict[str, Any]] = [{"doubleValue": value}]
        if isinstance(value, int) or (value.is_integer() and abs(value) < 2**63):
            forms.append({"intValue": str(int(value))})
        return forms
    if isinstance(value, str):
        return [{"stringValue": value}, {"bytesValue": value}, {"doubleValue": value}]
    return []


def _compare_sets(sets: _Sets, op: enums.AttributeOp, value: Any) -> _Sets:
    symbol = _COMPARE[op]
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise errors.UserError(f"attribute filter {op.name} needs a number or a string value")
    if isinstance(value, str):
        sets.typed("string", "pred_compare", symbol, v=value)
        sets.other("json_compare_string", symbol, v=value)
    else:
        number = decimal.Decimal(str(value))
        sets.typed("int", "pred_compare_numeric", symbol, v=number)
        sets.typed("double", "pred_compare", symbol, v=float(value))
        sets.other("json_compare_number", symbol, v=number)
    return sets


def attribute_condition(stmt: sqlparts.Statement, flt: inputs.AttributeFilter, signal: str,
                        alias: str, bounds: tuple[int, int] | None) -> str:
    """SQL that holds for the rows (alias `alias`) whose attributes satisfy `flt`."""
    scope = flt.scope or DEFAULT_SCOPE[signal]
    target = TARGETS[signal].get(scope)
    if target is None:
        allowed = ", ".join(s.name for s in TARGETS[signal])
        raise errors.UserError(f"attribute scope {scope.name} does not apply here "
                               f"(use one of {allowed})")
    if not flt.key:
        raise errors.UserError("attribute filter needs a key")
    op = flt.op

    def new() -> _Sets:
        return _Sets(stmt, target, flt.key, bounds)

    if op in (Op.EXISTS, Op.NOT_EXISTS):
        return _exists_sets(new()).condition(alias, negate=op is Op.NOT_EXISTS)
    if op in (Op.IN, Op.NOT_IN):
        values = flt.values if flt.values is not None else (
            flt.value if isinstance(flt.value, list) else None)
        if not values:
            raise errors.UserError(f"attribute filter {op.name} needs a non-empty `values` list")
        if op is Op.IN:
            return _membership_sets(new(), values).condition(alias)
        return sqlparts.conjunction([_exists_sets(new()).condition(alias),
                                     _membership_sets(new(), values).condition(alias, True)])
    value = flt.value
    if value is None:
        raise errors.UserError(f"attribute filter {op.name} on {flt.key!r} needs a `value`")
    if op is Op.EQ:
        return _membership_sets(new(), [value]).condition(alias)
    if op is Op.NEQ:
        return sqlparts.conjunction([_exists_sets(new()).condition(alias),
                                     _membership_sets(new(), [value]).condition(alias, True)])
    if op in _COMPARE:
        return _compare_sets(new(), op, value).condition(alias)
    sets = new()
    if op is Op.CONTAINS:
        if isinstance(value, str):
            sets.typed("string", "pred_contains", v=value)
        sets.other("json_contains", v=value, s=value if isinstance(value, str) else None)
        return sets.condition(alias)
    if not isinstance(value, str):
        raise errors.UserError("attribute filter REGEX needs a string value")
    sets.typed("string", "pred_regex", v=value)
    sets.other("json_regex", v=value)
    return sets.condition(alias)


def semantic_condition(stmt: sqlparts.Statement, semantic_type: enums.SemanticType,
                       alias: str, bounds: tuple[int, int] | None) -> str:
    """SQL that holds for spans with an attribute key of `semantic_type`'s prefixes."""
    target = TARGETS["span"][Scope.SPAN]
    sets = _Sets(stmt, target, "", bounds)
    prefixes = semantic.prefixes(semantic_type)
    for kind in _TYPED:
        sets.parts.append(stmt.render(SQL.semantic_typed_set, {
            "inner": target.inner, "table": f"{target.prefix}_{kind}",
            "bounds": sets._bounds()}, prefixes=prefixes))
    sets.parts.append(stmt.render(SQL.semantic_other_set, {
        "inner": target.inner, "table": f"{target.prefix}_other", "bounds": sets._bounds()},
        prefixes=prefixes))
    return sets.condition(alias)


def service_condition(stmt: sqlparts.Statement, column: str, service: str) -> str:
    return stmt.render(SQL.resource_of_service, {"column": column}, v=service)
