"""One attribute of the row being aggregated, as an SQL expression: its plain JSON value
(for group keys and distinct counts) or its number (for sums, averages, quantiles).

A key can be stored in any typed table of its owner or in the JSONB catch-all (promotion
changes over time), so the expression is a COALESCE of primary-key probes, one per place
the key can be: the typed tables only when the key is registered (`filters.key_ids`),
the catch-all always. COALESCE stops at the first probe that finds the key.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gateway import attrsets, enums, errors, filters, semantic, sqlparts
from ollygraph import store

SQL = sqlparts.Queries(Path(__file__).with_name("sql"))
Scope = enums.AttributeScope

# typed table suffix -> its value as plain JSON / as a number (None: not a number)
_JSON = {"string": "to_jsonb(a.value)", "int": "to_jsonb(a.value)",
         "double": "otel_double_to_json(a.value)", "bool": "to_jsonb(a.value)",
         "bytes": "to_jsonb(encode(a.value, 'base64'))"}
_NUMBER = {"int": "a.value::float8", "double": "a.value"}
# prefixes that name the scope of a key in `groupBy` and measures ("resource:host.name")
# a built-in group key / facet key: a fragment's name, or what renders its SQL
Builtin = str | Callable[[sqlparts.Statement], str]
PREFIXES = {"span": Scope.SPAN, "log": Scope.LOG, "resource": Scope.RESOURCE,
            "scope": Scope.SCOPE}


def split_key(text: str) -> tuple[Scope | None, str]:
    """'resource:host.name' -> (RESOURCE, 'host.name'); 'http.route' -> (None, 'http.route')."""
    head, sep, tail = text.partition(":")
    if sep and head in PREFIXES and tail:
        return PREFIXES[head], tail
    return None, text


def target(signal: str, scope: Scope | None) -> attrsets.Target:
    scope = scope or filters.DEFAULT_SCOPE[signal]
    found = filters.TARGETS[signal].get(scope)
    if found is None or scope is Scope.EVENT:
        allowed = ", ".join(s.name for s in filters.TARGETS[signal] if s is not Scope.EVENT)
        raise errors.UserError(f"attribute scope {scope.name} cannot be aggregated here "
                               f"(use one of {allowed})")
    return found


def expression(stmt: sqlparts.Statement, signal: str, alias: str, scope: Scope | None,
               key: str, keys: filters.KeyIds, numeric: bool) -> str:
    """The value of attribute `key` of row `alias`: plain JSON, or with `numeric` a float8
    (NULL when the row lacks the key or holds no number there)."""
    where = target(signal, scope)
    outer = where.outer(alias)
    probes = []
    if key in keys:
        for suffix, value in (_NUMBER if numeric else _JSON).items():
            probes.append(stmt.render(SQL.typed_value, {
                "value": value, "table": where.table(suffix), "inner": where.inner,
                "outer": outer}, key_id=keys[key]))
    value = (f"({filters.SQL.json_number})::float8" if numeric else SQL.json_plain)
    probes.append(stmt.render(SQL.other_value, {
        "value": stmt.render(value, key=key), "table": where.table(store.OTHER),
        "inner": where.inner, "outer": outer}, key=key))
    return probes[0] if len(probes) == 1 else f"coalesce({', '.join(probes)})"


def builtin(stmt: sqlparts.Statement, what: Builtin) -> str:
    """The SQL of a built-in key's value (plain JSON)."""
    return SQL[what] if isinstance(what, str) else what(stmt)


def span_semantic_type(stmt: sqlparts.Statement) -> str:
    """The semantic type of span `s` as `Span.semanticType` reads it (gateway.semantic: the
    type of the first prefix in priority order that one of its keys starts with), or NULL."""
    where = filters.TARGETS["span"][Scope.SPAN]
    slots = {"inner": where.inner, "outer": where.outer("s")}
    keys = [stmt.render(SQL.typed_keys, {**slots, "table": where.table(kind)})
            for kind in attrsets.TYPED]
    keys.append(stmt.render(SQL.other_keys, {**slots, "table": where.table(store.OTHER)}))
    prefixes, priorities = semantic.priority_table()
    return stmt.render(SQL.semantic_type, {"keys": " UNION ALL ".join(keys)},
                       types=[t.name for t, _ in semantic.PREFIXES], prefixes=prefixes,
                       priorities=priorities)
