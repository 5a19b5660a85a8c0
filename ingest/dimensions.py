"""Deduplicated dimensions (resources, scopes, metrics), attribute keys and surrogate keys.

A dimension row is identified by the SHA-256 of its canonical content
(`ollygraph.codecs.canonical_hash`), the same in every process. `Dimension.ids` holds
hash -> id in memory; `Dimension.ensure` stores the rows it does not know yet
(INSERT ... ON CONFLICT DO NOTHING, then SELECT), together with their promoted and
other attributes in the same transaction, so a dimension row never exists without its
attributes and racing processes all end with the same id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Iterable
from typing import NamedTuple

import asyncpg
from opentelemetry.proto.common.v1 import common_pb2

from ingest import attributes, queries, writer
from ollygraph import store

QUERIES = queries.QUERIES
MAX_CACHED = 200_000  # a dimension cache is cleared past this many entries


class Pending(NamedTuple):
    """A dimension row to store: its insert values (hash first) and attributes."""

    values: tuple
    attributes: Iterable[common_pb2.KeyValue] = ()  # split by the dimension's Splitter


class Memo:
    """A bounded memo of a costly pure function of some content (e.g. a hash)."""

    def __init__(self) -> None:
        self._found: dict[Hashable, bytes] = {}

    def __call__(self, content: Hashable, compute: Callable[[], bytes]) -> bytes:
        """`compute()`, computed once per distinct exact `content` (a cheap stand-in)."""
        found = self._found.get(content)
        if found is None:
            if len(self._found) > MAX_CACHED:
                self._found.clear()
            found = self._found[content] = compute()
        return found


class Dimension:
    """One dimension table (`name`: "resources", "scopes", "metrics" names its queries) and,
    when its rows have attributes, their `owner` and the `splitter` of its promotion."""

    def __init__(self, name: str, owner: store.Owner | None = None,
                 splitter: attributes.Splitter | None = None) -> None:
        self.insert, self.select = QUERIES[f"insert_{name}"], QUERIES[f"select_{name}"]
        self.touch = QUERIES[f"touch_{name}"]
        self.used: set[int] = set()  # ids seen since the last `touch_used`
        self.owner, self.splitter = owner, splitter
        self.ids: dict[bytes, int] = {}
        self.service_names: dict[int, str | None] = {}  # resources only
        self.memo = Memo()  # exact content (e.g. serialized message) -> hash

    async def ensure(self, pool: asyncpg.Pool, pending: dict[bytes, Pending],
                     timeout: float) -> dict[bytes, int]:
        """The id of every hash of `pending`, storing the rows not stored yet."""
        known = {h: self.ids[h] for h in pending if h in self.ids}
        pending = {h: p for h, p in pending.items() if h not in known}
        if not pending:
            return known
        if len(self.ids) > MAX_CACHED:
            self.ids.clear()
        ordered = [pending[h].values for h in sorted(pending)]  # one lock order for all
        columns = [list(c) for c in zip(*ordered, strict=True)]
        for attempt in range(1, writer.MAX_ATTEMPTS + 1):
            try:
                found = await self._store(pool, pending, columns, timeout)
                break
            except writer.RETRYABLE as exc:
                if attempt == writer.MAX_ATTEMPTS:
                    raise writer.unavailable(exc) from exc
            except writer.DOWN as exc:
                raise writer.unavailable(exc) from exc
        for row in found:
            known[row["hash"]] = self.ids[row["hash"]] = row["id"]
            self.service_names[row["id"]] = row["service_name"]
        return known

    async def _store(self, pool: asyncpg.Pool, pending: dict[bytes, Pending],
                     columns: list[list], timeout: float) -> list[asyncpg.Record]:
        async with pool.acquire(timeout=timeout) as conn, conn.transaction():
            found = await conn.fetch(self.insert, *columns, timeout=timeout)
            if self.splitter is not None and found:
                await self._store_attributes(conn, found, pending, timeout)
            inserted = {r["hash"] for r in found}
            missing = [h for h in sorted(pending) if h not in inserted]
            if missing:
                found += await conn.fetch(self.select, missing, timeout=timeout)
        return found

    async def _store_attributes(self, conn: asyncpg.Connection, inserted: list[asyncpg.Record],
                                pending: dict[bytes, Pending], timeout: float) -> None:
        owner = self.owner
        tables: attributes.Tables = [[] for _ in store.SUFFIXES]
        for row in inserted:
            self.splitter.split(pending[row["hash"]].attributes, (row["id"],), tables)
        for suffix, name, rows in zip(store.SUFFIXES, owner.attribute_tables, tables,
                                      strict=True):
            if rows:
                await conn.copy_records_to_table(name, records=rows, timeout=timeout,
                                                 columns=owner.attribute_columns(suffix))

    async def touch_used(self, pool: asyncpg.Pool, timeout: float) -> None:
        """Move last_seen of the rows used since the last call."""
        used, self.used = self.used, set()
        if used:
            async with pool.acquire(timeout=timeout) as conn:
                await conn.execute(self.touch, sorted(used), timeout=timeout)


class Dimensions(NamedTuple):
    """The dimensions of an ingest process, shared by the facts of every signal."""

    resources: Dimension
    scopes: Dimension
    metrics: Dimension


async def register_keys(pool: asyncpg.Pool, keys: set[str], timeout: float) -> dict[str, int]:
    """Key ids of `keys`, registering the new ones."""
    ordered = sorted(keys)
    try:
        async with pool.acquire(timeout=timeout) as conn:
            await conn.execute(QUERIES.insert_attribute_keys, ordered, timeout=timeout)
            rows = await conn.fetch(QUERIES.select_attribute_keys, ordered, timeout=timeout)
    except writer.DOWN as exc:
        raise writer.unavailable(exc) from exc
    return {r["key"]: r["key_id"] for r in rows}


class Sequence:
    """Surrogate keys of one fact table, fetched from its sequence in blocks."""

    def __init__(self, pool: asyncpg.Pool, name: str, block: int = 8192,
                 timeout: float = 30.0) -> None:
        self.pool, self.name, self.block, self.timeout = pool, name, block, timeout
        self._values: list[int] = []
        self._lock = asyncio.Lock()

    async def take(self, n: int) -> list[int]:
        """`n` unused keys (one query per block, not per item)."""
        async with self._lock:
            if len(self._values) < n:
                want = max(n - len(self._values), self.block)
                try:
                    async with self.pool.acquire(timeout=self.timeout) as conn:
                        values = await conn.fetchval(QUERIES.reserve_ids, self.name, want,
                                                     timeout=self.timeout)
                except writer.DOWN as exc:
                    raise writer.unavailable(exc) from exc
                self._values.extend(values)
            taken, self._values = self._values[:n], self._values[n:]
            return taken
