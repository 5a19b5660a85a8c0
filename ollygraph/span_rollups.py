"""The per-minute RED rollups of spans that spanStats reads (sql/span_rollups.sql).

Per minute of start time, service, span name, kind and status: the number of spans, the
sum, min and max of their durations and a histogram of the durations in fixed buckets
(`BUCKETS_PER_OCTAVE` per doubling). `roll(conn, target)` is run by the rollup job
(ollygraph.rollups.roll, under its job lock): it starts at the oldest span the first time,
rolls every whole minute below `target` (an hour of minutes per transaction when it
catches up), then computes again the minutes late spans were written to. Spans are
exported when they end, so a long span arrives after its start minute was rolled:
`mark_late(conn, minutes)` is the span writers' part, inside their transaction.

The same minutes keep the attribute key registry (ollygraph.key_registry), which
attributeKeys reads, and the service graph's edge rollups (ollygraph.service_graph), which
serviceGraph reads: the edges a writer writes mark their minutes the same way, and each
run first sweeps the waits for edges that writers running at the same time left behind.

A quantile read from the histograms (gateway/stats/red.py) is the geometric middle of the
bucket holding the rank, clamped to the group's min and max: within a factor
2^(1/8) (about 9.1%) of the exact value.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from ollygraph import key_registry, service_graph
from ollygraph.sql import QUERIES

log = logging.getLogger(__name__)

MINUTE_NS = 60_000_000_000
CHUNK_MINUTES = 60
MARKS_PER_ROUND = 500
MARK_ROUNDS = 10
BUCKETS_PER_OCTAVE = 4
RELATIVE_ERROR = 2 ** (1 / (2 * BUCKETS_PER_OCTAVE)) - 1


def floor_minute(ns: int) -> int:
    return ns // MINUTE_NS * MINUTE_NS


def _red_rows(spans: str) -> str:
    bucket = QUERIES.red_bucket.replace(
        "@d@", "(s.end_time_unix_nano - s.start_time_unix_nano)")
    return QUERIES.red_rows.replace("@bucket@", bucket).replace("@spans@", spans)


RED_ROWS = _red_rows("@spans@")  # the gateway fills in its own spans (gateway/stats/red.py)
ROLL_BETWEEN = QUERIES.insert_red + "\n" + _red_rows(QUERIES.spans_between)
ROLL_MINUTES = QUERIES.insert_red + "\n" + _red_rows(QUERIES.spans_of_minutes)


def bucket_of(duration_ns: int) -> int:
    """The bucket of a duration, as red_bucket computes it."""
    return math.floor(math.log(max(duration_ns, 1)) * BUCKETS_PER_OCTAVE / math.log(2))


def bucket_middle(bucket: int) -> float:
    """The geometric middle of a bucket, in ns."""
    return 2 ** ((bucket + 0.5) / BUCKETS_PER_OCTAVE)


async def mark_late(conn: Any, minutes: set[int]) -> None:
    """Mark the minutes a span writer's batch wrote to that the rollups have passed. In the
    writer's transaction, before its commit."""
    if minutes:
        await conn.execute(QUERIES.lock_shared)
        await conn.execute(QUERIES.mark_late_spans, sorted(minutes))


async def roll(conn: Any, target: int) -> int:
    """Bring the rollups up to the minute `target`; returns the minutes rolled and
    recomputed. The caller holds the rollup job's lock."""
    async with conn.transaction():
        await mark_late(conn, await service_graph.sweep(conn))
    async with conn.transaction():
        await conn.execute(QUERIES.lock_alone)  # waits for the writers that read `accepted`
        if await conn.fetchrow(QUERIES.span_rollup_state) is None:
            await conn.execute(QUERIES.forget_span_rollups)
            await conn.execute(QUERIES.forget_edge_rollups)
            first = await conn.fetchval(QUERIES.first_span)
            await conn.execute(QUERIES.start_span_rollups,
                               min(target, floor_minute(first)) if first else target)
        rolled, accepted = await conn.fetchrow(QUERIES.accept_spans, target)
    done = 0
    while rolled < accepted:
        upto = min(accepted, rolled + CHUNK_MINUTES * MINUTE_NS)
        async with conn.transaction():
            await conn.execute(QUERIES.drop_red_between, rolled, upto)
            await conn.execute(ROLL_BETWEEN, rolled, upto)
            await conn.execute(QUERIES.drop_edge_rollups_between, rolled, upto)
            await conn.execute(service_graph.ROLL_BETWEEN, rolled, upto)
            await key_registry.roll_minutes(conn, rolled, upto)
            await conn.execute(QUERIES.set_spans_rolled, upto)
        done += (upto - rolled) // MINUTE_NS
        rolled = upto
    for _ in range(MARK_ROUNDS):
        marks = await conn.fetch(QUERIES.span_marks, rolled, MARKS_PER_ROUND)
        if not marks:
            break
        minutes = [m["minute_unix_nano"] for m in marks]
        async with conn.transaction():
            await conn.execute(QUERIES.drop_red_of_minutes, minutes)
            await conn.execute(ROLL_MINUTES, minutes)
            await conn.execute(QUERIES.drop_edge_rollups_of_minutes, minutes)
            await conn.execute(service_graph.ROLL_MINUTES, minutes)
            for minute in minutes:
                await key_registry.roll_minutes(conn, minute, minute + MINUTE_NS)
            await conn.execute(QUERIES.clear_span_marks, minutes, [m["mark"] for m in marks])
        done += len(marks)
        if len(marks) < MARKS_PER_ROUND:
            break
    if done:
        log.debug("rolled up spans of %d minutes", done)
    return done
