"""The per-minute rollups of number points that step series read (sql/rollups.sql), and
their fine (15 s) rollups for steps under a minute, rolled over the same minutes.

`roll(conn, now_ns)` brings them (and the RED rollups of spans, ollygraph.span_rollups,
and the late minutes of the attribute key registry, ollygraph.key_registry) up to date:
it starts them at the oldest point the first
time, rolls every whole minute that ended `LAG_NS` ago (an hour of minutes per
transaction when it catches up), then computes again the minutes late points were
written to. Ingest runs it every `rollup_interval` (OLLYGRAPH_ROLLUP_INTERVAL,
ingest.pipeline); one process per schema rolls at a time. `mark_late(conn, minutes)` is
the writers' part, inside their transaction.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from ollygraph import key_registry, span_rollups
from ollygraph.sql import QUERIES

log = logging.getLogger(__name__)

MINUTE_NS = 60_000_000_000
FINE_NS = 15_000_000_000  # the fine rollups' granule: a minute is whole granules
LAG_NS = MINUTE_NS  # points of a minute may still arrive for a while after it ends
CHUNK_MINUTES = 60  # minutes rolled per transaction
MARKS_PER_ROUND = 1000
MARK_ROUNDS = 10  # at most, per run: a minute written to all the time waits for the next


def floor_minute(ns: int) -> int:
    return ns // MINUTE_NS * MINUTE_NS


# the rollups the job keeps: (table, its granule's start column, the granule in ns)
GRANULES = (("otel_metrics_number_rollups", "minute_unix_nano", MINUTE_NS),
            ("otel_metrics_number_fine_rollups", "granule_unix_nano", FINE_NS))


def _of_granule(sql: str, granule: tuple[str, str, int]) -> str:
    table, start, ns = granule
    return sql.replace("@rollups@", table).replace("@start@", start).replace("@granule@", str(ns))


def _roll_sql(points: str, granule: tuple[str, str, int]) -> str:
    # within a granule a point's previous one is known: `alone` only serves delta points
    delta = QUERIES.point_delta.replace("@alone@", "x.v")
    return _of_granule(QUERIES.roll.replace("@delta@", delta).replace("@points@", points),
                       granule)


ROLL_BETWEEN = [_roll_sql(QUERIES.points_between, g) for g in GRANULES]
ROLL_MARKED = [_roll_sql(QUERIES.points_marked, g) for g in GRANULES]
DROP_MARKED = [_of_granule(QUERIES.drop_marked_rollups, g) for g in GRANULES]


async def mark_late(conn: Any, minutes: set[tuple[int, int]]) -> None:
    """Mark the (metric_id, minute) pairs a writer's batch wrote to that the rollups have
    passed. In the writer's transaction, before its commit."""
    if not minutes:
        return
    ordered = sorted(minutes)  # one lock order for concurrent writers
    await conn.execute(QUERIES.lock_shared)
    await conn.execute(QUERIES.mark_late, [m for m, _ in ordered], [t for _, t in ordered])


async def roll(conn: Any, now_ns: int | None = None) -> int:
    """Bring the rollups up to date; returns the minutes rolled and recomputed (0 when
    another process is rolling this schema)."""
    if not await conn.fetchval(QUERIES.try_job_lock):
        return 0
    try:
        target = floor_minute((now_ns or time.time_ns()) - LAG_NS)
        return (await _roll(conn, target) + await span_rollups.roll(conn, target)
                + await key_registry.roll(conn))
    finally:
        await conn.execute(QUERIES.job_unlock)


async def _roll(conn: Any, target: int) -> int:
    async with conn.transaction():
        await conn.execute(QUERIES.lock_alone)  # waits for the writers that read `accepted`
        if await conn.fetchrow(QUERIES.rollup_state) is None:
            await conn.execute(QUERIES.forget_rollups)
            first = await conn.fetchval(QUERIES.first_number_point)
            await conn.execute(QUERIES.start_rollups,
                               min(target, floor_minute(first)) if first else target)
        rolled, accepted = await conn.fetchrow(QUERIES.accept, target)
    done = 0
    while rolled < accepted:
        upto = min(accepted, rolled + CHUNK_MINUTES * MINUTE_NS)
        async with conn.transaction():
            for roll_between in ROLL_BETWEEN:
                await conn.execute(roll_between, rolled, upto)
            await conn.execute(QUERIES.set_rolled, upto)
        done += (upto - rolled) // MINUTE_NS
        rolled = upto
    for _ in range(MARK_ROUNDS):
        marks = await conn.fetch(QUERIES.marks, rolled, MARKS_PER_ROUND)
        if not marks:
            break
        metric_ids = [m["metric_id"] for m in marks]
        minutes = [m["minute_unix_nano"] for m in marks]
        async with conn.transaction():
            for drop, roll_marked in zip(DROP_MARKED, ROLL_MARKED, strict=True):
                await conn.execute(drop, metric_ids, minutes)
                await conn.execute(roll_marked, metric_ids, minutes)
            await conn.execute(QUERIES.clear_marks, metric_ids, minutes,
                               [m["mark"] for m in marks])
        done += len(marks)
        if len(marks) < MARKS_PER_ROUND:
            break
    if done:
        log.debug("rolled up %d minutes", done)
    return done
