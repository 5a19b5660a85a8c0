"""Per-request batch loaders: one SQL statement per batch of keys.

A batch query returns a column `k`, the 1-based position of the key a row belongs to
(`unnest(...) WITH ORDINALITY`). `KeyedLoader` turns the rows back into one result per
key, in key order: the first row (`many=False`, None when there is none) or the list
of rows (`many=True`). Loaders never gather other coroutines.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, NamedTuple

from aiodataloader import DataLoader, Loader, enqueue_post_future_job

from gateway import attributes
from gateway import db as gateway_db


class KeyedLoader(DataLoader):
    """`load(key)` -> the result for that key; batches run one statement."""

    def __init__(self, db: gateway_db.Db, sql: str,
                 params: Callable[[Sequence[Any]], Sequence[Any]], *, many: bool = False,
                 shape: Callable[[Any], Any] | None = None) -> None:
        super().__init__()
        self.db, self.sql, self.params, self.many = db, sql, params, many
        self.shape = shape or (lambda row: row)

    async def load_many(self, keys: Sequence[Hashable]) -> list[Any]:  # type: ignore[override]
        """The results of `keys`, in order, batched and cached like `load` (a list of
        items loads its parts with one call). Cheaper than the base class's gather over
        `load` of each key: the new keys join the queue at once, and the futures of one
        batch settle together, so awaiting each pending one suspends about once per batch."""
        cache, create_future = self._cache, self.loop.create_future
        futures, new = [], []
        for key in keys:
            future = cache.get(key)
            if future is None:
                if key is None:
                    raise TypeError("a loader key cannot be None")
                future = cache[key] = create_future()
                new.append(Loader(key, future))
            futures.append(future)
        if new:
            self._queue.extend(new)
            if len(self._queue) == len(new):  # the queue was empty: schedule its dispatch
                enqueue_post_future_job(self.loop, self)
        for future in futures:
            if not future.done():
                await future
        return [future.result() for future in futures]

    async def batch_load_fn(self, keys: Sequence[Hashable]) -> list[Any]:
        rows = await self.db.fetch(self.sql, *self.params(keys))
        results: list[Any] = [[] for _ in keys] if self.many else [None] * len(keys)
        for row in rows:
            index = row["k"] - 1
            if self.many:
                results[index].append(self.shape(row))
            elif results[index] is None:
                results[index] = self.shape(row)
        return results


class KeyColumn(NamedTuple):
    """Placeholder in a statement's parameters for the batch's keys (column `index` of
    composite keys, or the keys themselves when `index` is None)."""

    index: int | None = None


def with_keys(params: Sequence[Any]) -> Callable[[Sequence[Any]], list[Any]]:
    """A `params` function for KeyedLoader that puts the keys where KeyColumns stand."""

    def fill(keys: Sequence[Any]) -> list[Any]:
        return [([k[p.index] for k in keys] if p.index is not None else list(keys))
                if isinstance(p, KeyColumn) else p for p in params]

    return fill


def owner_attributes(database: gateway_db.Db, sql: str) -> KeyedLoader:
    """(pk, partition key) -> the owner's attributes as one dict (empty when none)."""

    def params(keys: Sequence[tuple[int, int]]) -> list[Any]:
        parts = [k[1] for k in keys]
        return [[k[0] for k in keys], parts, *day_bounds(parts)]

    return KeyedLoader(database, sql, params, shape=attributes.merge)


DAY_NS = 86_400 * 10**9  # the store's partitions are UTC days of Unix nanoseconds
MIN_NS, MAX_NS = -(2**63), 2**63 - 1  # a bigint's range: the last day ends before its midnight


def day_bounds(parts: Sequence[int]) -> tuple[int, int]:
    """The whole days (partitions) that hold the partition keys `parts`. As a bound of an
    owner lookup it selects the partitions to read without looking selective: the exact
    range of a trace (a millisecond of a day) made the planner expect one row where there
    were hundreds, and join them to the attribute keys by nested loops. The bounds stay
    within a bigint: the day of 2262-04-11 (the last one int64 nanoseconds reach) ends at
    2**63 - 1, not at its midnight."""
    lo = min(parts) // DAY_NS * DAY_NS
    hi = (max(parts) // DAY_NS + 1) * DAY_NS - 1
    return max(lo, MIN_NS), min(hi, MAX_NS)


def columns(keys: Sequence[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """[(a, b), (c, d)] -> [[a, c], [b, d]]: composite keys as parallel arrays."""
    return [[key[i] for key in keys] for i in range(width)]


def forget(group: object) -> None:
    """Empty the caches of a loader group: its loaders (held as attributes, or in a dict
    of them) are kept with their caches cleared, any other dict it holds (what it worked
    out from loaded rows, such as a trace's analysis) is emptied. A long-lived context (a
    live subscription's) so drops what it loaded without paying for new loaders (and
    their SQL) each time."""
    for value in vars(group).values():
        if isinstance(value, DataLoader):
            value.clear_all()
        elif isinstance(value, dict):
            if all(isinstance(loader, DataLoader) for loader in value.values()):
                for loader in value.values():
                    loader.clear_all()
            else:
                value.clear()
