"""Relay connections with keyset cursors.

A cursor is the opaque (base64url) form of the sort key of the row it points at:
(time in Unix ns, id). Pages continue strictly after it in the chosen order, so rows
inserted meanwhile never shift or repeat a page. `first` is capped at `MAX_FIRST`;
`totalCount` runs its own count only when selected.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry

from gateway import errors, items
from gateway.stats import facets as faceting

MAX_FIRST = 100
MAX_CURSOR_CHARS = 200   # ours are under 100
T = TypeVar("T")


def encode_cursor(kind: str, time_ns: int, ident: int | bytes) -> str:
    ident_text = ident.hex() if isinstance(ident, bytes) else ident
    raw = json.dumps([kind, time_ns, ident_text], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str, number: bool = False) -> tuple[Any, int | bytes]:
    """(time_ns, id) of a cursor made by `encode_cursor(kind, ...)`, or a UserError; with
    `number` the first part may be any number (int or float, NaN and infinities too)."""
    try:
        if len(cursor) > MAX_CURSOR_CHARS:
            raise ValueError
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        tag, time_ns, ident = json.loads(raw)
        numeric = (int, float) if number else int
        if tag != kind or not isinstance(time_ns, numeric) or isinstance(time_ns, bool):
            raise ValueError
        if isinstance(ident, str):
            return time_ns, bytes.fromhex(ident)
        if isinstance(ident, int) and not isinstance(ident, bool):
            return time_ns, ident
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        pass
    raise errors.UserError(f"invalid cursor {cursor[:MAX_CURSOR_CHARS]!r}: use a cursor from "
                           "this list's pageInfo or edges")


def page_size(first: int | None, default: int) -> int:
    if first is None:
        return default
    if first < 0:
        raise errors.UserError("`first` must not be negative")
    return min(first, MAX_FIRST)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edge_list: strawberry.Private[list[Edge[T]]]
    page: strawberry.Private[PageInfo]
    count: strawberry.Private[Callable[[], Awaitable[int]]]
    facet_source: strawberry.Private[Callable[..., Awaitable[list[faceting.Facet]]] | None] = None

    async def _nodes(self, info: strawberry.Info, *path: str) -> list[T]:
        nodes = [edge.node for edge in self.edge_list]
        if nodes and isinstance(nodes[0], items.Item):
            await items.prefetch(info, nodes, *path)
        return nodes

    @strawberry.field
    async def edges(self, info: strawberry.Info) -> list[Edge[T]]:
        await self._nodes(info, "node")
        return self.edge_list

    @strawberry.field
    def page_info(self) -> PageInfo:
        return self.page

    @strawberry.field
    async def nodes(self, info: strawberry.Info) -> list[T]:
        return await self._nodes(info)

    @strawberry.field(description="Rows matching the filter; counted only when selected.")
    async def total_count(self) -> int:
        return await self.count()

    @strawberry.field(description=(
        "Of the rows matching the filter (those of totalCount): each key's most frequent "
        "values with their counts (`first` per key), and the rows without the key. Keys are "
        "attribute keys (prefix `resource:` or `scope:` for those) or built-ins: service, "
        "name, kind, status, semanticType (spans); rootService, rootName, status (traces, "
        "whose attribute keys are their root span's); service, severity, severityText "
        "(logs). Traces, spans and logs only."))
    async def facets(self, keys: list[str], first: int | None = None) -> list[faceting.Facet]:
        if self.facet_source is None:
            raise errors.UserError("facets are available on traces, spans and logs")
        return await self.facet_source(keys, first)


def build(rows: list[Any], limit: int, after: str | None, cursor: Callable[[Any], str],
          node: Callable[[Any], Any], count: Callable[[], Awaitable[int]],
          facets: Callable[..., Awaitable[list[Any]]] | None = None) -> Connection[Any]:
    """A page from `rows` fetched with LIMIT limit + 1 (the extra row means more pages)."""
    has_next = len(rows) > limit
    rows = rows[:limit]
    edges = [Edge(cursor=cursor(row), node=node(row)) for row in rows]
    return Connection(
        edge_list=edges,
        page=PageInfo(has_next_page=has_next, has_previous_page=after is not None,
                           start_cursor=edges[0].cursor if edges else None,
                           end_cursor=edges[-1].cursor if edges else None),
        count=count, facet_source=facets)
