"""The generic walk: an Export*ServiceRequest -> rows for the writer.

Every signal has the same envelope (resource -> scope -> items); the signal module
(`ingest.traces`, `ingest.logs`, `ingest.metrics`) names its fields and flattens the
items of one scope. The walk hashes each resource and scope once per request, stores
the unknown ones, reserves surrogate keys in blocks and then flattens every item once.
A bad item is rejected alone: its rows are taken back and it is counted, with the first
few reasons kept for the partial-success message.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from ingest import dimensions, offload, writer
from ollygraph import codecs

MAX_MESSAGES = 3
CHUNK = 64  # items flattened between two turns of the event loop


class Context:
    """What a signal module's `flatten` sees: current dimension ids, keys, output rows."""

    def __init__(self, pipeline: Any, module: Any) -> None:
        self.pipeline = pipeline
        self.rows: writer.Rows = {t.name: [] for t in module.TABLES}
        self.splitter = pipeline.splitters[module.PROMOTION]
        self.pending: dict[str, dict[bytes, dimensions.Pending]] = {}
        self.pks: dict[str, Any] = {}
        self.ids: dict[tuple[str, bytes], int] = {}  # (dimension, hash) -> id
        self.resource_id = self.scope_id = 0
        self.resource_hash = self.scope_hash = b""
        self.now_ns = time.time_ns()
        self.rejected = 0
        self.items = 0
        self.messages: list[str] = []
        self._lists = list(self.rows.values())

    def want(self, dimension: str, digest: bytes, pending: dimensions.Pending) -> None:
        """Ask for the id of a dimension row (stored, if new, before `flatten` runs)."""
        found = self.pipeline.dimensions[dimension].ids.get(digest)
        if found is None:
            self.pending.setdefault(dimension, {})[digest] = pending
        else:
            self.ids[dimension, digest] = found

    def id_of(self, dimension: str, digest: bytes) -> int:
        """The id of a row asked for with `want` (kept here: caches may be cleared meanwhile)."""
        found = self.ids[dimension, digest]
        self.pipeline.dimensions[dimension].used.add(found)
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


def resource_identity(rs: Any, dims: dimensions.Dimension) -> tuple[bytes, dimensions.Pending]:
    resource = rs.resource

    def canonical() -> dict[str, Any]:
        return {"attributes": codecs.keyvalues_to_tagged(resource.attributes),
                "dropped_attributes_count": resource.dropped_attributes_count,
                "schema_url": rs.schema_url}

    codecs.check_text(rs.schema_url, "schema_url")
    digest = dims.memo(resource.SerializeToString(deterministic=True) + b"\0"
                       + rs.schema_url.encode(), lambda: codecs.canonical_hash(canonical()))
    names = {kv.key: kv.value.string_value for kv in resource.attributes
             if kv.key in ("service.name", "service.namespace")}
    return digest, dimensions.Pending(
        (digest, names.get("service.name"), names.get("service.namespace"), rs.schema_url,
         resource.dropped_attributes_count), resource.attributes)


def scope_identity(ss: Any, dims: dimensions.Dimension) -> tuple[bytes, dimensions.Pending]:
    scope = ss.scope

    def canonical() -> dict[str, Any]:
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


def count(module: Any, request: Any) -> int:
    """How many items (spans, log records, points) `request` holds."""
    return sum(sum(module.count(getattr(ss, module.ITEMS)).values())
               for rs in getattr(request, module.RESOURCES) for ss in getattr(rs, module.SCOPES))


async def walk(pipeline: Any, module: Any, request: Any) -> tuple[writer.Batch, Context]:
    """Rows of `request` for `module`'s tables, and the context holding the rejections."""
    ctx = Context(pipeline, module)
    dims = pipeline.dimensions
    counts: dict[str, int] = {}
    plan = []
    for rs in getattr(request, module.RESOURCES):
        scopes = []
        try:
            resource = resource_identity(rs, dims["resources"])
        except codecs.BadValue as exc:
            ctx.reject(sum(sum(module.count(getattr(ss, module.ITEMS)).values())
                           for ss in getattr(rs, module.SCOPES)), f"resource: {exc}")
            continue
        ctx.want("resources", *resource)
        for ss in getattr(rs, module.SCOPES):
            items = getattr(ss, module.ITEMS)
            n = module.count(items)
            try:
                scope = scope_identity(ss, dims["scopes"])
            except codecs.BadValue as exc:
                ctx.reject(sum(n.values()), f"scope: {exc}")
                continue
            ctx.want("scopes", *scope)
            for table, k in n.items():
                counts[table] = counts.get(table, 0) + k
            scopes.append((scope[0], items, module.prepare(items, ctx)))
        plan.append((resource[0], scopes))
    for name, pending in ctx.pending.items():
        found = await dims[name].ensure(pipeline.pool, pending, pipeline.timeout_s)
        ctx.ids.update(((name, digest), i) for digest, i in found.items())
    for table, n in counts.items():
        if n:
            ctx.pks[table] = iter(await pipeline.sequences[table].take(n))
    for resource_hash, scopes in plan:
        ctx.resource_hash, ctx.resource_id = resource_hash, ctx.id_of("resources", resource_hash)
        for scope_hash, items, prepared in scopes:
            ctx.scope_hash, ctx.scope_id = scope_hash, ctx.id_of("scopes", scope_hash)
            if offload.large():  # CPU work of a large request: in a worker thread
                await asyncio.to_thread(module.flatten, items, ctx, prepared)
                continue
            if len(items) <= CHUNK:
                module.flatten(items, ctx, prepared)
                continue
            for i in range(0, len(items), CHUNK):
                # let the event loop feed the running COPY between chunks: the database
                # would otherwise wait while a large request is flattened
                await asyncio.sleep(0)
                module.flatten(items[i:i + CHUNK], ctx,
                               prepared[i:i + CHUNK] if prepared is not None else None)
    return writer.Batch(ctx.rows, ctx.items), ctx
