"""Resource and Scope: the deduplicated dimensions spans and logs point at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import strawberry

from gateway import attributes, db, loaders, scalars, sqlparts
from ollygraph.sql import Queries

SQL = Queries(Path(__file__).with_name("sql"))


@strawberry.type
class Resource:
    row: strawberry.Private[Any]

    @strawberry.field
    def service_name(self) -> str | None:
        return self.row["service_name"]

    @strawberry.field
    def service_namespace(self) -> str | None:
        return self.row["service_namespace"]

    @strawberry.field
    def schema_url(self) -> str | None:
        return self.row["schema_url"]

    @strawberry.field
    def dropped_attributes_count(self) -> int:
        return self.row["dropped_attributes_count"]

    @strawberry.field(description="All attributes, or only `keys`.")
    def attributes(self, keys: list[str] | None = None) -> scalars.JSON:
        return attributes.select(self.row["attributes"], keys)

    @strawberry.field
    def attribute(self, key: str) -> scalars.JSON | None:
        return self.row["attributes"].get(key)


@strawberry.type
class Scope:
    row: strawberry.Private[Any]

    @strawberry.field
    def name(self) -> str:
        return self.row["name"]

    @strawberry.field
    def version(self) -> str | None:
        return self.row["version"]

    @strawberry.field
    def schema_url(self) -> str | None:
        return self.row["schema_url"]

    @strawberry.field
    def dropped_attributes_count(self) -> int:
        return self.row["dropped_attributes_count"]

    @strawberry.field(description="All attributes, or only `keys`.")
    def attributes(self, keys: list[str] | None = None) -> scalars.JSON:
        return attributes.select(self.row["attributes"], keys)

    @strawberry.field
    def attribute(self, key: str) -> scalars.JSON | None:
        return self.row["attributes"].get(key)


def owned_sql(prefix: str, owner: tuple[str, ...], partition: str | None, source: str,
              order: str, names: list[str]) -> str:
    """The rows of `source` with their attributes (see sql/attributes.sql); `:lo`/`:hi`
    bound the owners' partition key when `partition` is given. `names` numbers the binds."""
    match = " AND ".join(f"a.{column} = src.{column}" for column in owner)
    if partition is not None:
        match += f" AND a.{partition} BETWEEN :lo AND :hi"
    text = SQL.owned_attributes
    for slot, value in (("source", source), ("prefix", prefix), ("match", match),
                        ("order", order)):
        text = text.replace(f"@{slot}@", value)
    return sqlparts.numbered(text, names)


def attributes_sql(prefix: str, pk: str, part: str) -> str:
    """The batch attribute query of one owner kind: (pk, part) keys -> rows k, attributes."""
    source = SQL.owner_keys.replace("@pk@", pk).replace("@part@", part)
    return owned_sql(prefix, (pk, part), part, source, "src.k", ["pks", "parts", "lo", "hi"])


class Loaders:
    """resources: resource_id -> Resource | None; scopes: scope_id -> Scope | None."""

    def __init__(self, database: db.Db) -> None:
        self.resources = loaders.KeyedLoader(
            database, sqlparts.numbered(SQL.resources_by_id, ["ids"]), lambda keys: [list(keys)],
            shape=lambda row: Resource(row=row))
        self.scopes = loaders.KeyedLoader(
            database, sqlparts.numbered(SQL.scopes_by_id, ["ids"]), lambda keys: [list(keys)],
            shape=lambda row: Scope(row=row))
