"""Service graph benchmark: prints figures, asserts nothing.

    .venv/bin/python -m bench.service_graph --database-url postgresql://... [--spans 1000000]
        [--iterations 30] [--keep-schema NAME [--reuse]]

Loads --spans spans over the last 24 hours through the ingest Pipeline (OTLP protobuf
requests, bulk): traces of a frontend calling one of 8 backends (CLIENT -> SERVER), the
backend querying its database (a CLIENT span in the backend) and publishing to a queue that
one of 4 workers consumes (PRODUCER -> CONSUMER), the worker's span linking to the frontend
request. Each chunk's callee spans are sent in one request and their callers in the next,
so most edges are resolved from the waits (the child arrives first). Prints the ingest
rate, the rollup job's time, the edge count and the rollup rows (per minute and hourly);
then runs the rollup job and measures serviceGraph over the last 24 h over HTTP against an
`ollygraph gateway` process (target p95 < 100 ms), with a service filter (rollups) and a
kind filter (every edge of the range checked against its callee span).
Without --database-url it runs an embedded PostgreSQL in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import time
from typing import Any

import httpx
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

from bench import gateway as bench_gateway

GRAPH = """query ($r: TimeRange!, $f: SpanFilter) { serviceGraph(timeRange: $r, filter: $f) {
  source nodes { service spanCount rate errorCount durationP95Ms }
  edges { caller callee kind callCount errorCount durationP50Ms durationP95Ms durationP99Ms }
} }"""
CASES = {
    "serviceGraph, last 24 h": {"r": {"last": "24h"}},
    "serviceGraph, last 24 h, service: backend-3": {"r": {"last": "24h"},
                                                     "f": {"service": "backend-3"}},
    "serviceGraph, last 1 h, kind: SERVER (edges read and checked)": {
        "r": {"last": "1h"}, "f": {"kind": "SERVER"}},
}
DAY_NS = 86_400_000_000_000
SPANS_PER_TRACE = 6
K = trace_pb2.Span


def _span(trace_id: bytes, span_id: bytes, parent: bytes, name: str, kind: int, start: int,
          duration: int, error: bool = False, links: list[Any] | None = None) -> Any:
    span = trace_pb2.Span(
        trace_id=trace_id, span_id=span_id, parent_span_id=parent, name=name, kind=kind,
        start_time_unix_nano=start, end_time_unix_nano=start + duration, links=links or [],
        attributes=[bench_gateway._kv("http.route", name)])
    if error:
        span.status.code = trace_pb2.Status.STATUS_CODE_ERROR
    return span


def trace_spans(rng: random.Random, start: int) -> list[tuple[str, Any, bool]]:
    """One trace: (service, span, is a caller sent after its callees)."""
    t, root, client, server, db, producer, consumer = (
        rng.randbytes(16), *(rng.randbytes(8) for _ in range(6)))
    backend, worker = f"backend-{rng.randrange(8)}", f"worker-{rng.randrange(4)}"
    failed = rng.random() < 0.02
    us = 1000
    return [
        ("frontend", _span(t, root, b"", "GET /page", K.SPAN_KIND_SERVER, start, 90_000 * us),
         True),
        ("frontend", _span(t, client, root, "POST /api", K.SPAN_KIND_CLIENT, start + 1000 * us,
                           rng.randint(5_000, 80_000) * us, failed), True),
        (backend, _span(t, server, client, "POST /api", K.SPAN_KIND_SERVER,
                        start + 2000 * us, rng.randint(4_000, 70_000) * us, failed), False),
        (backend, _span(t, db, server, "SELECT", K.SPAN_KIND_CLIENT, start + 3000 * us,
                        rng.randint(500, 3_000) * us), False),
        (backend, _span(t, producer, server, "publish", K.SPAN_KIND_PRODUCER,
                        start + 4000 * us, 300 * us), False),
        (worker, _span(t, consumer, producer, "process", K.SPAN_KIND_CONSUMER,
                       start + 5000 * us, rng.randint(1_000, 20_000) * us,
                       links=[K.Link(trace_id=t, span_id=root)]), False),
    ]


def requests(total: int, batch: int, seed: int = 7):
    """Pairs of requests: a chunk's callee spans, then their callers."""
    rng = random.Random(seed)
    traces = max(1, total // SPANS_PER_TRACE)
    first = time.time_ns() - DAY_NS
    step = DAY_NS // traces
    callees: dict[str, list[Any]] = {}
    callers: dict[str, list[Any]] = {}
    pending = 0
    for i in range(traces):
        for service, span, caller in trace_spans(rng, first + i * step):
            (callers if caller else callees).setdefault(service, []).append(span)
        pending += SPANS_PER_TRACE
        if pending >= batch or i == traces - 1:
            for group in (callees, callers):
                yield trace_service_pb2.ExportTraceServiceRequest(resource_spans=[
                    trace_pb2.ResourceSpans(resource=bench_gateway._resource(name),
                                            scope_spans=[trace_pb2.ScopeSpans(spans=spans)])
                    for name, spans in group.items()])
            callees, callers, pending = {}, {}, 0


async def load(settings: Any, spans: int) -> None:
    from ingest import pipeline

    pipe = await pipeline.Pipeline.start(settings)
    try:
        started = time.perf_counter()
        for request in requests(spans, batch=5000):   # in order: callees, then callers
            await pipe.export("traces", request)
        elapsed = time.perf_counter() - started
        print(f"loaded {spans} spans in {elapsed:.1f} s ({spans / elapsed:,.0f} spans/s, "
              "edges resolved in the same transactions)")
    finally:
        await pipe.close()


def edge_counts(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(bench_gateway.migrate_url(url), autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        edges, waits, rollups, hours, red, red_hours = conn.execute(
            "SELECT (SELECT count(*) FROM otel_service_edges), "
            "(SELECT count(*) FROM otel_service_edge_waits), "
            "(SELECT count(*) FROM otel_service_edge_rollups), "
            "(SELECT count(*) FROM otel_service_edge_hour_rollups), "
            "(SELECT count(*) FROM otel_span_red_rollups), "
            "(SELECT count(*) FROM otel_span_red_hour_rollups)").fetchone()
    print(f"{edges:,} edges, {rollups:,} per-minute and {hours:,} hourly edge rollup rows "
          f"({red:,} and {red_hours:,} RED rollup rows), {waits:,} spans still waiting")


async def measure(base: str, n: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        for name, variables in CASES.items():
            await bench_gateway.timed(client, GRAPH, variables, 3)          # warm up
            samples, statements = await bench_gateway.timed(client, GRAPH, variables, n)
            body = (await client.post("/graphql", json={"query": GRAPH,
                                                       "variables": variables})).json()
            graph = body["data"]["serviceGraph"]
            print(f"{name}: p50 {bench_gateway.pct(samples, 50):.1f} ms, "
                  f"p95 {bench_gateway.pct(samples, 95):.1f} ms over {n}; "
                  f"{len(graph['nodes'])} nodes, {len(graph['edges'])} edges, "
                  f"{sum(e['callCount'] for e in graph['edges']):,} calls, "
                  f"source {graph['source']}, {statements} SQL statements")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("OLLYGRAPH_DATABASE_URL"))
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--keep-schema", default=None,
                        help="load into this schema and keep it (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep-schema: measure the data already loaded there")
    args = parser.parse_args(argv)
    if args.reuse and not args.keep_schema:
        parser.error("--reuse needs --keep-schema")
    from ollygraph import migrate, settings
    from tests.conftest import drop_schema, new_schema_name

    with contextlib.ExitStack() as stack:
        url = bench_gateway.database(stack, args.database_url)
        schema = args.keep_schema or new_schema_name("bench")
        if not args.reuse:
            migrate.upgrade(url, schema)
            if not args.keep_schema:
                stack.callback(drop_schema, url, schema)
            cfg = settings.load(environ={}).replace(database_url=url, schema=schema)
            asyncio.run(load(cfg, args.spans))
            asyncio.run(bench_gateway.roll_up(url, schema))
            with bench_gateway.psycopg_analyze(url, schema):
                pass
        edge_counts(url, schema)
        with bench_gateway.gateway_process(url, schema) as base:
            asyncio.run(measure(base, args.iterations))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
