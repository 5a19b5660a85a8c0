"""`Item`: what spans and log records share: attributes through the request's loader,
their resource, scope, service, flags and dropped count.

A list of items resolves the parts of them its selection needs (attributes, a span's
events and links) with one batched load per part before the list is returned
(`prefetch`), so that each item's fields then resolve without awaiting. An item reached
otherwise (`span(...)`, `log.span`) loads a part when one of its fields asks for it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, NamedTuple, TypeVar

import strawberry

from gateway import attributes, resources, rows, scalars, selection
from ollygraph import store

T = TypeVar("T", bound="Item")


class Part(NamedTuple):
    """A part of an item held in attribute `slot` (None until loaded), loaded by
    `loader(context)` with the item's `owner` key when one of `fields` is selected."""

    slot: str
    fields: frozenset[str]
    loader: Callable[[Any], Any]


@strawberry.type
class Item(rows.Row):
    """A span or log record; subclasses say which loaders hold their parts and which
    attribute owner of the store they are (`owner_key`: its key columns, from their row)."""

    PARTS: ClassVar[tuple[Part, ...]] = ()
    owner_key: ClassVar[Callable[[Any], tuple[int, int]]]
    attrs: strawberry.Private[dict[str, Any] | None] = None

    @classmethod
    async def prepare(cls, info: strawberry.Info, items: Sequence[Any],
                      wanted: frozenset[str] | set[str]) -> None:
        """Load what the `wanted` fields of a list of items need beyond their parts (a
        span's trace analysis), so that they then resolve without awaiting."""

    @property
    def owner(self) -> tuple[int, int]:
        """The key its parts are loaded by."""
        return type(self).owner_key(self.row)

    def _part(self, info: strawberry.Info, slot: str, then: Callable[[Any], Any]) -> Any:
        """then(part): at once when the part is loaded, else an awaitable."""
        value = getattr(self, slot)
        if value is not None:
            return then(value)
        part = next(p for p in self.PARTS if p.slot == slot)

        async def load() -> Any:
            loaded = await part.loader(info.context).load(self.owner)
            setattr(self, slot, loaded if loaded is not None else _empty(slot))
            return then(getattr(self, slot))

        return load()

    def _with_attrs(self, info: strawberry.Info, then: Callable[[dict[str, Any]], Any]) -> Any:
        return self._part(info, "attrs", then)

    @strawberry.field(description="All attributes as one JSON object, or only `keys`.")
    def attributes(self, info: strawberry.Info, keys: list[str] | None = None,
                   typed: attributes.Typed = False) -> scalars.JSON:
        return self._with_attrs(info, lambda attrs: attributes.choose(attrs, keys, typed))

    @strawberry.field
    def attribute(self, info: strawberry.Info, key: str,
                  typed: attributes.Typed = False) -> scalars.JSON | None:
        if not typed:
            return self._with_attrs(info, lambda attrs: attrs.get(key))
        return self._with_attrs(info, lambda attrs: attributes.one(attrs, key, True))

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
    def flags(self) -> scalars.UInt32:
        return self.row["flags"]

    @strawberry.field
    def dropped_attributes_count(self) -> scalars.UInt32:
        return self.row["dropped_attributes_count"]


def owner_key(owner: store.Owner) -> Callable[[Any], Any]:
    """A row's key of `owner` (its key columns, in order)."""
    return operator.itemgetter(*owner.key_names)


def _empty(slot: str) -> Any:
    return {} if slot == "attrs" else []


async def prefetch(info: strawberry.Info, items: Sequence[T], *path: str) -> Sequence[T]:
    """Load the parts of `items` selected under the current field (and `path` below it):
    one batched load per part, none per item, then what `Item.prepare` loads. Returns
    `items`."""
    if not items:
        return items
    wanted = selection.names(info, *path)
    pending = [(part, part.loader(info.context).load_many([item.owner for item in items]))
               for part in type(items[0]).PARTS if wanted & part.fields]
    for part, future in pending:
        for item, value in zip(items, await future, strict=True):
            setattr(item, part.slot, value if value is not None else _empty(part.slot))
    await type(items[0]).prepare(info, items, wanted)
    return items
