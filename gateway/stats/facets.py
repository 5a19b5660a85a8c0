"""Facets of a search: for each key, its most frequent values among the items the search's
filter matches (the same conditions as totalCount), how many items have other values, and
how many lack the key. One statement for all the keys (`facets` of sql/facets.sql)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any, NamedTuple

import strawberry

from gateway import errors, filters, scalars, sqlparts
from gateway.stats import values

SQL = values.SQL
MAX_KEYS = 10
MAX_VALUES = 100
DEFAULT_VALUES = 10


@strawberry.type
class FacetValue:
    value: scalars.JSON
    count: int


@strawberry.type
class Facet:
    key: str
    values: list[FacetValue] = strawberry.field(description="Most frequent first.")
    other_count: int = strawberry.field(description="Items with a value not listed.")
    missing_count: int = strawberry.field(description="Items without the key.")


class Subject(NamedTuple):
    """A searched list's rows and the keys it can be faceted by."""

    table: str
    alias: str
    builtins: dict[str, values.Builtin]  # key -> its plain-JSON value
    signal: str               # whose attributes ("span", "log"), under `attribute_alias`
    attribute_alias: str
    join: str = ""            # fragment joining the attribute owner (the root span of a trace)


def check(keys: list[str], first: int | None) -> int:
    if not keys:
        raise errors.UserError("facets: give at least one key")
    if len(keys) > MAX_KEYS:
        raise errors.UserError(f"facets: at most {MAX_KEYS} keys")
    if len(set(keys)) != len(keys):
        raise errors.UserError("facets: a key is listed twice")
    n = DEFAULT_VALUES if first is None else first
    if not 1 <= n <= MAX_VALUES:
        raise errors.UserError(f"facets: `first` must be between 1 and {MAX_VALUES}")
    return n


def statement(stmt: sqlparts.Statement, subject: Subject, keys: list[str], first: int,
              where: str, key_ids: filters.KeyIds) -> str:
    """The `facets` statement of `keys` over the rows matching `where`."""
    exprs = [values.builtin(stmt, subject.builtins[k]) if k in subject.builtins else
             values.expression(stmt, subject.signal, subject.attribute_alias,
                               *values.split_key(k), key_ids, numeric=False)
             for k in keys]
    return stmt.render(SQL.facets, {
        "table": subject.table, "alias": subject.alias,
        "join": SQL[subject.join] if subject.join else "", "where": where,
        "values": ", ".join(f"({i}, {e})" for i, e in enumerate(exprs))}, first=first)


def source(db: Any, subject: Subject, where: str, params: list[Any],
           ) -> Callable[[list[str], int | None], Awaitable[list[Facet]]]:
    """The facets of the rows matching `where` (bind parameters `params`), when asked."""

    async def facets(keys: list[str], first: int | None) -> list[Facet]:
        n = check(keys, first)
        stmt = sqlparts.Statement()
        stmt.params = list(params)
        names = [SimpleNamespace(key=values.split_key(k)[1]) for k in keys
                 if k not in subject.builtins]
        sql = statement(stmt, subject, keys, n, where, await filters.key_ids(db, names))
        rows = await db.fetch(sql, *stmt.params)
        out = [Facet(key=k, values=[], other_count=0, missing_count=0) for k in keys]
        for row in rows:
            facet = out[row["i"]]
            if row["v"] is None:
                facet.missing_count = row["n"]
            else:
                facet.values.append(FacetValue(value=row["v"], count=row["n"]))
                facet.other_count = row["total"] - sum(v.count for v in facet.values)
        return out

    return facets
