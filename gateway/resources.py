"""Resource and Scope: the deduplicated dimensions spans and logs point at, and their
loaders."""

from __future__ import annotations

from typing import Any

import orjson
import strawberry

from gateway import attrsql, db, loaders, rows
from ollygraph import store

SQL = attrsql.SQL


@strawberry.type(description="A reference from a resource to an entity it describes "
                                "(OTLP `EntityRef`): which of the resource's attribute keys "
                                "identify the entity and which describe it.")
class EntityRef:
    schema_url: str
    type: str
    id_keys: list[str]
    description_keys: list[str]


@strawberry.type
class Resource(rows.Dimension):
    @strawberry.field
    def service_name(self) -> str | None:
        return self.row["service_name"]

    @strawberry.field
    def service_namespace(self) -> str | None:
        return self.row["service_namespace"]

    @strawberry.field(description="The resource's entity refs, in the order sent (empty when "
                                  "none).")
    def entity_refs(self) -> list[EntityRef]:
        refs = self.row.get("entity_refs")
        return [EntityRef(schema_url=ref.get("schemaUrl", ""), type=ref.get("type", ""),
                          id_keys=ref.get("idKeys", []),
                          description_keys=ref.get("descriptionKeys", []))
                for ref in (orjson.loads(refs) if isinstance(refs, str) else refs) or ()]


@strawberry.type
class Scope(rows.Dimension):
    @strawberry.field
    def name(self) -> str:
        return self.row["name"]

    @strawberry.field
    def version(self) -> str | None:
        return self.row["version"]


def _dimension(database: db.Db, owner: store.Owner, source: str,
               shape: Any) -> loaders.KeyedLoader:
    """id -> the dimension row with its attributes (one statement per batch)."""
    sql = attrsql.owned_sql(owner, source, "src.k", ["ids"])
    return loaders.KeyedLoader(database, sql, lambda keys: [list(keys)], shape=shape)


class Loaders:
    """resources: resource_id -> Resource | None; scopes: scope_id -> Scope | None."""

    def __init__(self, database: db.Db) -> None:
        self.resources = _dimension(database, store.OWNER["resource"], SQL.resources_by_id,
                                    Resource.from_row)
        self.scopes = _dimension(database, store.OWNER["scope"], SQL.scopes_by_id,
                                 Scope.from_row)
