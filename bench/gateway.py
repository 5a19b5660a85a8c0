"""Gateway benchmark: prints figures, asserts nothing.

    .venv/bin/python -m bench.gateway --database-url postgresql://... [--spans 1000000]
        [--logs 200000] [--keep-schema NAME [--reuse]] [--only TEXT] [--auth]

Loads data through the ingest Pipeline (OTLP protobuf requests, bulk) into a fresh
schema, then measures over HTTP against an `ollygraph gateway` process (one process, as
it runs in production), from sending a request to the last byte of its response (the
client parses the JSON after that):
  1. one 500-span trace with attributes and its logs (target p50 < 40 ms);
  2. trace searches with two attribute filters over --spans spans, selective and common
     ones (SEARCHES; the first has the target p95 < 50 ms);
  3. aggregations (TOP_K included), orderings (by duration, by a promoted and by a
     JSONB-stored attribute) and facets (ANALYTICS, after the rollup job has run once over
     the load; each line says whether the RED rollups or the spans answered);
  4. span and log searches (SPAN_SEARCHES, LOG_SEARCHES): a common filter with a range on
     a JSONB-stored key, log body search (--logs records with varied bodies);
  5. SQL statements per request of the standard queries.
`--only TEXT` measures only the cases whose name contains TEXT (case-insensitive).
`--auth` then fetches the 500-span trace from a second gateway with auth on, two tenants'
API keys alternating, in rounds interleaved with the gateway with auth off, and prints
both p50s and the overhead.
Without --database-url it runs an embedded PostgreSQL in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

import httpx
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.logs.v1 import logs_pb2
from opentelemetry.proto.resource.v1 import resource_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

BIG_TRACE = """query ($id: ID!) { trace(traceId: $id) {
  traceId durationMs spanCount
  spans { spanId parentSpanId name kind startTime durationMs status { code } attributes
          events { name attributes } }
  logs { time severityText body attributes spanId } } }"""
SEARCH = """query ($f: TraceFilter) { traces(filter: $f, first: 20) {
  nodes { traceId rootName durationMs spanCount } } }"""
# Attribute filters of the trace searches, over the loaded spans: http.route and
# http.status_code are promoted (typed tables), tenant.id and custom.weight are not (JSONB);
# the first is the design target. Shares are of spans; every trace has one span per route.
SEARCHES: dict[str, list[dict[str, Any]]] = {
    "2 attribute filters (route 10% + tenant.id 0.1%)": [
        {"key": "http.route", "value": "/api/v1/items/7"},
        {"key": "tenant.id", "value": "tenant-42"}],
    "status 500 20% + route 10% (both common)": [
        {"key": "http.status_code", "value": 500},
        {"key": "http.route", "value": "/api/v1/items/7"}],
    "route IN 2 routes + status NEQ 200": [
        {"key": "http.route", "op": "IN", "values": ["/api/v1/items/3", "/api/v1/items/4"]},
        {"key": "http.status_code", "op": "NEQ", "value": 200}],
    "tenant.id 0.1% + weight GT 0.5 (JSONB range)": [
        {"key": "tenant.id", "value": "tenant-42"},
        {"key": "custom.weight", "op": "GT", "value": 0.5}],
    "event step 10% + tenant.id 0.1%": [
        {"key": "step", "value": 0, "scope": "EVENT"},
        {"key": "tenant.id", "value": "tenant-42"}],
    "no such tenant + route 10%": [
        {"key": "tenant.id", "value": "tenant-none"},
        {"key": "http.route", "value": "/api/v1/items/7"}],
    "route 10% + weight GT 0.999 (rare, JSONB range)": [
        {"key": "http.route", "value": "/api/v1/items/7"},
        {"key": "custom.weight", "op": "GT", "value": 0.999}],
}
RED = ('{ spanStats(filter: {timeRange: {last: "24h"}}, groupBy: ["service", "name"], '
       'first: 1000, measures: [{op: COUNT}, {op: ERROR_RATE}, {op: P50}, {op: P95}, '
       '{op: P99}]) { source groupCount groups { key values } } }')
# (name, query, target p95 in ms) of the analytics part; the load has 10 services, so one
# service is 1/10 of the spans
ANALYTICS: list[tuple[str, str, int | None]] = [
    ("RED per service+operation over 24 h", RED, 50),
    ("RED per service+operation over 24 h, exact from the spans",
     RED.replace("first: 1000,", "first: 1000, exact: true,"), None),
    ("spanStats of one service by an unpromoted key (tenant.id)",
     '{ spanStats(filter: {timeRange: {last: "24h"}, service: "svc-1"}, groupBy: ["tenant.id"], '
     'measures: [{op: COUNT}, {op: P95}]) { source groupCount groups { key values } } }', 500),
    ("slowest 20 traces of a service over 24 h",
     '{ traces(filter: {timeRange: {last: "24h"}, rootService: "svc-3"}, orderBy: DURATION_DESC, '
     'first: 20) { nodes { traceId durationMs } } }', 50),
    ("slowest 20 traces of all over 24 h",
     '{ traces(filter: {timeRange: {last: "24h"}}, orderBy: DURATION_DESC, first: 20) '
     '{ nodes { traceId durationMs } } }', None),
    ("facets of 3 keys beside a span search (route 10% + tenant.id 0.1%)",
     '{ spans(first: 20, filter: {timeRange: {last: "24h"}, attributes: ['
     '{key: "http.route", value: "/api/v1/items/7"}, {key: "tenant.id", value: "tenant-42"}]}) '
     '{ nodes { name } facets(keys: ["service", "http.status_code", "custom.weight"]) '
     '{ key values { value count } missingCount } } }', 100),
    ("operations of a service", '{ operations(service: "svc-1") { name kind spanCount } }', None),
    ("top 5 tenant.id and http.route values per service over 24 h (TOP_K)",
     '{ spanStats(filter: {timeRange: {last: "24h"}}, groupBy: ["service"], measures: ['
     '{op: TOP_K, key: "tenant.id", k: 5}, {op: TOP_K, key: "http.route", k: 5}]) '
     '{ source groups { key top { value count } } } }', None),
    ("20 spans with the highest promoted number (http.status_code) over 24 h",
     '{ spans(first: 20, filter: {timeRange: {last: "24h"}}, '
     'orderByAttribute: {key: "http.status_code"}) { nodes { name } } }', None),
    ("20 spans of a service with the highest JSONB number (custom.weight) over 24 h",
     '{ spans(first: 20, filter: {timeRange: {last: "24h"}, service: "svc-1"}, '
     'orderByAttribute: {key: "custom.weight"}) { nodes { name } } }', None),
    ("attribute keys of spans", '{ attributeKeys(scope: SPAN) { key count valueTypes '
     '{ type count } } }', None),
    ("attribute keys of resources", '{ attributeKeys(scope: RESOURCE) { key promoted } }', None),
    ("attribute keys of events", '{ attributeKeys(scope: EVENT) { key promoted } }', None),
    ("attribute value counts of http.route over 24 h",
     '{ attributeValueCounts(scope: SPAN, key: "http.route", timeRange: {last: "24h"}) '
     '{ value count } }', None),
    ("attribute values of tenant.id (JSONB)",
     '{ attributeValues(scope: SPAN, key: "tenant.id") }', None),
    ("attribute keys of spans with distinct values and last seen",
     '{ attributeKeys(scope: SPAN) { key count distinctValues lastSeen } }', None),
]
SPAN_QUERY = """query ($f: SpanFilter) { spans(filter: $f, first: 20) { nodes { name } } }"""
LOG_QUERY = """query ($f: LogFilter) { logs(filter: $f, first: 20) { nodes { body } } }"""
# span searches mixing a common filter (one service: 10% of the spans) with a range on the
# JSONB-stored custom.weight (uniform in [0, 1))
SPAN_SEARCHES: dict[str, dict[str, Any]] = {
    "spans: service 10% + weight in [0.5, 0.5005) (JSONB range, 0.05%)": {
        "service": "svc-1", "attributes": [
            {"key": "custom.weight", "op": "GTE", "value": 0.5},
            {"key": "custom.weight", "op": "LT", "value": 0.5005}]},
    "spans: service 10% + weight GT 0.999 (JSONB range, 0.1%)": {
        "service": "svc-1", "attributes": [{"key": "custom.weight", "op": "GT", "value": 0.999}]},
    "spans: route 10% + weight LT 0.01 (JSONB range, 1%)": {
        "attributes": [{"key": "http.route", "value": "/api/v1/items/7"},
                       {"key": "custom.weight", "op": "LT", "value": 0.01}]},
}
# log searches over the --logs records (log_requests: one in 10,000 bodies has "timeout")
LOG_SEARCHES: dict[str, dict[str, Any]] = {
    "logs: bodyContains rare word (0.01%)": {"bodyContains": "timeout"},
    "logs: bodyMatch contains rare word (0.01%)": {"bodyMatch": {"contains": "timeout"}},
    "logs: bodyMatch prefix, rare": {"bodyMatch": {"prefix": "upstream timeout"}},
    "logs: bodyMatch regex, rare": {"bodyMatch": {"regex": "timeout after [0-9]+ ms"}},
    "logs: bodyMatch contains order id (1 record)": {"bodyMatch": {"contains": "order-4321 "}},
    "logs: service 10% + bodyMatch contains common word (10%)": {
        "service": "svc-1", "bodyMatch": {"contains": "payment"}},
}
STANDARD = {
    "trace list": ('{ traces(first: 20) { totalCount nodes { traceId rootName rootService '
                   'durationMs status semanticTypes } } }', {}),
    "trace with spans and logs": (BIG_TRACE, None),
    "span tree, 3 levels": ('query ($id: ID!) { trace(traceId: $id) { rootSpan { name '
                            'children(first: 50) { name attributes children(first: 50) { name '
                            'attributes logs(first: 10) { body } } } } } }', None),
    "span search with resource": ('{ spans(first: 50, filter: {rootOnly: true}) { nodes { name '
                                  'attributes resource { serviceName } scope { name } } } }', {}),
    "log search": ('{ logs(first: 100) { nodes { body attributes span { name } } } }', {}),
}


def _kv(key: str, value: Any) -> common_pb2.KeyValue:
    if isinstance(value, str):
        return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(string_value=value))
    if isinstance(value, float):
        return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(double_value=value))
    return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(int_value=value))


def _resource(service: str) -> resource_pb2.Resource:
    return resource_pb2.Resource(attributes=[_kv("service.name", service),
                                             _kv("deployment.environment", "bench")])


def _span(rng: random.Random, trace_id: bytes, span_id: bytes, parent: bytes, start: int,
          i: int) -> trace_pb2.Span:
    return trace_pb2.Span(
        trace_id=trace_id, span_id=span_id, parent_span_id=parent, name=f"op-{i % 20}",
        kind=trace_pb2.Span.SPAN_KIND_SERVER if not parent else trace_pb2.Span.SPAN_KIND_CLIENT,
        start_time_unix_nano=start, end_time_unix_nano=start + rng.randint(10_000, 5_000_000),
        attributes=[_kv("http.route", f"/api/v1/items/{i % 50}"),
                    _kv("http.status_code", rng.choice((200, 200, 200, 404, 500))),
                    _kv("tenant.id", f"tenant-{rng.randint(0, 999)}"),
                    _kv("custom.weight", rng.random())],
        events=[trace_pb2.Span.Event(time_unix_nano=start + 1, name="checkpoint",
                                     attributes=[_kv("step", i)])] if i % 10 == 0 else [])


def trace_requests(total: int, per_trace: int, batch: int, seed: int = 7):
    """Requests of `total` spans in traces of `per_trace` spans, one service per 10 traces."""
    rng = random.Random(seed)
    now = time.time_ns() - 3_600_000_000_000
    spans: dict[str, list[Any]] = {}
    done, t, pending = 0, 0, 0
    while done < total:
        trace_id = rng.randbytes(16)
        root = rng.randbytes(8)
        start = now + t * 1_000_000
        service = spans.setdefault(f"svc-{t % 10}", [])
        for i in range(min(per_trace, total - done)):
            span_id = root if i == 0 else rng.randbytes(8)
            service.append(_span(rng, trace_id, span_id, b"" if i == 0 else root,
                                 start + i * 100, i))
        pending += min(per_trace, total - done)
        done += min(per_trace, total - done)
        t += 1
        if pending >= batch or done >= total:
            yield trace_service_pb2.ExportTraceServiceRequest(resource_spans=[
                trace_pb2.ResourceSpans(resource=_resource(name), scope_spans=[
                    trace_pb2.ScopeSpans(scope=common_pb2.InstrumentationScope(name="bench"),
                                         spans=group)]) for name, group in spans.items()])
            spans, pending = {}, 0


def log_requests(total: int, batch: int, seed: int = 9):
    """Requests of `total` log records of 10 services over the last hour; bodies vary (an
    order id each), one in 10 mentions a payment, one in 10,000 an upstream timeout."""
    rng = random.Random(seed)
    now = time.time_ns() - 3_600_000_000_000
    records: list[Any] = []
    for i in range(total):
        if i % 10_000 == 5:
            body = f"upstream timeout after {rng.randint(100, 999)} ms for order-{i} "
        elif i % 10 == 3:
            body = f"payment accepted for order-{i} amount {rng.randint(1, 500)}.00"
        else:
            body = f"GET /api/v1/items/{i % 50} order-{i} served in {rng.randint(1, 90)} ms"
        records.append(logs_pb2.LogRecord(
            time_unix_nano=now + i * 10_000, severity_number=9, severity_text="INFO",
            body=common_pb2.AnyValue(string_value=body),
            attributes=[_kv("log.logger", "bench"), _kv("line", i)]))
        if len(records) >= batch or i == total - 1:
            yield logs_service_pb2.ExportLogsServiceRequest(resource_logs=[
                logs_pb2.ResourceLogs(resource=_resource(f"svc-{(i // batch) % 10}"),
                                      scope_logs=[logs_pb2.ScopeLogs(log_records=records)])])
            records = []


def big_trace(rng: random.Random) -> tuple[bytes, Any, Any]:
    trace_id, root = rng.randbytes(16), rng.randbytes(8)
    start = time.time_ns() - 600_000_000_000
    spans, logs = [], []
    for i in range(500):
        span_id = root if i == 0 else rng.randbytes(8)
        spans.append(_span(rng, trace_id, span_id, b"" if i == 0 else root, start + i * 1000, i))
        logs.append(logs_pb2.LogRecord(
            time_unix_nano=start + i * 1000 + 1, severity_number=9, severity_text="INFO",
            body=common_pb2.AnyValue(string_value=f"log line {i}"), trace_id=trace_id,
            span_id=span_id, attributes=[_kv("log.logger", "bench"), _kv("line", i)]))
    traces = trace_service_pb2.ExportTraceServiceRequest(resource_spans=[trace_pb2.ResourceSpans(
        resource=_resource("big"), scope_spans=[trace_pb2.ScopeSpans(spans=spans)])])
    log_request = logs_service_pb2.ExportLogsServiceRequest(resource_logs=[logs_pb2.ResourceLogs(
        resource=_resource("big"), scope_logs=[logs_pb2.ScopeLogs(log_records=logs)])])
    return trace_id, traces, log_request


async def load(settings: Any, spans: int, logs: int = 0) -> str:
    from ingest import pipeline

    pipe = await pipeline.Pipeline.start(settings)
    try:
        started = time.perf_counter()
        pending: list[asyncio.Task[Any]] = []
        for request in trace_requests(spans, per_trace=10, batch=5000):
            pending.append(asyncio.create_task(pipe.export("traces", request)))
            if len(pending) >= 4:
                await pending.pop(0)
        await asyncio.gather(*pending)
        elapsed = time.perf_counter() - started
        print(f"loaded {spans} spans in {elapsed:.1f} s ({spans / elapsed:,.0f} spans/s)")
        started, pending = time.perf_counter(), []
        for request in log_requests(logs, batch=1000):
            pending.append(asyncio.create_task(pipe.export("logs", request)))
            if len(pending) >= 4:
                await pending.pop(0)
        await asyncio.gather(*pending)
        if logs:
            elapsed = time.perf_counter() - started
            print(f"loaded {logs} logs in {elapsed:.1f} s ({logs / elapsed:,.0f} logs/s)")
        trace_id, traces, logs = big_trace(random.Random(11))
        await pipe.export("traces", traces)
        await pipe.export("logs", logs)
    finally:
        await pipe.close()
    return trace_id.hex()


async def timed(client: httpx.AsyncClient, query: str, variables: dict[str, Any],
                n: int) -> tuple[list[float], int]:
    samples, statements = [], 0
    for _ in range(n):
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": query, "variables": variables})
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise SystemExit(f"query failed: {body['errors']}")
        statements = body["extensions"]["sqlStatements"]
    return samples, statements


async def found_traces(client: httpx.AsyncClient, flt: dict[str, Any]) -> str:
    """How many traces match, up to 100 (a count of all can take a scan of all traces)."""
    query = ("query ($f: TraceFilter) { traces(filter: $f, first: 100) { "
             "nodes { traceId } pageInfo { hasNextPage } } }")
    response = await client.post("/graphql", json={"query": query, "variables": {"f": flt}})
    traces = response.json()["data"]["traces"]
    return f"{len(traces['nodes'])}{'+' if traces['pageInfo']['hasNextPage'] else ''}"


def pct(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100)[int(q) - 1] if len(samples) > 1 else samples[0]


@contextlib.contextmanager
def gateway_process(url: str, schema: str, **changes: Any):
    """`ollygraph gateway` on a free port (`changes`: more settings); yields its base URL."""
    from bench.ingest import free_port
    from ollygraph import settings

    port = free_port()
    cfg = settings.load(environ={}).replace(database_url=url, schema=schema, host="127.0.0.1",
                                            gateway_port=port, log_level="WARNING", **changes)
    proc = subprocess.Popen([sys.executable, "-m", "ollygraph", "gateway"],
                            env={**os.environ, **cfg.to_env()})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the gateway did not start")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(30)


async def auth_overhead(url: str, schema: str, trace_id: str, n: int,
                        rounds: int = 5) -> None:
    """The 500-span trace from a gateway with auth off and one with auth on (two tenants'
    keys alternating), in interleaved rounds of n requests each."""
    import tempfile

    from ollygraph.auth import keys

    made = [keys.new_key()[1] for _ in range(2)]
    path = os.path.join(tempfile.mkdtemp(prefix="ollygraph-bench-keys-"), "keys")
    with open(path, "w") as f:
        f.writelines(f"{key} tenant-{i} query\n" for i, key in enumerate(made))
    from pathlib import Path

    with gateway_process(url, schema) as off, \
            gateway_process(url, schema, auth=True, api_keys_file=Path(path)) as on:
        clients = {"off": [httpx.AsyncClient(base_url=off, timeout=60)],
                   "on": [httpx.AsyncClient(base_url=on, timeout=60,
                                            headers={"authorization": f"Bearer {key}"})
                          for key in made]}
        samples: dict[str, list[float]] = {"off": [], "on": []}
        for group in clients.values():  # warm up
            for client in group:
                await timed(client, BIG_TRACE, {"id": trace_id}, 3)
        for _ in range(rounds):
            for name, group in clients.items():
                for i in range(n):
                    got, _ = await timed(group[i % len(group)], BIG_TRACE, {"id": trace_id}, 1)
                    samples[name] += got
        for group in clients.values():
            for client in group:
                await client.aclose()
    p50 = {name: pct(values, 50) for name, values in samples.items()}
    print(f"500-span trace + 500 logs, auth off: p50 {p50['off']:.1f} ms, p95 "
          f"{pct(samples['off'], 95):.1f} ms; auth on (2 tenants' keys): p50 "
          f"{p50['on']:.1f} ms, p95 {pct(samples['on'], 95):.1f} ms; overhead at p50 "
          f"{p50['on'] / p50['off'] - 1:+.1%}  [target < 5%]")


def chosen(name: str, only: str | None) -> bool:
    return only is None or only.lower() in name.lower()


async def measure(base: str, trace_id: str, n: int, only: str | None = None) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        if chosen("500-span trace", only):
            await timed(client, BIG_TRACE, {"id": trace_id}, 3)
            samples, statements = await timed(client, BIG_TRACE, {"id": trace_id}, n)
            print(f"500-span trace + 500 logs: p50 {pct(samples, 50):.1f} ms, p95 "
                  f"{pct(samples, 95):.1f} ms ({statements} SQL statements)  [target p50 < 40]")
        for i, (name, attributes) in enumerate(SEARCHES.items()):
            if not chosen(f"trace search, {name}", only):
                continue
            flt = {"timeRange": {"last": "7d"}, "attributes": attributes}
            await timed(client, SEARCH, {"f": flt}, 3)
            samples, statements = await timed(client, SEARCH, {"f": flt}, n)
            found = await found_traces(client, flt)
            print(f"trace search, {name}: p50 {pct(samples, 50):.1f} ms, "
                  f"p95 {pct(samples, 95):.1f} ms ({statements} SQL statements, {found} traces)"
                  + ("  [target p95 < 50]" if i == 0 else ""))
        for name, query, target in ANALYTICS:
            if not chosen(name, only):
                continue
            await timed(client, query, {}, 3)
            samples, statements = await timed(client, query, {}, n)
            data = (await client.post("/graphql", json={"query": query})).json()["data"]
            answer = next(iter(data.values()))
            source = f", from {answer['source']}" if isinstance(answer, dict) and \
                "source" in answer else ""
            print(f"{name}: p50 {pct(samples, 50):.1f} ms, p95 {pct(samples, 95):.1f} ms "
                  f"({statements} SQL statements{source})"
                  + (f"  [target p95 < {target}]" if target else ""))
        searches = [(name, SPAN_QUERY, flt, "spans", 50) for name, flt in SPAN_SEARCHES.items()]
        searches += [(name, LOG_QUERY, flt, "logs", 50) for name, flt in LOG_SEARCHES.items()]
        for name, query, flt, field, target in searches:
            if not chosen(name, only):
                continue
            await timed(client, query, {"f": flt}, 3)
            samples, statements = await timed(client, query, {"f": flt}, n)
            data = (await client.post("/graphql", json={"query": query, "variables": {
                "f": flt}})).json()["data"]
            print(f"{name}: p50 {pct(samples, 50):.1f} ms, p95 {pct(samples, 95):.1f} ms "
                  f"({statements} SQL statements, {len(data[field]['nodes'])} of first 20)"
                  f"  [target p95 < {target}]")
        if only is not None:
            return
        print("SQL statements per request:")
        for name, (query, variables) in STANDARD.items():
            _, statements = await timed(client, query, variables or {"id": trace_id}, 1)
            print(f"  {name:<28} {statements}")



def database(stack: contextlib.ExitStack, url: str | None) -> str:
    """`url`, or a temporary embedded PostgreSQL's, stopped when `stack` closes."""
    if url:
        return url
    from ollygraph.embedded import EmbeddedPostgres

    return stack.enter_context(EmbeddedPostgres(stack.enter_context(tempfile.TemporaryDirectory())))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("OLLYGRAPH_DATABASE_URL"))
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--logs", type=int, default=200_000)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--only", default=None,
                        help="measure only the cases whose name contains this text")
    parser.add_argument("--keep-schema", default=None,
                        help="load into this schema and keep it (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep-schema: measure the data already loaded there "
                             "(loaded by an earlier run with the same --spans) without reloading")
    parser.add_argument("--auth", action="store_true",
                        help="also the 500-span trace with auth on against auth off")
    args = parser.parse_args(argv)
    from ollygraph import migrate, settings
    from tests.conftest import drop_schema, new_schema_name

    with contextlib.ExitStack() as stack:
        url = database(stack, args.database_url)
        schema = args.keep_schema or new_schema_name("bench")
        if args.reuse and not args.keep_schema:
            parser.error("--reuse needs --keep-schema")
        if args.reuse and loaded_spans(url, schema) >= args.spans:
            trace_id = big_trace(random.Random(11))[0].hex()
            print(f"reusing the spans loaded in schema {schema}")
        else:
            migrate.upgrade(url, schema)
            if not args.keep_schema:
                stack.callback(drop_schema, url, schema)
            cfg = settings.load(environ={}).replace(database_url=url, schema=schema)
            trace_id = asyncio.run(load(cfg, args.spans, args.logs))
            asyncio.run(roll_up(url, schema))
            with psycopg_analyze(url, schema):
                pass
        with gateway_process(url, schema) as base:
            asyncio.run(measure(base, trace_id, args.iterations, args.only))
        if args.auth:
            asyncio.run(auth_overhead(url, schema, trace_id, args.iterations))
    return 0


async def roll_up(url: str, schema: str) -> None:
    """Run the rollup job once over the load, as ingest does every 15 s."""
    import asyncpg

    from ollygraph import rollups

    conn = await asyncpg.connect(url, server_settings={"search_path": schema})
    try:
        started = time.perf_counter()
        minutes = await rollups.roll(conn, time.time_ns())
        elapsed = time.perf_counter() - started
        spans = await conn.fetchval("SELECT count(*) FROM otel_spans_fact")
        print(f"rolled up {minutes} minutes in {elapsed:.1f} s "
              f"({elapsed * 100_000 / max(spans, 1):.2f} s per 100k spans)")
        await key_registry_cost(conn, spans)
    finally:
        await conn.close()


async def key_registry_cost(conn: Any, spans: int) -> None:
    """The attribute key registry's share of the job: its minutes computed again."""
    from ollygraph import key_registry

    state = await conn.fetchrow("SELECT rolled_from, rolled FROM otel_span_rollup_state")
    started = time.perf_counter()
    async with conn.transaction():
        await key_registry.roll_minutes(conn, state["rolled_from"], state["rolled"])
    elapsed = time.perf_counter() - started
    print(f"attribute key registry of the rolled minutes: {elapsed:.2f} s "
          f"({elapsed * 100_000 / max(spans, 1):.2f} s per 100k spans)")


@contextlib.contextmanager
def psycopg_analyze(url: str, schema: str):
    """ANALYZE the loaded tables so the planner sees the data, as autovacuum would."""
    import psycopg

    with psycopg.connect(migrate_url(url), autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        conn.execute("ANALYZE")
    yield


def loaded_spans(url: str, schema: str) -> int:
    """Spans of the load (the 500-span trace aside) in `schema`; 0 when there is none."""
    import psycopg

    with psycopg.connect(migrate_url(url), autocommit=True) as conn:
        found = conn.execute("SELECT to_regclass(%s)", (f'"{schema}".otel_spans_fact',)).fetchone()
        if found[0] is None:
            return 0
        (count,) = conn.execute(f'SELECT count(*) FROM "{schema}".otel_spans_fact').fetchone()
    return count - 500


def migrate_url(url: str) -> str:
    from ollygraph import migrate

    return migrate.libpq_url(url)


if __name__ == "__main__":
    sys.exit(main())
