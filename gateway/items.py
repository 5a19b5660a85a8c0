"""`Item`: what spans and log records share: attributes through the request's loader,
their resource, scope, service, flags and dropped count."""

from __future__ import annotations

from typing import Any

import strawberry

from gateway import attributes, resources, rows, scalars


@strawberry.type
class Item(rows.Row):
    """A span or log record; subclasses say which loader holds their attributes."""

    def attribute_loader(self, info: strawberry.Info) -> Any:
        raise NotImplementedError

    @property
    def owner(self) -> tuple[int, int]:
        raise NotImplementedError

    async def _attrs(self, info: strawberry.Info) -> dict[str, Any]:
        return await self.attribute_loader(info).load(self.owner) or {}

    @strawberry.field(description="All attributes as one JSON object, or only `keys`.")
    async def attributes(self, info: strawberry.Info,
                         keys: list[str] | None = None) -> scalars.JSON:
        return attributes.select(await self._attrs(info), keys)

    @strawberry.field
    async def attribute(self, info: strawberry.Info, key: str) -> scalars.JSON | None:
        return (await self._attrs(info)).get(key)

    @strawberry.field(description="service.name of the resource.")
    def service(self) -> str | None:
        return self.row["service_name"]

    @strawberry.field
    async def resource(self, info: strawberry.Info) -> resources.Resource:
        return await info.context.resources.resources.load(self.row["resource_id"])

    @strawberry.field
    async def scope(self, info: strawberry.Info) -> resources.Scope | None:
        if self.row["scope_id"] is None:
            return None
        return await info.context.resources.scopes.load(self.row["scope_id"])

    @strawberry.field
    def flags(self) -> int:
        return self.row["flags"]

    @strawberry.field
    def dropped_attributes_count(self) -> int:
        return self.row["dropped_attributes_count"]
