"""The generic walk: an Export*ServiceRequest -> rows for the writer.

Every signal has the same envelope (resource -> scope -> items); a signal's `Flow`
(`ingest.traces.Traces`, `ingest.logs.Logs`, `ingest.metrics.Metrics`, registered in
`ingest.signals`) opens its envelope and flattens the items of one scope. The walk
hashes each resource and scope once per request, stores the unknown ones, reserves
surrogate keys in blocks and then flattens every item once.
A bad item is rejected alone: its rows are taken back and it is counted, with the first
few reasons kept for the partial-success message.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import NamedTuple, Protocol, TypeVar, runtime_checkable

import asyncpg
from google.protobuf import message
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.resource.v1 import resource_pb2

from ingest import attributes, dimensions, offload, writer
from ollygraph import codecs, store

MAX_MESSAGES = 3
CHUNK = 64  # items flattened between two turns of the event loop


class Context:
    """What a signal's `flatten` sees: current dimension ids, keys, output rows."""

    def __init__(self, tables: Sequence[writer.Table], splitter: attributes.Splitter) -> None:
        self.rows: writer.Rows = {t.name: [] for t in tables}
        self.splitter = splitter
        self.pending: dict[dimensions.Dimension, dict[bytes, dimensions.Pending]] = {}
        self.pks: dict[str, Iterator[int]] = {}  # fact table -> its reserved surrogate keys
        self.ids: dict[tuple[dimensions.Dimension, bytes], int] = {}  # (dimension, hash) -> id
        self.resource_id = self.scope_id = 0
        self.resource_hash = self.scope_hash = b""
        self.now_ns = time.time_ns()
        self.rejected = 0
        self.items = 0
        self.messages: list[str] = []
        self._lists = list(self.rows.values())
        self._occurrences: dict[bytes, int] = {}  # content hash -> times seen in the request

    def occurrence(self, digest: bytes) -> bytes:
        """The identity of an item whose content hashes to `digest`: `digest` itself the
        first time in the request, then a hash of it and the number of its predecessors,
        so identical items of one request stay distinct and a retry maps each to itself."""
        seen = self._occurrences
        n = seen.get(digest)
        if n is None:
            seen[digest] = 1
            return digest
        seen[digest] = n + 1
        return hashlib.sha256(digest + n.to_bytes(8, "big")).digest()

    def want(self, dimension: dimensions.Dimension, digest: bytes,
             pending: dimensions.Pending) -> None:
        """Ask for the id of a dimension row (stored, if new, before `flatten` runs)."""
        found = dimension.ids.get(digest)
        if found is None:
            self.pending.setdefault(dimension, {})[digest] = pending
        else:
            self.ids[dimension, digest] = found

    def id_of(self, dimension: dimensions.Dimension, digest: bytes) -> int:
        """The id of a row asked for with `want` (kept here: caches may be cleared meanwhile)."""
        found = self.ids[dimension, digest]
        dimension.used.add(found)
        return found

    def mark(self) -> list[int]:
        return list(map(len, self._lists))

    def undo(self, mark: list[int]) -> None:
        for rows, n in zip(self._lists, mark, strict=True):
            del rows[n:]

    def reject(self, count: int, reason: str) -> None:
        self.rejected += count
        if len(self.messages) < MAX_MESSAGES and reason not in self.messages:
            self.messages.append(reason)

    def message(self) -> str:
        if not self.rejected:
            return ""
        return f"{self.rejected} rejected: " + "; ".join(self.messages)


class ResourceItems(Protocol):
    """ResourceSpans, ResourceLogs, ResourceMetrics: a resource and its scopes."""

    resource: resource_pb2.Resource
    schema_url: str


class ScopeItems(Protocol):
    """ScopeSpans, ScopeLogs, ScopeMetrics: a scope and its items."""

    scope: common_pb2.InstrumentationScope
    schema_url: str


Request = TypeVar("Request", bound=message.Message)  # Export*ServiceRequest
Item = TypeVar("Item", bound=message.Message)  # Span, LogRecord, Metric
Prepared = TypeVar("Prepared")  # what `prepare` found out about one item


@runtime_checkable
class Flow(Protocol[Request, Item, Prepared]):
    """What a signal supplies to the generic decode -> flatten -> write flow: how to open
    its envelope, how to flatten the items of one scope into the rows of its tables, and
    the writer's hooks. One implementation per signal module, registered in `ingest.signals`.

    Requests read from protobuf are `ingest.wire` views of the official classes."""

    shape: store.Signal             # its fact tables and attribute owners
    tables: Sequence[writer.Table]  # what its writer COPYs: writer.tables(shape)
    facts: Sequence[writer.Fact]    # the unique keys of its fact tables
    # per scope, before any dimension id is known: one `Prepared` per item, and the
    # dimension rows its items need asked for with `ctx.want`; None: nothing to prepare
    prepare: Callable[[Sequence[Item], Context], Sequence[Prepared]] | None
    before: writer.Hook | None  # in the write transaction, before the COPYs
    after: writer.Hook | None   # in the write transaction, after them

    def resources(self, request: Request) -> Sequence[ResourceItems]: ...

    def scopes(self, resource: ResourceItems) -> Sequence[ScopeItems]: ...

    def items(self, scope: ScopeItems) -> Sequence[Item]: ...

    def count(self, items: Sequence[Item]) -> dict[str, int]:
        """How many surrogate keys the items take, by fact table with a sequence."""
        ...

    def flatten(self, items: Sequence[Item], ctx: Context,
                prepared: Sequence[Prepared] | None) -> None:
        """Append the rows of `items` to `ctx.rows`, rejecting bad items alone."""
        ...


class Shared(NamedTuple):
    """What the walks of all signals share: the stored dimensions and surrogate keys."""

    pool: asyncpg.Pool
    dimensions: dimensions.Dimensions
    sequences: Mapping[str, dimensions.Sequence]  # fact table -> its keys
    timeout_s: float


def resource_identity(rs: ResourceItems,
                      dims: dimensions.Dimension) -> tuple[bytes, dimensions.Pending]:
    resource = rs.resource

    refs = entity_refs(resource)

    def canonical() -> dict[str, object]:
        found: dict[str, object] = {
            "attributes": codecs.keyvalues_to_tagged(resource.attributes),
            "dropped_attributes_count": resource.dropped_attributes_count,
            "schema_url": rs.schema_url}
        if refs is not None:  # absent otherwise: the hashes of earlier resources stay
            found["entity_refs"] = refs
        return found

    codecs.check_text(rs.schema_url, "schema_url")
    digest = dims.memo(resource.SerializeToString(deterministic=True) + b"\0"
                       + rs.schema_url.encode(), lambda: codecs.canonical_hash(canonical()))
    names = {kv.key: kv.value.string_value for kv in resource.attributes
             if kv.key in ("service.name", "service.namespace")}
    return digest, dimensions.Pending(
        (digest, names.get("service.name"), names.get("service.namespace"), rs.schema_url,
         resource.dropped_attributes_count, codecs.dumps(refs) if refs is not None else None),
        resource.attributes)


def entity_refs(resource: resource_pb2.Resource) -> list[dict[str, object]] | None:
    """`Resource.entity_refs` in OTLP/JSON form, order kept (None: none); BadValue on NUL."""
    if not resource.entity_refs:
        return None
    check = codecs.check_text
    return [{"schemaUrl": check(ref.schema_url, "entity ref schema_url"),
             "type": check(ref.type, "entity ref type"),
             "idKeys": [check(k, "entity ref id key") for k in ref.id_keys],
             "descriptionKeys": [check(k, "entity ref description key")
                                 for k in ref.description_keys]}
            for ref in resource.entity_refs]


def scope_identity(ss: ScopeItems, dims: dimensions.Dimension) -> tuple[bytes, dimensions.Pending]:
    scope = ss.scope

    def canonical() -> dict[str, object]:
        return {"name": scope.name, "version": scope.version,
                "attributes": codecs.keyvalues_to_tagged(scope.attributes),
                "dropped_attributes_count": scope.dropped_attributes_count,
                "schema_url": ss.schema_url}

    for text in (scope.name, scope.version, ss.schema_url):
        codecs.check_text(text, "scope")
    digest = dims.memo(scope.SerializeToString(deterministic=True) + b"\0"
                       + ss.schema_url.encode(), lambda: codecs.canonical_hash(canonical()))
    return digest, dimensions.Pending(
        (digest, scope.name, scope.version, ss.schema_url, scope.dropped_attributes_count),
        scope.attributes)


def count(flow: Flow[Request, Item, Prepared], request: Request) -> int:
    """How many items (spans, log records, points) `request` holds."""
    return sum(sum(flow.count(flow.items(ss)).values())
               for rs in flow.resources(request) for ss in flow.scopes(rs))


async def walk(flow: Flow[Request, Item, Prepared], request: Request,
               splitter: attributes.Splitter, shared: Shared) -> tuple[writer.Batch, Context]:
    """Rows of `request` for `flow`'s tables, and the context holding the rejections;
    `splitter` is the promotion of the signal's attributes."""
    ctx = Context(flow.tables, splitter)
    resources, scopes_dim = shared.dimensions.resources, shared.dimensions.scopes
    prepare = flow.prepare
    counts: dict[str, int] = {}
    plan = []
    for rs in flow.resources(request):
        scopes = []
        try:
            resource = resource_identity(rs, resources)
        except codecs.BadValue as exc:
            ctx.reject(sum(sum(flow.count(flow.items(ss)).values()) for ss in flow.scopes(rs)),
                       f"resource: {exc}")
            continue
        ctx.want(resources, *resource)
        for ss in flow.scopes(rs):
            items = flow.items(ss)
            n = flow.count(items)
            try:
                scope = scope_identity(ss, scopes_dim)
            except codecs.BadValue as exc:
                ctx.reject(sum(n.values()), f"scope: {exc}")
                continue
            ctx.want(scopes_dim, *scope)
            for table, k in n.items():
                counts[table] = counts.get(table, 0) + k
            scopes.append((scope[0], items, prepare(items, ctx) if prepare else None))
        plan.append((resource[0], scopes))
    for dimension, pending in ctx.pending.items():
        found = await dimension.ensure(shared.pool, pending, shared.timeout_s)
        ctx.ids.update(((dimension, digest), i) for digest, i in found.items())
    for table, n in counts.items():
        if n:
            ctx.pks[table] = iter(await shared.sequences[table].take(n))
    for resource_hash, scopes in plan:
        ctx.resource_hash, ctx.resource_id = resource_hash, ctx.id_of(resources, resource_hash)
        for scope_hash, items, prepared in scopes:
            ctx.scope_hash, ctx.scope_id = scope_hash, ctx.id_of(scopes_dim, scope_hash)
            if offload.large():  # CPU work of a large request: in a worker thread
                await asyncio.to_thread(flow.flatten, items, ctx, prepared)
                continue
            if len(items) <= CHUNK:
                flow.flatten(items, ctx, prepared)
                continue
            for i in range(0, len(items), CHUNK):
                # let the event loop feed the running COPY between chunks: the database
                # would otherwise wait while a large request is flattened
                await asyncio.sleep(0)
                flow.flatten(items[i:i + CHUNK], ctx,
                             prepared[i:i + CHUNK] if prepared is not None else None)
    return writer.Batch(ctx.rows, ctx.items), ctx
