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

The job keeps hourly rollups of the RED and edge rollups too (`HOURLY`, the same columns per
hour), merged from the minute rollups: an hour when the job rolls its last minute, and
again, in the same transaction, whenever it computes one of the hour's minutes again.
serviceGraph and spanStats read them for the whole hours of a range that hold no pending
minute (gateway/stats/cover.py).

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
HOUR_NS = 60 * MINUTE_NS
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


# the hourly rollups: (minute table, hour table, key columns, count columns)
HOURLY = (("otel_span_red_rollups", "otel_span_red_hour_rollups",
           ("service_name", "name", "kind_id", "status_code_id"), ("n",)),
          ("otel_service_edge_rollups", "otel_service_edge_hour_rollups",
           ("caller_service", "callee_service", "edge_kind_id"), ("n", "errors")))


def _of_hourly(sql: str, hourly: tuple[str, str, tuple[str, ...], tuple[str, ...]]) -> str:
    minutes, hours, keys, counts = hourly
    return (sql.replace("@minutes@", minutes).replace("@hours@", hours)
            .replace("@keys@", ", ".join(keys)).replace("@counts@", ", ".join(counts))
            .replace("@count_sums@", ", ".join(f"sum(x.{c})::bigint" for c in counts))
            .replace("@count_firsts@", ", ".join(
                f"sum(r.{c}) FILTER (WHERE u.i = 1) AS {c}" for c in counts)))


ROLL_HOURS = [_of_hourly(QUERIES.roll_hours, h) for h in HOURLY]
DROP_HOURS = [_of_hourly(QUERIES.drop_hours, h) for h in HOURLY]
FORGET_HOURS = [_of_hourly(QUERIES.forget_hours, h) for h in HOURLY]


def hours_ended(lo: int, hi: int) -> list[int]:
    """The starts of the hours whose last minute is in [lo, hi)."""
    first = (lo // HOUR_NS) * HOUR_NS
    return [h for h in range(first, hi, HOUR_NS) if lo < h + HOUR_NS <= hi]


async def roll_hours(conn: Any, hours: list[int]) -> None:
    """Compute the hourly rollups of `hours` again from their minute rollups."""
    if hours:
        for drop, roll_ in zip(DROP_HOURS, ROLL_HOURS, strict=True):
            await conn.execute(drop, hours)
            await conn.execute(roll_, hours)


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
            for forget in FORGET_HOURS:
                await conn.execute(forget)
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
            await roll_hours(conn, hours_ended(rolled, upto))
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
            await roll_hours(conn, sorted({m // HOUR_NS * HOUR_NS for m in minutes
                                           if m // HOUR_NS * HOUR_NS + HOUR_NS <= rolled}))
            await conn.execute(QUERIES.clear_span_marks, minutes, [m["mark"] for m in marks])
        done += len(marks)
        if len(marks) < MARKS_PER_ROUND:
            break
    if done:
        log.debug("rolled up spans of %d minutes", done)
    return done
