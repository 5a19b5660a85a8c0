"""The live feed of one gateway process: one LISTEN connection, one batch read per
subscription type per batch of commits, fanned out to the subscribers.

Ingest NOTIFYs the keys of every commit (ingest.live). The listener queues them per fact
table; a task per table takes everything queued at once (commits arriving while a read
runs are coalesced into the next), and reads the new rows with ONE statement per
subscription type that evaluates every active subscriber's filter (gateway.live.kinds).
Where LISTEN is unavailable (a transaction-mode pooler, a lost connection) the same task
polls for commits instead (`live_committed`), with the same cursor semantics.

Reads use the gateway's read-only pool with its statement timeout.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import orjson

from gateway import errors
from gateway.live import cursor, kinds
from gateway.live.subscriber import Subscriber
from ingest import live as ingest_live
from ollygraph import migrate
from ollygraph.settings import Settings

log = logging.getLogger(__name__)
MAX_CATCH_UP_RUNS = 10_000  # runs of keys a resumed subscription's catch-up reads at once
MAX_NS = 2**63 - 1


class Feed:
    """The commits of one fact table and the subscribers following them."""

    def __init__(self, hub: Hub, table: str) -> None:
        self.hub, self.table = hub, table
        self.kinds = [k for k in kinds.KINDS if k.table.name == table]
        self.subscribers: dict[str, list[Subscriber]] = {k.name: [] for k in self.kinds}
        self.seen: cursor.Seen | None = None  # None until started
        self.queue: list[tuple[list[cursor.Run], int, int]] = []
        self.arrived = asyncio.Event()
        self.lock = asyncio.Lock()
        self.samples: collections.deque[tuple[float, int]] = collections.deque()
        self.task: asyncio.Task | None = None
        self.starting = asyncio.Lock()
        self.sampled = 0.0  # when settle last sampled the sequence
        self.gained: dict[bytes, float] = {}  # trace sent -> when it last gained spans

    @property
    def active(self) -> bool:
        return any(self.subscribers.values())

    async def start(self) -> None:
        async with self.starting:  # one task per feed, however many subscribe at once
            if self.seen is None:
                self.seen = cursor.Seen(await self._allocated())
                self.task = asyncio.get_running_loop().create_task(self._run())

    async def _allocated(self) -> int:
        async with self.hub.pool.acquire() as conn:
            return await conn.fetchval(kinds.allocated_sql(self.kinds[0]))

    def notified(self, payload: dict[str, Any]) -> None:
        self.queue.append(([tuple(r) for r in payload["ranges"]], payload["from"], payload["to"]))
        self.arrived.set()

    async def _run(self) -> None:
        quiet = self.hub.settings.live_trace_quiet
        wait = self.hub.settings.live_poll_interval
        if quiet and any(k is kinds.TRACES for k in self.kinds):
            wait = min(wait, quiet / 4)  # a quiet trace goes out at most a quarter late
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), wait)
            self.arrived.clear()
            try:
                if self.queue:
                    queued, self.queue = self.queue, []
                    runs = [r for q in queued for r in q[0]]
                    await self.tick(runs, min(q[1] for q in queued), max(q[2] for q in queued))
                if not self.hub.listening or self.hub.missed.pop(self.table, False):
                    await self.poll()
                await self.settle()
                await self.quiet()
            except Exception as exc:  # a failed read: the next poll finds what it missed
                if self.hub.closing:
                    return
                log.warning(
                    "live feed of %s: %s: %s; polling in %ss",
                    self.table,
                    type(exc).__name__,
                    exc,
                    self.hub.settings.live_poll_interval,
                )
                self.hub.missed[self.table] = True
                await asyncio.sleep(self.hub.settings.live_poll_interval)

    async def tick(self, runs: list[cursor.Run], time_from: int, time_to: int) -> None:
        """Deliver the rows of newly committed `runs` to every subscriber."""
        async with self.lock:
            assert self.seen is not None
            new = self.seen.unseen(sorted(runs))
            if not new:
                return
            if self.active:
                await self._deliver(self.subscribers, new, time_from, time_to)
            self.seen.add(new)
            for subs in self.subscribers.values():
                for sub in subs:
                    sub.seen.add(new)

    async def poll(self) -> None:
        """Commits the notifications did not announce (LISTEN unavailable or lost)."""
        assert self.seen is not None
        runs = await self._committed(self.seen)
        if runs:
            await self.tick(
                [(r[0], r[1]) for r in runs], min(r[2] for r in runs), max(r[3] for r in runs)
            )

    async def settle(self) -> None:
        """Sample the sequence; move the watermarks to the key handed out `live_settle`
        seconds ago (every transaction that reserved keys up to it has ended by now)."""
        now = time.monotonic()
        if now - self.sampled < self.hub.settings.live_poll_interval:
            return
        self.sampled = now
        self.samples.append((now, await self._allocated()))
        settled = None
        while self.samples and self.samples[0][0] <= now - self.hub.settings.live_settle:
            settled = self.samples.popleft()[1]
        if settled is None:
            return
        async with self.lock:
            assert self.seen is not None
            self.seen.settle(settled)
            for subs in self.subscribers.values():
                for sub in subs:
                    sub.seen.settle(settled)

    async def quiet(self) -> None:
        """Send again, as they now stand, the traces sent to `traces` subscribers that
        gained no span for `live_trace_quiet` seconds (a trace then looks complete)."""
        quiet = self.hub.settings.live_trace_quiet
        if not quiet or not self.gained:
            return
        ended = time.monotonic() - quiet
        due = [trace_id for trace_id, gained in self.gained.items() if gained <= ended]
        for trace_id in due:
            del self.gained[trace_id]
        if not due or not self.subscribers.get(kinds.TRACES.name):
            return
        async with self.lock:
            shared = self._alike(self.subscribers[kinds.TRACES.name])
            if shared:
                sql, params = kinds.quiet_traces_sql(
                    [(s[0].filter, s[0].keys) for s in shared], due
                )
                await self._fan(kinds.TRACES, shared, await self._fetch(sql, params))

    async def _fetch(self, sql: str, params: list[Any]) -> list[asyncpg.Record]:
        async with self.hub.pool.acquire() as conn:
            rows = await conn.fetch(sql, *params)
        self.hub.statements += 1
        return rows

    @staticmethod
    def _alike(subs: list[Subscriber]) -> list[list[Subscriber]]:
        """`subs` grouped by filter: each group is one condition of a batch read."""
        alike: dict[str, list[Subscriber]] = {}
        for sub in subs:
            alike.setdefault(sub.signature, []).append(sub)
        return list(alike.values())

    async def _fan(
        self, kind: kinds.Kind, shared: list[list[Subscriber]], rows: list[asyncpg.Record]
    ) -> None:
        """Each row to the subscribers whose filter it satisfies and which had not seen
        its keys (a row without keys, a quiet trace, to all of them)."""
        for row in rows:
            node = None
            for n in row["live_subscribers"]:
                for sub in shared[n]:
                    keys = row["live_keys"]
                    if keys and all(sub.seen.contains(k) for k in keys):
                        continue
                    node = node if node is not None else kind.shape(row)
                    sub.push(node)
        for subs in shared:
            for sub in subs:
                if sub.pending:
                    sub.wake.set()

    async def _committed(self, seen: cursor.Seen) -> list[asyncpg.Record]:
        since = time.time_ns() - self.hub.settings.live_lookback * 1_000_000_000
        sql, params = kinds.committed_sql(
            self.kinds[0], since, seen.watermark, seen.runs, MAX_CATCH_UP_RUNS + 1
        )
        async with self.hub.pool.acquire() as conn:
            return await conn.fetch(sql, *params)

    async def _deliver(
        self,
        groups: dict[str, list[Subscriber]],
        runs: list[cursor.Run],
        time_from: int,
        time_to: int,
    ) -> None:
        """One statement per subscription type over `runs`, one condition per distinct
        filter; each row goes to the subscribers whose filter it satisfies and which had
        not seen its keys."""
        for kind in self.kinds:
            shared = self._alike(groups.get(kind.name, []))
            if not shared:
                continue
            sql, params = kinds.batch_sql(
                kind, [(s[0].filter, s[0].keys) for s in shared], runs, time_from, time_to
            )
            rows = await self._fetch(sql, params)
            if kind is kinds.TRACES and self.hub.settings.live_trace_quiet:
                now = time.monotonic()
                for row in rows:
                    self.gained[row["trace_id"]] = now
            await self._fan(kind, shared, rows)

    async def join(self, sub: Subscriber, after: cursor.Seen | None) -> None:
        """Start delivering to `sub`: from now, or after `after` with what it missed."""
        await self.start()
        async with self.lock:
            assert self.seen is not None
            if after is None:
                sub.seen = self.seen.copy()
            else:
                runs = await self._committed(after)
                if len(runs) > MAX_CATCH_UP_RUNS:
                    raise errors.UserError(
                        "`after` is too far behind to resume from; subscribe without it"
                    )
                sub.seen = after
                if runs:
                    await self._deliver(
                        {sub.kind.name: [sub]},
                        [(r[0], r[1]) for r in runs],
                        min(r[2] for r in runs),
                        max(r[3] for r in runs),
                    )
                    sub.seen.add((r[0], r[1]) for r in runs)
            self.subscribers[sub.kind.name].append(sub)

    def leave(self, sub: Subscriber) -> None:
        with contextlib.suppress(ValueError):
            self.subscribers[sub.kind.name].remove(sub)


class Hub:
    """The process's live feeds and its one LISTEN connection (opened with the first
    subscription)."""

    def __init__(
        self, database_url: str, schema: str, pool: asyncpg.Pool, settings: Settings
    ) -> None:
        self.database_url, self.schema, self.pool = database_url, schema, pool
        self.settings = settings
        self._feeds: dict[str, Feed] = {}
        self.count = 0  # active subscriptions
        self.statements = 0  # batch reads so far
        self.listening = False
        self.closing = False
        self.missed: dict[str, bool] = {}
        self._conn: asyncpg.Connection | None = None
        self._connecting = asyncio.Lock()
        self._watch: asyncio.Task | None = None

    def feed(self, kind: kinds.Kind) -> Feed:
        if kind.table.name not in self._feeds:
            self._feeds[kind.table.name] = Feed(self, kind.table.name)
        return self._feeds[kind.table.name]

    @property
    def channel(self) -> str:
        return f"{ingest_live.CHANNEL}.{self.schema}"

    async def listen(self) -> None:
        """Open the LISTEN connection if it is not; on failure the feeds poll."""
        async with self._connecting:
            if not self.settings.live_listen:
                return
            if self._conn is not None and not self._conn.is_closed():
                return
            try:
                conn = await asyncpg.connect(
                    migrate.libpq_url(self.database_url),
                    timeout=5.0,
                    server_settings={"application_name": "ollygraph-gateway-live"},
                )
                await conn.add_listener(self.channel, self._notified)
                conn.add_termination_listener(self._lost)
            except Exception as exc:
                log.warning(
                    "live: LISTEN unavailable (%s: %s); polling every %ss",
                    type(exc).__name__,
                    exc,
                    self.settings.live_poll_interval,
                )
                self.listening = False
                return
            self._conn, self.listening = conn, True
            for table in self._feeds:
                self.missed[table] = True  # what committed while not listening

    def _notified(self, conn: Any, pid: int, channel: str, payload: str) -> None:
        try:
            body = orjson.loads(payload)
            feed = self._feeds.get(body["table"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            log.warning("live: ignored a malformed notification")
            return
        if feed is not None and feed.seen is not None:
            feed.notified(body)

    def _lost(self, conn: Any) -> None:
        self.listening = False
        log.warning("live: the LISTEN connection was lost; polling until it is back")
        if self._watch is None or self._watch.done():
            self._watch = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        while not self.listening:
            await asyncio.sleep(self.settings.live_poll_interval)
            await self.listen()

    async def subscribe(
        self, sub: Subscriber, after: cursor.Seen | None, connection: dict[str, int]
    ) -> AsyncIterator[tuple[list[Any], str]]:
        """The batches of `sub` (`connection`: the websocket's count of subscriptions)."""
        if self.count >= self.settings.live_max_subscriptions:
            raise errors.UserError(
                f"this gateway serves at most {self.settings.live_max_subscriptions} live "
                "subscriptions at once (OLLYGRAPH_LIVE_MAX_SUBSCRIPTIONS); try again later"
            )
        if connection["live"] >= self.settings.live_max_per_connection:
            raise errors.UserError(
                f"at most {self.settings.live_max_per_connection} live subscriptions per "
                "connection (OLLYGRAPH_LIVE_MAX_PER_CONNECTION)"
            )
        self.count += 1
        connection["live"] += 1
        feed = self.feed(sub.kind)
        try:
            await self.listen()
            if not self.listening and self._watch is None and self.settings.live_listen:
                self._watch = asyncio.get_running_loop().create_task(self._reconnect())
            await feed.join(sub, after)
            sub.wake.set()
            async for batch in sub.batches():
                yield batch
        finally:
            feed.leave(sub)
            self.count -= 1
            connection["live"] -= 1

    async def close(self) -> None:
        self.closing = True
        tasks = [f.task for f in self._feeds.values() if f.task is not None]
        if self._watch is not None:
            tasks.append(self._watch)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task
        if self._conn is not None:
            self._conn.remove_termination_listener(self._lost)
            with contextlib.suppress(Exception):
                await self._conn.close(timeout=2)
