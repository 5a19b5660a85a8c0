"""Filters -> SQL conditions, composed from the fragments of sql/filters.sql.

Shared by every signal: time ranges, attribute filters (any op, any scope, promoted or
JSONB-stored keys) and semantic types. The signal modules add their own columns. Which
scopes filter which rows (`TARGETS`) follows from the store's declaration
(`ollygraph.store`): a row's own attributes, its children's and its dimensions'.
"""

from __future__ import annotations

import dataclasses
import decimal
import math
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from gateway import attrsets, enums, errors, inputs, semantic, sqlparts
from ollygraph import settings, store

SQL = sqlparts.Queries(Path(__file__).with_name("sql"))
MAX_NS = 2**63 - 1
Scope = enums.AttributeScope
Op = enums.AttributeOp
KeyIds = attrsets.KeyIds
Target = attrsets.Target


def _targets() -> dict[str, dict[enums.AttributeScope, Target]]:
    """For the rows of each fact owner (by owner name: "span", "log", "metric_number", ...)
    the attribute scopes that filter them, from the store's declaration."""
    tables = {t.name: t for signal in store.SIGNALS for t in signal.tables}
    out: dict[str, dict[enums.AttributeScope, Target]] = {}
    for row in store.OWNERS:
        if row.partition is None or row.scope is None:
            continue
        found = {Scope[o.scope]: t for o in store.OWNERS if o.scope is not None
                 and (t := attrsets.target(o, tables[row.table])) is not None}
        out[row.name] = {scope: found[scope] for scope in Scope if scope in found}
    return out


TARGETS = _targets()
DEFAULT_SCOPE = {row.name: Scope[row.scope] for row in store.OWNERS if row.name in TARGETS}


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


def duration_bounds(flt: Any) -> tuple[int | None, int | None]:
    """A filter's minDurationMs / maxDurationMs in nanoseconds (None where not given)."""
    return (duration_ns(flt.min_duration_ms, "minDurationMs"),
            duration_ns(flt.max_duration_ms, "maxDurationMs"))


def duration_ns(ms: float | None, what: str) -> int | None:
    if ms is None:
        return None
    if not 0 <= ms * 1_000_000 <= MAX_NS:
        raise errors.UserError(f"{what} must be between 0 and {MAX_NS // 1_000_000}")
    return int(ms * 1_000_000)


def every_attribute(flt: Any) -> list[inputs.AttributeFilter]:
    """The attribute filters of a filter input and of the filters nested in it (a
    SpanFilter's hasParent, anyOf, ...; see gateway.traces.structure)."""
    if flt is None:
        return []
    out, stack = [], [flt]
    while stack:
        item = stack.pop()
        out += getattr(item, "attributes", None) or []
        for field in dataclasses.fields(item):
            value = getattr(item, field.name)
            stack += [sub for sub in (value if isinstance(value, list) else [value])
                      if dataclasses.is_dataclass(sub) and hasattr(sub, "attributes")]
    return out


async def key_ids(db: Any, attributes: Iterable[inputs.AttributeFilter] | None) -> KeyIds:
    """The registered key ids of the filters' keys (one statement; none without filters).

    Resolving them first lets the planner see each typed-table condition as a constant
    `key_id` and skip the typed tables of keys that were never promoted."""
    names = sorted({flt.key for flt in attributes or () if flt.key})
    if not names:
        return {}
    rows = await db.fetch(sqlparts.numbered(SQL.key_ids, ["keys"]), names)
    return {r["key"]: r["key_id"] for r in rows}


class Match(NamedTuple):
    """An attribute filter as owner sets: the rows among them match, or with `negate` the
    rows not among them (NOT_EXISTS, NEQ and NOT_IN are the complements of EXISTS, EQ and
    IN: they also match rows without the key)."""

    sets: attrsets.Sets
    negate: bool

    def condition(self, alias: str) -> str:
        return self.sets.condition(alias, self.negate)

    def probe(self, alias: str) -> str:
        return self.sets.probe(alias, self.negate)

    @property
    def can_start(self) -> bool:
        """Whether a search can start from these sets: index lookups by value (EQ, IN) of
        an owner partitioned like the spans or logs (not a resource or a scope)."""
        return not self.negate and self.sets.indexed and self.sets.target.partition is not None


def attribute_match(stmt: sqlparts.Statement, flt: inputs.AttributeFilter, signal: str,
                    bounds: tuple[int, int] | None, keys: KeyIds | None = None,
                    siblings: Iterable[inputs.AttributeFilter] = ()) -> Match:
    """`flt` on the attributes of `signal`'s rows; `keys` from `key_ids`, if resolved;
    `siblings` the filters that hold with it (a range on a row's own key is narrowed by
    theirs on the same key)."""
    scope = flt.scope or DEFAULT_SCOPE[signal]
    target = TARGETS[signal].get(scope)
    if target is None:
        allowed = ", ".join(s.name for s in TARGETS[signal])
        raise errors.UserError(f"attribute scope {scope.name} does not apply here "
                               f"(use one of {allowed})")
    if not flt.key:
        raise errors.UserError("attribute filter needs a key")
    op = flt.op
    sets = attrsets.Sets(SQL, stmt, target, flt.key, bounds, keys)
    if op in (Op.EXISTS, Op.NOT_EXISTS):
        return Match(attrsets.exists(sets), op is Op.NOT_EXISTS)
    if op in (Op.IN, Op.NOT_IN):
        values = flt.values if flt.values is not None else (
            flt.value if isinstance(flt.value, list) else None)
        if not values:
            raise errors.UserError(f"attribute filter {op.name} needs a non-empty `values` list")
        return Match(attrsets.membership(sets, values), op is Op.NOT_IN)
    value = flt.value
    if value is None:
        raise errors.UserError(f"attribute filter {op.name} on {flt.key!r} needs a `value`")
    if op in (Op.EQ, Op.NEQ):
        return Match(attrsets.membership(sets, [value]), op is Op.NEQ)
    if op in attrsets.COMPARE:
        if scope is DEFAULT_SCOPE[signal]:
            sets.numbers = number_range(flt.key, scope, signal, siblings)
        return Match(attrsets.compare(sets, op, value), False)
    if op is Op.CONTAINS:
        return Match(attrsets.contains(sets, value), False)
    return Match(attrsets.regex(sets, value), False)


def number_range(key: str, scope: Scope, signal: str,
                 filters: Iterable[inputs.AttributeFilter]) -> tuple[Any, Any] | None:
    """The numbers (lo, hi; None: unbounded) that the numeric comparisons among `filters`
    on `key` of the rows' own attributes leave, or None without any."""
    lo = hi = None
    found = False
    for flt in filters:
        value = flt.value
        if (flt.key != key or flt.op not in attrsets.COMPARE
                or (flt.scope or DEFAULT_SCOPE[signal]) is not scope
                or isinstance(value, bool) or not isinstance(value, (int, float))
                or not math.isfinite(value)):
            continue
        found, number = True, decimal.Decimal(str(value))
        if flt.op in (Op.GT, Op.GTE):
            lo = number if lo is None else max(lo, number)
        else:
            hi = number if hi is None else min(hi, number)
    return (lo, hi) if found else None


def attribute_condition(stmt: sqlparts.Statement, flt: inputs.AttributeFilter, signal: str,
                        alias: str, bounds: tuple[int, int] | None,
                        keys: KeyIds | None = None) -> str:
    """SQL that holds for the rows (alias `alias`) whose attributes satisfy `flt`."""
    return attribute_match(stmt, flt, signal, bounds, keys).condition(alias)


def semantic_sets(stmt: sqlparts.Statement, semantic_type: enums.SemanticType,
                  bounds: tuple[int, int] | None) -> attrsets.Sets:
    """The spans with an attribute key of `semantic_type`'s prefixes."""
    target = TARGETS["span"][Scope.SPAN]
    sets = attrsets.Sets(SQL, stmt, target, "", bounds)
    sets.indexed = False
    prefixes = semantic.prefixes(semantic_type)
    slots = {"inner": target.inner, "bounds": sets.bounds_sql(), "match": "@match@"}
    for kind in attrsets.TYPED:
        sets.parts.append(stmt.render(SQL.semantic_typed_set, {
            **slots, "table": target.table(kind)}, prefixes=prefixes))
    sets.parts.append(stmt.render(SQL.semantic_other_set, {
        **slots, "table": target.table(store.OTHER)}, prefixes=prefixes))
    return sets
