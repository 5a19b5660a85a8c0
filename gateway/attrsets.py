"""The owners (spans, logs, resources, ...) whose attributes satisfy one attribute filter.

A filter becomes a `Sets`: one `SELECT <owner columns>` per place the key can be stored
(its typed tables and the JSONB catch-all), composed from sql/filters.sql. The same sets
are used three ways: as `IN (... UNION ALL ...)` (the planner may start from them), as a
correlated `EXISTS` probe per row (primary-key lookups, never a scan of the sets), and as
the rows a search starts from (`rows`). Each part is distinct per owner, because a span
stores a key once.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from gateway import enums, errors, numbuckets, sqlparts
from ollygraph import codecs, store

TYPED = tuple(t.name for t in store.VALUE_TYPES)  # the typed tables, by suffix
COMPARE = {enums.AttributeOp.GT: ">", enums.AttributeOp.GTE: ">=",
           enums.AttributeOp.LT: "<", enums.AttributeOp.LTE: "<="}
KeyIds = Mapping[str, int]      # attribute key -> key_id (gateway.filters.key_ids)
_MATCH = "@match@"              # left open in each part until the use is known
# slots of the JSONB predicates: a stored AnyValue as plain JSON, as a number, as a string
_JSON_SLOTS = {"x": "json_value", "num": "json_number", "str": "json_string"}
# the json_predicates that a GIN index serves (each holds only where the key is)
INDEXED_JSON = {"contained", "number_range"}


class Target(NamedTuple):
    """Where one scope's attributes live (an owner of `ollygraph.store`), and the columns
    that join them to the filtered row."""

    owner: store.Owner
    columns: tuple[str, ...]    # the owner's key columns that the filtered row also has

    @property
    def partition(self) -> str | None:
        """Partition column of the attribute tables (None: a dimension's)."""
        return self.owner.partition

    def table(self, suffix: str) -> str:
        return self.owner.attribute_table(suffix)

    @property
    def inner(self) -> str:
        """The joining columns in the attribute tables (alias a)."""
        return self.outer("a")

    def outer(self, alias: str) -> str:
        """The joining columns of the filtered row (alias `alias`)."""
        return ", ".join(f"{alias}.{column}" for column in self.columns)


def target(owner: store.Owner, row: store.Table) -> Target | None:
    """How the attributes of `owner` filter the rows of fact table `row`: its own rows'
    (spans, logs, points), its children's (a span's events), its dimensions' (resource,
    scope); None when they do not apply to it."""
    parents = {t.name: t.parent for s in store.SIGNALS for t in s.tables}
    related = (owner.partition is None or owner.table == row.name
               or parents.get(owner.table) == row.name)
    columns = tuple(c for c in owner.key_names if c in row.column_names)
    return Target(owner, columns) if related and columns else None


class Sets:
    """The owner sets of one attribute filter, one SELECT per table that can hold the key.

    With `keys` (resolved first), a key missing from it has no typed rows and its typed
    tables are skipped; without, the typed sets look the key id up themselves."""

    def __init__(self, sql: sqlparts.Queries, stmt: sqlparts.Statement, target: Target, key: str,
                 bounds: tuple[int, int] | None, keys: KeyIds | None = None) -> None:
        self.sql, self.stmt, self.target, self.key, self.bounds = sql, stmt, target, key, bounds
        self.keys = keys
        self.numbers: tuple[Any, Any] | None = None  # the range sibling filters narrow to
        self.narrow: list[str] = []    # the number tokens of a range (rows() only)
        self.parts: list[str] = []
        self.indexed = True     # every part is an index lookup by value (can start a search)

    def _key_id(self) -> str | None:
        if self.keys is None:
            return self.stmt.render(sqlparts.choose(self.sql.key_id, "key"), key=self.key)
        if self.key not in self.keys:
            return None
        return self.stmt.render(sqlparts.choose(self.sql.key_id, "key_id"),
                                key_id=self.keys[self.key])

    def bounds_sql(self) -> str:
        if self.bounds is None or self.target.partition is None:
            return "true"
        return self.stmt.render(self.sql.attr_bounds, {"partition": self.target.partition},
                                lo=self.bounds[0], hi=self.bounds[1])

    def typed(self, kind: str, pred: str, op: str = "=", **binds: Any) -> None:
        """A set of the typed table of value type `kind`: the typed_predicate `pred`."""
        key_id = self._key_id()
        if key_id is None:      # never promoted: no rows, nothing to look up
            return
        self.indexed &= pred == "in"
        pred_sql = self.stmt.render(sqlparts.choose(self.sql.typed_predicate, pred),
                                    {"op": op}, **binds)
        self.parts.append(self.stmt.render(self.sql.attr_typed_set, {
            "inner": self.target.inner, "table": self.target.table(kind),
            "key_id": key_id, "bounds": self.bounds_sql(), "pred": pred_sql,
            "match": _MATCH}))

    def other(self, pred: str, op: str = "=", **binds: Any) -> None:
        """The set of the JSONB catch-all: the json_predicate `pred`."""
        text = sqlparts.choose(self.sql.json_predicate, pred)
        slots = {name: self.stmt.render(self.sql[fragment], key=self.key) if f"@{name}@" in text
                 else "" for name, fragment in _JSON_SLOTS.items()}
        if ":key" in text:
            binds["key"] = self.key
        pred_sql = self.stmt.render(text, {"op": op, "narrow": "@narrow@", **slots}, **binds)
        if pred not in INDEXED_JSON:
            self.indexed = False
            pred_sql = self.stmt.render(self.sql.json_has_key, {"pred": pred_sql}, key=self.key)
        self.parts.append(self.stmt.render(self.sql.attr_other_set, {
            "inner": self.target.inner, "table": self.target.table(store.OTHER),
            "bounds": self.bounds_sql(), "pred": pred_sql, "match": _MATCH}))

    def _union(self, match: str, narrow: str = "true") -> str:
        if not self.parts:
            return self.sql.no_owners
        return "\nUNION ALL ".join(sqlparts.fill(part, {"match": match, "narrow": narrow})
                                   for part in self.parts)

    def rows(self) -> str:
        """SELECT ... UNION ALL SELECT ...: the owner columns of every matching owner (a
        range's number tokens narrow them first; a probe per row does without)."""
        narrow = "true"
        if self.narrow:
            narrow = self.stmt.render(self.sql.json_numbers_narrow, t=self.narrow)
        return self._union("true", narrow)

    def condition(self, alias: str, negate: bool = False) -> str:
        """Holds for the rows (alias `alias`) among the sets; `negate`: not among them, as
        a probe per row (a NOT IN over a large set would not stay hashed in memory)."""
        if negate:
            return self.probe(alias, negate=True)
        return self.stmt.render(self.sql.owner_in, {
            "outer": self.target.outer(alias), "sets": self.rows()})

    def probe(self, alias: str, negate: bool = False) -> str:
        """A correlated [NOT] EXISTS: per row, one primary-key lookup per part."""
        match = self.stmt.render(self.sql.owner_match, {
            "inner": self.target.inner, "outer": self.target.outer(alias)})
        fragment = self.sql.owner_not_exists if negate else self.sql.owner_exists
        return self.stmt.render(fragment, {"sets": self._union(match)})


def exists(sets: Sets) -> Sets:
    for kind in TYPED:
        sets.typed(kind, "exists")
    sets.other("exists")
    return sets


def membership(sets: Sets, values: list[Any]) -> Sets:
    by_kind: dict[str, list[Any]] = {}
    for value in values:
        for kind, typed in _typed_values(value):
            by_kind.setdefault(kind, []).append(typed)
    for kind, typed in by_kind.items():
        sets.typed(kind, "in", v=typed)
    forms = [_tagged_forms(value) for value in values]
    if all(forms):
        contained = [{sets.key: form} for group in forms for form in group]
        sets.other("contained", c=contained)
    else:
        sets.other("in", v=list(values))
    return sets


def compare(sets: Sets, op: enums.AttributeOp, value: Any) -> Sets:
    symbol = COMPARE[op]
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise errors.UserError(f"attribute filter {op.name} needs a number or a string value")
    if isinstance(value, str):
        sets.typed("string", "compare", symbol, v=value)
        sets.other("compare_string", symbol, v=value)
    else:
        number = decimal.Decimal(str(value))
        sets.typed("int", "compare_numeric", symbol, v=number)
        sets.typed("double", "compare", symbol, v=float(value))
        lo, hi = sets.numbers or ((number, None) if symbol.startswith(">") else (None, number))
        sets.narrow = numbuckets.tokens(sets.key, lo, hi)
        sets.other("number_range", symbol, v=number)
    return sets


def contains(sets: Sets, value: Any) -> Sets:
    if isinstance(value, str):
        sets.typed("string", "contains", v=value)
    sets.other("contains", v=value, s=value if isinstance(value, str) else None)
    return sets


def regex(sets: Sets, value: Any) -> Sets:
    if not isinstance(value, str):
        raise errors.UserError("attribute filter REGEX needs a string value")
    sets.typed("string", "regex", v=value)
    sets.other("regex", v=value)
    return sets


def _typed_values(value: Any) -> list[tuple[str, Any]]:
    """The typed tables a JSON value can be stored in, with the value in that type."""
    if isinstance(value, bool):
        return [("bool", value)]
    if isinstance(value, int):
        out = [("double", float(value))]
        return [("int", value), *out] if -(2**63) <= value < 2**63 else out
    if isinstance(value, float):
        out = [("double", value)]
        if value.is_integer() and abs(value) < 2**63:
            out.insert(0, ("int", int(value)))
        return out
    if isinstance(value, str):
        return [("string", value)]
    return []


_NON_FINITE = frozenset({"NaN", "Infinity", "-Infinity"})  # a stored double's text in plain JSON


def _tagged_forms(value: Any) -> list[dict[str, Any]]:
    """The stored (tagged AnyValue) forms whose plain JSON equals the scalar `value`, for
    an exact, index-friendly containment test; empty for values that have none (arrays,
    maps, non-finite numbers)."""
    if isinstance(value, bool):
        return [{"boolValue": value}]
    if isinstance(value, float) and not math.isfinite(value):
        return []
    if isinstance(value, (int, float)):
        forms: list[dict[str, Any]] = [{"doubleValue": value}]
        if value == 0:
            forms.append({"doubleValue": codecs.NEGATIVE_ZERO})
        if isinstance(value, int) or (value.is_integer() and abs(value) < 2**63):
            forms.append({"intValue": str(int(value))})
        return forms
    if isinstance(value, str):
        forms = [{"stringValue": value}, {"bytesValue": value}]
        return [*forms, {"doubleValue": value}] if value in _NON_FINITE else forms
    return []
