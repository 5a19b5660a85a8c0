"""Metric series through GraphQL over a bulk-loaded store: step aggregation + one group-by.

    .venv/bin/python bench/metrics.py [--points 1000000] [--series 100] [--runs 30]
                                      [--step 1m --step 30s ...]
                                      [--database-url URL] [--keep] [--schema NAME]

Loads `--points` points of one cumulative counter (100 series by default: `endpoint` x
`instance`, promoted attributes; one resource and one scope, as ingest writes them) spread
over the last hour into a scratch schema with COPY, runs the rollup job once (ingest runs
it every 15 s, so a live store is rolled up to a minute or two ago), then runs
`metric.series(groupBy: ["endpoint"])` through the gateway's schema (its real context,
loaders and pool) with AVG and with RATE (window over each series, reset handling), at
each `--step` (1m and 30s by default: whole minutes read the per-minute rollups, whole 15 s
granules the fine rollups, other steps every point), and prints p50/p95 in ms. Nothing is
asserted. `--keep` leaves the scratch schema in place; `--schema NAME` measures such a
kept schema again without loading (the hour measured is the one the points were loaded
into).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import statistics
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])

import asyncpg  # noqa: E402
import psycopg  # noqa: E402

from gateway import context, db, schema  # noqa: E402
from ollygraph import migrate, rollups  # noqa: E402

QUERY = """query ($agg: Aggregation, $range: TimeRange, $step: String) {
  metric(name: "bench.requests") {
    series(timeRange: $range, step: $step, aggregation: $agg, groupBy: ["endpoint"]) {
      labels points { time value }
    }
  }
}"""
S = 1_000_000_000


def load(url: str, schema_name: str, points: int, series: int, now: int) -> None:
    """COPY the points and their promoted attributes; returns when committed."""
    per_series = max(1, points // series)
    spacing = 3600 * S // per_series
    with psycopg.connect(migrate.libpq_url(url), autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema_name}"')
        conn.execute("INSERT INTO otel_resources_dim (resource_id, resource_hash, service_name) "
                     "VALUES (1, '\\x01', 'bench')")
        conn.execute("INSERT INTO otel_scopes_dim (scope_id, scope_hash, name) "
                     "VALUES (1, '\\x01', 'bench')")
        conn.execute("INSERT INTO otel_metrics_dim (metric_id, metric_hash, metric_identity_hash, "
                     "name, metric_type_id, aggregation_temporality_id, is_monotonic) "
                     "VALUES (1, '\\x01', '\\x01', 'bench.requests', 2, 2, true)")
        keys = dict(conn.execute("INSERT INTO attribute_keys (key) VALUES ('endpoint'), "
                                 "('instance') RETURNING key, key_id").fetchall())
        start = now - 3600 * S
        pk = 0
        with conn.cursor() as cur:
            with cur.copy("COPY otel_metrics_data_points_number (point_pk, time_unix_nano, "
                          "start_time_unix_nano, metric_id, resource_id, scope_id, "
                          "attributes_hash, value_int, content_hash) FROM STDIN") as copy:
                for s in range(series):
                    attrs_hash = hashlib.sha256(b"s%d" % s).digest()
                    for i in range(per_series):
                        pk += 1
                        copy.write_row((pk, start + i * spacing + s, start - S, 1, 1, 1,
                                        attrs_hash, i * 3 + s, pk.to_bytes(8, "big")))
            with cur.copy("COPY otel_metric_number_attrs_string (point_pk, time_unix_nano, "
                          "key_id, value) FROM STDIN") as copy:
                pk = 0
                for s in range(series):
                    for i in range(per_series):
                        pk += 1
                        t = start + i * spacing + s
                        copy.write_row((pk, t, keys["endpoint"], f"/api/e{s % 10}"))
                        copy.write_row((pk, t, keys["instance"], f"i{s // 10}"))
        conn.execute("ANALYZE")


async def roll_up(url: str, schema_name: str, now: int) -> None:
    """What ingest's rollup job does every few seconds, done once for the loaded hour."""
    conn = await asyncpg.connect(url, server_settings={"search_path": f'"{schema_name}"'})
    try:
        t0 = time.perf_counter()
        minutes = await rollups.roll(conn, now)
        # as autovacuum would
        await conn.execute("ANALYZE otel_metrics_number_rollups, otel_metrics_number_fine_rollups")
        print(f"rolled up {minutes} minutes in {time.perf_counter() - t0:.1f} s")
    finally:
        await conn.close()


async def measure(url: str, schema_name: str, runs: int, now: int, steps: list[str]) -> None:
    await roll_up(url, schema_name, now)
    pool = await db.create_pool(url, schema_name, max_size=2)
    variables = {"range": {"from": _ts(now - 3600 * S), "to": _ts(now)}}
    try:
        for step, agg in ((step, agg) for step in steps for agg in ("AVG", "RATE")):
            times = []
            for _ in range(runs + 2):
                ctx = context.Context.create(pool)
                t0 = time.perf_counter()
                result = await schema.SCHEMA.execute(
                    QUERY, variable_values={**variables, "agg": agg, "step": step},
                    context_value=ctx)
                times.append((time.perf_counter() - t0) * 1000)
                if result.errors:
                    raise SystemExit(result.errors)
            times = sorted(times[2:])  # two warm-up runs
            groups = result.data["metric"]["series"]
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(f"series {agg:<5} step {step:<3} groupBy endpoint: {len(groups)} series x "
                  f"{len(groups[0]['points'])} steps  p50 {statistics.median(times):7.1f} ms  "
                  f"p95 {p95:7.1f} ms  ({runs} runs)")
    finally:
        await pool.close()


def loaded_hour_end(url: str, schema_name: str) -> int:
    """The `now` a kept schema was loaded at: its points start one hour before it."""
    with psycopg.connect(migrate.libpq_url(url)) as conn:
        conn.execute(f'SET search_path TO "{schema_name}"')
        (first,) = conn.execute("SELECT min(time_unix_nano) FROM "
                                "otel_metrics_data_points_number").fetchone()
    return first + 3600 * S


def _ts(ns: int) -> str:
    from gateway import scalars

    return scalars.format_timestamp(ns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--series", type=int, default=100)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--step", action="append", dest="steps",
                        help="a step to measure (repeatable; default 1m and 30s)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch schema")
    parser.add_argument("--schema", help="measure this kept schema again (no load, kept)")
    parser.add_argument("--database-url", default=os.environ.get(
        "OLLYGRAPH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    steps = args.steps or ["1m", "30s"]
    if args.schema:
        migrate.upgrade(args.database_url, args.schema)
        asyncio.run(measure(args.database_url, args.schema, args.runs,
                            loaded_hour_end(args.database_url, args.schema), steps))
        return
    schema_name = f"bench_metrics_{os.getpid()}"
    migrate.upgrade(args.database_url, schema_name)
    try:
        now = time.time_ns()
        t0 = time.perf_counter()
        load(args.database_url, schema_name, args.points, args.series, now)
        print(f"loaded {args.points} points in {time.perf_counter() - t0:.1f} s "
              f"(schema {schema_name})")
        if args.runs:
            asyncio.run(measure(args.database_url, schema_name, args.runs, now, steps))
    finally:
        if not args.keep:
            with psycopg.connect(migrate.libpq_url(args.database_url), autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema_name}" CASCADE')


if __name__ == "__main__":
    main()
