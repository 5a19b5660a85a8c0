"""Resource and Scope: the deduplicated dimensions spans and logs point at."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import strawberry

from gateway import db, loaders, rows, sqlparts
from ollygraph.sql import Queries

SQL = Queries(Path(__file__).with_name("sql"))


@strawberry.type
class Resource(rows.Dimension):
    @strawberry.field
    def service_name(self) -> str | None:
        return self.row["service_name"]

    @strawberry.field
    def service_namespace(self) -> str | None:
        return self.row["service_namespace"]


@strawberry.type
class Scope(rows.Dimension):
    @strawberry.field
    def name(self) -> str:
        return self.row["name"]

    @strawberry.field
    def version(self) -> str | None:
        return self.row["version"]


def owned_sql(prefix: str, owner: tuple[str, ...], partition: str | None, source: str,
              order: str, names: list[str]) -> str:
    """The rows of `source` with their attributes (see sql/attributes.sql). With a
    `partition` column, the owner's other columns identify it (surrogate keys, unique
    across partitions) and `:lo`/`:hi` bound the partition key only to choose the
    partitions read: pass whole days (`loaders.day_bounds`). `names` numbers the binds."""
    return _owned_sql(prefix, owner, partition, source, order, tuple(names))


@functools.cache
def _owned_sql(prefix: str, owner: tuple[str, ...], partition: str | None, source: str,
               order: str, names: tuple[str, ...]) -> str:
    match = " AND ".join(f"a.{column} = src.{column}" for column in owner
                         if column != partition)
    if partition is not None:
        match += f" AND a.{partition} BETWEEN :lo AND :hi"
    text = SQL.owned_attributes
    for slot, value in (("source", source), ("prefix", prefix), ("match", match),
                        ("order", order)):
        text = text.replace(f"@{slot}@", value)
    return sqlparts.numbered(text, list(names))


def attributes_sql(prefix: str, pk: str, part: str) -> str:
    """The batch attribute query of one owner kind: (pk, part) keys -> rows k, attributes."""
    source = SQL.owner_keys.replace("@pk@", pk).replace("@part@", part)
    return owned_sql(prefix, (pk, part), part, source, "src.k", ["pks", "parts", "lo", "hi"])


def _dimension(database: db.Db, prefix: str, source: str, column: str,
               shape: Any) -> loaders.KeyedLoader:
    """id -> the dimension row with its attributes (one statement per batch)."""
    sql = owned_sql(prefix, (column,), None, source, "src.k", ["ids"])
    return loaders.KeyedLoader(database, sql, lambda keys: [list(keys)], shape=shape)


class Loaders:
    """resources: resource_id -> Resource | None; scopes: scope_id -> Scope | None."""

    def __init__(self, database: db.Db) -> None:
        self.resources = _dimension(database, "otel_resource_attrs", SQL.resources_by_id,
                                    "resource_id", Resource.from_row)
        self.scopes = _dimension(database, "otel_scope_attrs", SQL.scopes_by_id, "scope_id",
                                 Scope.from_row)
