"""SQL views benchmark: prints figures, asserts nothing.

    .venv/bin/python -m bench.views --database-url postgresql://... [--spans 20000]

Loads --spans spans and one 500-span trace with its 500 logs through the ingest Pipeline
(as bench/gateway.py does) into a fresh schema, then reads that trace through the SQL
views, as a person or a generic tool would:

    SELECT * FROM v_otel_spans_enriched WHERE trace_id = '<hex>'
    SELECT * FROM v_otel_logs_enriched WHERE trace_id = '<hex>'

with the attribute functions of revision 0008 and, in the same run and schema, with
revision 0001's (put back for the measurement, then restored). Each read is timed from
sending the statement to the last row fetched (psycopg, default session settings).
Without --database-url it runs an embedded PostgreSQL in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import time
from importlib import import_module

READS = {
    "spans": "SELECT * FROM v_otel_spans_enriched WHERE trace_id = %s",
    "logs": "SELECT * FROM v_otel_logs_enriched WHERE trace_id = %s",
}
# the same rows found through the trace id indexes of the fact tables (docs/schema.md)
INDEXED = {
    "spans": "SELECT * FROM v_otel_spans_enriched WHERE (start_time_unix_nano, span_pk) IN ("
    "SELECT start_time_unix_nano, span_pk FROM otel_spans_fact "
    "WHERE trace_id = decode(%s, 'hex'))",
    "logs": "SELECT * FROM v_otel_logs_enriched WHERE (ts_unix_nano, log_id) IN ("
    "SELECT ts_unix_nano, log_pk FROM otel_logs_fact WHERE trace_id = decode(%s, 'hex'))",
}


def timed(conn, trace_id: str, n: int, reads: dict[str, str]) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {name: [] for name in (*reads, "both")}
    for _ in range(n):
        both = 0.0
        for name, query in reads.items():
            started = time.perf_counter()
            rows = conn.execute(query, (trace_id,)).fetchall()
            took = (time.perf_counter() - started) * 1000
            if len(rows) != 500:
                raise SystemExit(f"{name}: {len(rows)} rows, expected 500")
            samples[name].append(took)
            both += took
        samples["both"].append(both)
    return samples


def measure(conn, trace_id: str, n: int, label: str) -> float:
    from bench.gateway import pct

    result = 0.0
    for how, reads in (("by hex trace_id", READS), ("through the id index", INDEXED)):
        timed(conn, trace_id, 2, reads)
        samples = timed(conn, trace_id, n, reads)
        for name, values in samples.items():
            print(
                f"  {label:<24} {how:<20} {name:<6} p50 {pct(values, 50):8.1f} ms  "
                f"p95 {pct(values, 95):8.1f} ms"
            )
        result = result or pct(samples["both"], 50)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("OLLYGRAPH_DATABASE_URL"))
    parser.add_argument("--spans", type=int, default=20_000)
    parser.add_argument("--iterations", type=int, default=10)
    args = parser.parse_args(argv)
    import psycopg

    from bench import gateway
    from ollygraph import migrate, settings
    from tests.conftest import drop_schema, new_schema_name

    revision = import_module("migrations.versions.0008_views")
    with contextlib.ExitStack() as stack:
        url = gateway.database(stack, args.database_url)
        schema = new_schema_name("views")
        migrate.upgrade(url, schema)
        stack.callback(drop_schema, url, schema)
        cfg = settings.load(environ={}).replace(database_url=url, schema=schema)
        asyncio.run(gateway.load(cfg, args.spans))
        trace_id = gateway.big_trace(random.Random(11))[0].hex()
        with psycopg.connect(migrate.libpq_url(url), autocommit=True) as conn:
            conn.execute(f'SET search_path TO "{schema}"')
            conn.execute("ANALYZE")
            (partitions,) = conn.execute(
                "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'otel_spans_fact'::regclass"
            ).fetchone()
            print(
                f"500-span trace + 500 logs through the views, {args.spans} spans stored, "
                f"{partitions} partitions per table, {args.iterations} reads each:"
            )
            after = measure(conn, trace_id, args.iterations, "attribute functions 0008")
            conn.execute(revision._functions("previous_attributes_all"))
            before = measure(conn, trace_id, args.iterations, "attribute functions 0001")
            conn.execute(revision._functions("attributes_all"))
            print(
                f"  spans + logs p50: {before:.1f} ms before, {after:.1f} ms after "
                f"({before / after:.1f}x faster)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
