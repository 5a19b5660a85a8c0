"""Trace analysis benchmark: prints figures, asserts nothing.

    .venv/bin/python -m bench.analysis [--database-url postgresql://...] [--iterations 200]

Loads one 500-span trace (a tree: each span's parent is a random earlier span, five
services, some gen_ai spans) with its 500 logs through the ingest Pipeline into a fresh
schema, starts an `ollygraph gateway` process and fetches the trace over HTTP with
bench/gateway.py's query (spans with attributes and events, and the logs), alternately
without and with the analysis fields (`criticalPath`, every span's `selfTimeMs` and
`onCriticalPath`), in one run. Prints both medians and p95s, the difference of the
medians, the SQL statements of each, and the analysis alone in process (the 500 rows
analysed in Python, no HTTP or SQL).
Without --database-url it runs an embedded PostgreSQL in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import time
from typing import Any

import httpx
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.logs.v1 import logs_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

from bench import gateway as bench_gateway

PLAIN = bench_gateway.BIG_TRACE
ANALYSED = """query ($id: ID!) { trace(traceId: $id) {
  traceId durationMs spanCount
  spans { spanId parentSpanId name kind startTime durationMs status { code } attributes
          events { name attributes } selfTimeMs onCriticalPath }
  criticalPath { spanId startTimeUnixNano endTimeUnixNano durationMs }
  logs { time severityText body attributes spanId } } }"""
SPANS = 500


def tree_trace(rng: random.Random) -> tuple[bytes, Any, Any]:
    """(trace id, traces request, logs request) of a 500-span tree in five services."""
    trace_id = rng.randbytes(16)
    t0 = time.time_ns() - 600_000_000_000
    ids: list[bytes] = []
    ends: list[int] = []
    by_service: dict[str, list[Any]] = {}
    logs: list[Any] = []
    for i in range(SPANS):
        span_id = rng.randbytes(8)
        parent = rng.randrange(i) if i else None
        start = t0 if parent is None else rng.randint(t0 + i * 1000, t0 + i * 1000 + 500_000)
        span = bench_gateway._span(rng, trace_id, span_id, ids[parent] if i else b"", start, i)
        if i == 0:
            span.end_time_unix_nano = t0 + 600_000_000
        if i % 25 == 3:
            span.attributes.extend([bench_gateway._kv("gen_ai.system", "openai"),
                                    bench_gateway._kv("gen_ai.usage.input_tokens", 100 + i),
                                    bench_gateway._kv("gen_ai.usage.output_tokens", i)])
        ids.append(span_id)
        ends.append(span.end_time_unix_nano)
        by_service.setdefault(f"svc-{i % 5}", []).append(span)
        logs.append(logs_pb2.LogRecord(
            time_unix_nano=start + 1, severity_number=9, severity_text="INFO",
            body=common_pb2.AnyValue(string_value=f"log line {i}"), trace_id=trace_id,
            span_id=span_id, attributes=[bench_gateway._kv("line", i)]))
    traces = trace_service_pb2.ExportTraceServiceRequest(resource_spans=[
        trace_pb2.ResourceSpans(resource=bench_gateway._resource(name),
                                scope_spans=[trace_pb2.ScopeSpans(spans=spans)])
        for name, spans in by_service.items()])
    log_request = logs_service_pb2.ExportLogsServiceRequest(resource_logs=[logs_pb2.ResourceLogs(
        resource=bench_gateway._resource("svc-0"), scope_logs=[logs_pb2.ScopeLogs(
            log_records=logs)])])
    return trace_id, traces, log_request


async def load(settings: Any, traces: Any, logs: Any) -> None:
    from ingest import pipeline

    pipe = await pipeline.Pipeline.start(settings)
    try:
        await pipe.export("traces", traces)
        await pipe.export("logs", logs)
    finally:
        await pipe.close()


async def measure(base: str, trace_id: str, n: int) -> None:
    variables = {"id": trace_id}
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for query in (PLAIN, ANALYSED):  # warm up both
            await bench_gateway.timed(client, query, variables, 5)
        samples: dict[str, list[float]] = {"plain": [], "analysed": []}
        statements: dict[str, int] = {}
        for _ in range(n):  # alternate, so that both see the same machine
            for name, query in (("plain", PLAIN), ("analysed", ANALYSED)):
                got, statements[name] = await bench_gateway.timed(client, query, variables, 1)
                samples[name] += got
    p50 = {name: statistics.median(s) for name, s in samples.items()}
    for name, label in (("plain", "without analysis"),
                        ("analysed", "with criticalPath + selfTimeMs + onCriticalPath")):
        print(f"500-span trace + 500 logs, {label}: p50 {p50[name]:.1f} ms, "
              f"p95 {bench_gateway.pct(samples[name], 95):.1f} ms "
              f"({statements[name]} SQL statements, {n} requests)")
    print(f"difference of the medians: {p50['analysed'] - p50['plain']:+.1f} ms  [target < 5]")


def in_process(traces: Any, n: int = 50) -> None:
    """The analysis of the trace's 500 rows alone (critical path and self times)."""
    from gateway.traces import analysis

    rows = [{"span_id": s.span_id, "parent_span_id": s.parent_span_id or None, "name": s.name,
             "start_time_unix_nano": s.start_time_unix_nano,
             "end_time_unix_nano": s.end_time_unix_nano, "status_code_id": s.status.code,
             "service_name": rs.resource.attributes[0].value.string_value}
            for rs in traces.resource_spans for ss in rs.scope_spans for s in ss.spans]
    rows.sort(key=lambda r: r["start_time_unix_nano"])
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        a = analysis.Analysis(rows, lambda r: r)
        a.critical_path, a.self_time_ns, a.on_critical_path  # noqa: B018
        samples.append((time.perf_counter() - started) * 1000)
    print(f"analysis of the 500 rows in process: p50 {statistics.median(samples):.2f} ms "
          f"({len(a.critical_path)} critical path segments)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("OLLYGRAPH_DATABASE_URL"))
    parser.add_argument("--iterations", type=int, default=200)
    args = parser.parse_args(argv)
    from ollygraph import migrate, settings
    from tests.conftest import drop_schema, new_schema_name

    trace_id, traces, logs = tree_trace(random.Random(17))
    in_process(traces)
    with contextlib.ExitStack() as stack:
        url = bench_gateway.database(stack, args.database_url)
        schema = new_schema_name("bench")
        migrate.upgrade(url, schema)
        stack.callback(drop_schema, url, schema)
        asyncio.run(load(settings.load(environ={}).replace(database_url=url, schema=schema),
                         traces, logs))
        with bench_gateway.gateway_process(url, schema) as base:
            asyncio.run(measure(base, trace_id.hex(), args.iterations))
    return 0


if __name__ == "__main__":
    sys.exit(main())
