"""The one writer: coalesces the rows of concurrent exports into large COPY transactions.

A `Writer` serves one signal. `submit(batch)` queues the rows of one export and returns
once they are committed (or raises). A single task takes everything queued, waits a
few milliseconds for more while the batch is small, then COPYs every table in one
transaction (a table of more than COPY_ROWS rows in several COPY statements) and runs the
signal's `after` hook (e.g. the trace summary) in it. Up to
`max_writes` such transactions run at once, on connections of their own: PostgreSQL
works on one batch while the round trips of another wait on this process.

Idempotency is optimistic: the unique keys of the fact tables reject a retried item,
so the common case is COPY and nothing else. On a unique violation the batch is rolled
back, duplicates within it and items already stored are dropped (with their child
rows), and the batch is written again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import operator
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import NamedTuple

import asyncpg

from ingest import errors, live, selfmetrics
from ollygraph import store

log = logging.getLogger(__name__)

Rows = dict[str, list[tuple]]  # table name -> rows
MAX_WRITES = 2  # batch transactions of one signal in flight at once
Hook = Callable[[asyncpg.Connection, Rows], Awaitable[None]]  # runs inside the transaction

RETRYABLE = (asyncpg.DeadlockDetectedError, asyncpg.SerializationError)
DOWN = (OSError, TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
        asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError,
        asyncpg.AdminShutdownError, asyncpg.QueryCanceledError,
        asyncpg.InternalClientError)  # e.g. a connection the server has terminated
MAX_ATTEMPTS = 5
COPY_ROWS = 20_000  # rows of one COPY statement; a larger table takes several in one transaction


class Table(NamedTuple):
    name: str
    columns: tuple[str, ...]
    fact: str | None = None  # a child table: its rows start with the pk of this fact table


class Fact(NamedTuple):
    """A fact table, its unique key and the query telling which keys are already stored.

    `existing` takes one array per key column and returns the 1-based ordinals (column
    `i`) of the keys already present."""

    table: str
    key: Callable[[tuple], tuple]
    existing: str


def tables(signal: store.Signal) -> list[Table]:
    """What `signal` COPYs, in order: each fact table, then its owners' attribute tables.
    The rows of a child fact and of attribute tables start with their fact's surrogate key."""
    out = []
    for table in signal.tables:
        out.append(Table(table.name, table.column_names, table.parent))
        root = table.parent or table.name
        for owner in store.owner_of(table.name):
            out += [Table(name, owner.attribute_columns(suffix), root)
                    for suffix, name in zip(store.SUFFIXES, owner.attribute_tables, strict=True)]
    return out


def fact(table: store.Table, key: tuple[str, ...], existing: str) -> Fact:
    """The `Fact` of `table` unique by the columns `key` (two or more), read from its rows
    by position."""
    return Fact(table.name, operator.itemgetter(*map(table.column_names.index, key)), existing)


class Batch(NamedTuple):
    rows: Rows
    items: int  # stored items (spans, log records, points), for backpressure


def drop(rows: Rows, tables: Sequence[Table], fact_table: str, pks: set[int]) -> None:
    """Remove the items `pks` of fact table `fact_table` and their child rows from `rows`."""
    if not pks:
        return
    for table in tables:
        if fact_table in (table.name, table.fact):
            rows[table.name] = [r for r in rows[table.name] if r[0] not in pks]


def unavailable(exc: BaseException) -> errors.Unavailable:
    return errors.Unavailable(f"database unavailable: {type(exc).__name__}: {exc}")


class Writer:
    def __init__(self, pool: asyncpg.Pool, tables: Sequence[Table], facts: Sequence[Fact], *,
                 before: Hook | None = None, after: Hook | None = None,
                 max_rows: int = 20_000, linger_s: float = 0.005, max_writes: int = MAX_WRITES,
                 max_in_flight: int = 100_000, timeout_s: float = 30.0) -> None:
        self.pool, self.tables, self.facts = pool, tables, facts
        self.before, self.after = before, after
        self.max_rows, self.linger_s = max_rows, linger_s
        self.max_in_flight, self.timeout_s = max_in_flight, timeout_s
        self.in_flight = 0
        self.name = ""  # the signal, as the metrics label it (selfmetrics.name_writers)
        self._writes = asyncio.Semaphore(max_writes)
        self._writing: set[asyncio.Task] = set()
        self._queue: asyncio.Queue[tuple[Batch, asyncio.Future] | None] = asyncio.Queue()
        self._task = asyncio.get_running_loop().create_task(self._run())

    @contextlib.contextmanager
    def admit(self, items: int) -> Iterator[None]:
        """Count `items` as in flight for the duration; Overloaded past the bound (a
        single export is admitted whatever its size when nothing else is in flight)."""
        if self.in_flight and self.in_flight + items > self.max_in_flight:
            raise errors.Overloaded(f"{self.in_flight} items in flight", retry_after=1.0)
        self.in_flight += items
        try:
            yield
        finally:
            self.in_flight -= items

    async def submit(self, batch: Batch) -> None:
        """Queue `batch`; returns after its commit (the write goes on if the caller is
        cancelled)."""
        if self._task.done():
            raise errors.Unavailable("the writer is stopped")
        future = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((batch, future))
        await asyncio.shield(future)

    async def close(self) -> None:
        self._queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await self._task

    async def _run(self) -> None:
        try:
            await self._gather_batches()
        finally:
            if self._writing:
                await asyncio.wait(self._writing)

    async def _gather_batches(self) -> None:
        loop = asyncio.get_running_loop()
        stop = False
        while not stop:
            await self._writes.acquire()  # a connection is free to take the next batch
            first = await self._queue.get()
            if first is None:
                break
            pending = [first]
            size = sum(map(len, first[0].rows.values()))
            deadline = loop.time() + self.linger_s
            while size < self.max_rows:
                try:
                    nxt = self._queue.get_nowait()
                except asyncio.QueueEmpty:
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    try:
                        nxt = await asyncio.wait_for(self._queue.get(), remaining)
                    except TimeoutError:
                        break
                if nxt is None:
                    stop = True
                    break
                pending.append(nxt)
                size += sum(map(len, nxt[0].rows.values()))
            task = loop.create_task(self._write_and_resolve(pending))
            self._writing.add(task)
            task.add_done_callback(self._written)

    def _written(self, task: asyncio.Task) -> None:
        self._writing.discard(task)
        self._writes.release()

    async def _write_and_resolve(self, pending: list[tuple[Batch, asyncio.Future]]) -> None:
        try:
            await self._write([batch for batch, _ in pending])
        except Exception as exc:
            if not isinstance(exc, errors.Unavailable):
                log.warning("writing a batch failed: %s: %s", type(exc).__name__, exc)
            if len(pending) > 1 and not isinstance(exc, errors.Unavailable):
                # one export's rows broke the batch: write each alone so only it fails
                for one in pending:
                    await self._write_and_resolve([one])
                return
            for _, future in pending:
                if not future.done():
                    future.set_exception(exc)
            return
        for _, future in pending:
            if not future.done():
                future.set_result(None)

    async def _write(self, batches: list[Batch]) -> None:
        rows: Rows = {t.name: [r for b in batches for r in b.rows.get(t.name, ())]
                      for t in self.tables}
        for attempt in range(1, MAX_ATTEMPTS + 1):
            started = time.perf_counter()
            try:
                async with self.pool.acquire(timeout=self.timeout_s) as conn, \
                        conn.transaction():
                    if self.before:
                        await self.before(conn, rows)
                    for table in self.tables:
                        await self._copy(conn, table, rows[table.name])
                    if self.after:
                        await self.after(conn, rows)
                    await live.notify(conn, rows, self.timeout_s)  # delivered on commit
                selfmetrics.WRITE_SECONDS.labels(self.name).observe(time.perf_counter() - started)
                selfmetrics.WRITE_ROWS.labels(self.name).observe(sum(map(len, rows.values())))
                return
            except asyncpg.UniqueViolationError:
                selfmetrics.WRITE_RETRIES.labels(self.name, "duplicates").inc()
                await self._drop_stored(rows)
            except RETRYABLE as exc:
                selfmetrics.WRITE_RETRIES.labels(self.name, "conflict").inc()
                log.info("retrying a batch after %s (attempt %d)", type(exc).__name__, attempt)
            except DOWN as exc:
                raise unavailable(exc) from exc
        raise errors.Unavailable("the batch kept conflicting with concurrent writers")

    async def _copy(self, conn: asyncpg.Connection, table: Table, records: list[tuple]) -> None:
        """COPY `records` into `table` in statements of at most COPY_ROWS rows, each with
        the write timeout: a large request's rows are encoded a part at a time, with the
        event loop free between the parts, and no single COPY outlasts the timeout."""
        for start in range(0, len(records), COPY_ROWS):
            if start:
                await asyncio.sleep(0)
            part = records if len(records) <= COPY_ROWS else records[start:start + COPY_ROWS]
            await conn.copy_records_to_table(table.name, records=part, columns=table.columns,
                                             timeout=self.timeout_s)

    async def _drop_stored(self, rows: Rows) -> None:
        """Drop duplicates within `rows` and the items already stored."""
        for fact in self.facts:
            facts = rows[fact.table]
            if not facts:
                continue
            seen: set[tuple] = set()
            dropped: set[int] = set()
            for row in facts:
                key = fact.key(row)
                if key in seen:
                    dropped.add(row[0])
                seen.add(key)
            drop(rows, self.tables, fact.table, dropped)
            facts = rows[fact.table]
            if not facts:
                continue
            keys = [fact.key(r) for r in facts]
            try:
                async with self.pool.acquire(timeout=self.timeout_s) as conn:
                    found = await conn.fetch(fact.existing, *map(list, zip(*keys, strict=True)),
                                             timeout=self.timeout_s)
            except DOWN as exc:
                raise unavailable(exc) from exc
            drop(rows, self.tables, fact.table, {facts[r["i"] - 1][0] for r in found})
