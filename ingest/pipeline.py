"""The store side of ingest: parsed OTLP requests in, committed rows out.

    pipeline = await Pipeline.start(settings)
    result = await pipeline.export("traces", ExportTraceServiceRequest(...))
    await pipeline.close()

`export` returns only after the request's rows are committed, with the partial-success
count and message of the items it rejected. It raises `errors.Unavailable` when the
database is down or too slow and `errors.Overloaded` when too much is in flight; both
are retryable. Concurrent exports of a signal are coalesced by its `writer.Writer`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import NamedTuple

import asyncpg
import psycopg
from google.protobuf import message

from ingest import attributes, dimensions, flatten, promotion, signals, writer
from ollygraph import db, maintenance, rollups, store
from ollygraph.settings import Settings

log = logging.getLogger(__name__)

UPKEEP_INTERVAL_S = 3600  # daily partitions ensured this often
TOUCH_INTERVAL_S = 60  # last_seen of the dimension rows in use moved this often


class Result(NamedTuple):
    rejected: int  # items refused (PartialSuccess.rejected_*)
    message: str   # why, '' when everything was accepted


class Pipeline:
    def __init__(self, settings: Settings, pool: asyncpg.Pool,
                 config: promotion.PromotionConfig, key_ids: dict[str, int], *,
                 max_in_flight: int, max_batch_rows: int, timeout_s: float) -> None:
        self.settings, self.pool, self.config, self.timeout_s = settings, pool, config, timeout_s
        # promotion config section ("resource", "spans", ...) -> its splitter
        self.splitters = {name: attributes.Splitter(config.signals[name], key_ids)
                          for name in promotion.SIGNALS}
        resource, scope = store.OWNER["resource"], store.OWNER["scope"]
        self.dimensions = dimensions.Dimensions(
            dimensions.Dimension("resources", resource, self.splitters[resource.name]),
            dimensions.Dimension("scopes", scope, self.splitters[scope.name]),
            dimensions.Dimension("metrics"))
        sequences = {table.name: dimensions.Sequence(pool, table.sequence, timeout=timeout_s)
                     for shape in store.SIGNALS for table in shape.tables if table.sequence}
        self.shared = flatten.Shared(pool, self.dimensions, sequences, timeout_s)
        self.flows: dict[str, flatten.Flow] = {
            s.name: s.flow(self.dimensions) for s in signals.SIGNALS}
        self.writers = {
            name: writer.Writer(pool, flow.tables, flow.facts, before=flow.before,
                                after=flow.after, max_rows=max_batch_rows,
                                max_in_flight=max_in_flight, timeout_s=timeout_s)
            for name, flow in self.flows.items()}
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._partition_upkeep()),
                       loop.create_task(self._touch_dimensions()),
                       loop.create_task(self._roll_up())]

    @classmethod
    async def start(cls, settings: Settings, *, pool_size: int | None = None,
                    max_in_flight: int = 100_000, max_batch_rows: int = 50_000,
                    timeout_s: float = 10.0) -> Pipeline:
        """Connect, log the promotion config in force, ensure partitions and key ids. The
        pool defaults to a connection for each signal's concurrent writes, plus one."""
        if pool_size is None:
            pool_size = len(signals.SIGNALS) * writer.MAX_WRITES + 1
        if not settings.database_url:
            raise ValueError("the ingest pipeline needs settings.database_url")
        config = promotion.load(settings.attribute_overrides)
        summary, _, details = config.describe().partition("\n")
        promoted = sum(len(keys) for s in config.signals.values() for keys in s.promoted.values())
        dropped = sum(len(s.dropped) for s in config.signals.values())
        log.info("%s: %d keys promoted, %d dropped (listed at log level DEBUG)", summary,
                 promoted, dropped)
        log.debug("attribute promotion in force:\n%s", details)
        try:
            pool = await db.create_pool(settings.database_url, settings.schema,
                                        min_size=1, max_size=pool_size,
                                        application_name="ollygraph-ingest", timeout=timeout_s)
        except writer.DOWN as exc:
            raise writer.unavailable(exc) from exc
        try:
            await asyncio.to_thread(maintenance.ensure_partitions, settings.database_url,
                                    settings.schema, settings.partition_days_ahead)
            key_ids = await dimensions.register_keys(pool, config.all_promoted_keys(), timeout_s)
        except psycopg.OperationalError as exc:
            await pool.close()
            raise writer.unavailable(exc) from exc
        except BaseException:
            await pool.close()
            raise
        return cls(settings, pool, config, key_ids, max_in_flight=max_in_flight,
                   max_batch_rows=max_batch_rows, timeout_s=timeout_s)

    async def export(self, signal_name: str, request: message.Message) -> Result:
        """Store `request` (an Export*ServiceRequest of `signal_name`); returns after commit."""
        flow, out = self.flows[signal_name], self.writers[signal_name]
        with out.admit(flatten.count(flow, request)):  # memory stays bounded
            batch, ctx = await self.rows(signal_name, request)
            if batch.items:
                await out.submit(batch)
        return Result(ctx.rejected, ctx.message())

    async def rows(self, signal_name: str,
                      request: message.Message) -> tuple[writer.Batch, flatten.Context]:
        """The rows of `request` (nothing written but new dimension rows), and the context
        holding its rejections."""
        flow = self.flows[signal_name]
        return await flatten.walk(flow, request, self.splitters[flow.shape.promotion],
                                  self.shared)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for out in self.writers.values():
            await out.close()
        with contextlib.suppress(Exception):
            await self._touch_once()
        await self.pool.close()

    async def _touch_once(self) -> None:
        for dimension in self.dimensions:
            await dimension.touch_used(self.pool, self.timeout_s)

    async def _touch_dimensions(self) -> None:
        while True:
            await asyncio.sleep(TOUCH_INTERVAL_S)
            try:
                await self._touch_once()
            except Exception as exc:  # the database may be down; try again later
                log.warning("could not update last_seen of dimensions: %s", exc)

    async def _roll_up(self) -> None:
        """Keep the per-minute rollups of the step series current (ollygraph.rollups)."""
        if not self.settings.rollup_interval:
            return
        while True:
            await asyncio.sleep(self.settings.rollup_interval)
            try:
                async with self.pool.acquire(timeout=self.timeout_s) as conn:
                    await rollups.roll(conn)
            except Exception as exc:  # the database may be down; try again later
                log.warning("could not roll up metric points: %s", exc)

    async def _partition_upkeep(self) -> None:
        while True:
            await asyncio.sleep(UPKEEP_INTERVAL_S)
            try:
                await asyncio.to_thread(maintenance.ensure_partitions, self.settings.database_url,
                                        self.settings.schema, self.settings.partition_days_ahead)
            except Exception:
                log.exception("partition upkeep failed; retrying in an hour")
