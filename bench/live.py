"""Live subscription benchmark: prints figures, asserts nothing.

    .venv/bin/python -m bench.live --database-url postgresql://... [--subscribers 100]
        [--exports 100] [--spans-per-export 100] [--rate 20]

Starts `ollygraph ingest` and `ollygraph gateway` on a fresh schema, opens --subscribers
websocket subscriptions with mixed filters (every span; one service; errors only; an
attribute value), then sends --exports OTLP/gRPC requests at --rate per second. Prints,
over every (subscriber, span) delivery, the latency p50/p99 from the export's answer
(after the commit: a lower bound of commit -> subscriber) and from its sending (an upper
bound), the spans delivered against those expected, the ingest rate of the same load
without and with the subscribers, and the gateway's CPU seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from typing import Any

import grpc
import httpx
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.resource.v1 import resource_pb2
from opentelemetry.proto.trace.v1 import trace_pb2
from websockets.asyncio.client import connect

from tests.conftest import drop_schema

SERVICES = ("checkout", "cart", "payments", "search")
QUERY = "subscription ($f: SpanFilter) { spans(filter: $f) { cursor nodes { name } } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def filters(n: int) -> list[tuple[dict[str, Any] | None, Any]]:
    """(SpanFilter, which spans it matches: (service, error, tier) -> bool), mixed."""
    kinds = [
        (None, lambda s, e, t: True),
        *[({"service": svc}, lambda s, e, t, svc=svc: s == svc) for svc in SERVICES],
        ({"status": "ERROR"}, lambda s, e, t: e),
        ({"attributes": [{"key": "tier", "value": "gold"}]}, lambda s, e, t: t == "gold"),
    ]
    return [kinds[i % len(kinds)] for i in range(n)]


def request(
    k: int, spans: int, run: str = ""
) -> tuple[trace_service_pb2.ExportTraceServiceRequest, list]:
    service = SERVICES[k % len(SERVICES)]
    now = time.time_ns()
    out, facts = [], []
    for i in range(spans):
        error, tier = i % 10 == 0, "gold" if i % 3 == 0 else "silver"
        out.append(
            trace_pb2.Span(
                trace_id=uuid.uuid4().bytes,
                span_id=os.urandom(8),
                name=f"{run}{k} {i}",
                start_time_unix_nano=now - 1_000_000,
                end_time_unix_nano=now,
                status=trace_pb2.Status(code=2 if error else 1),
                attributes=[
                    common_pb2.KeyValue(key="tier", value=common_pb2.AnyValue(string_value=tier))
                ],
            )
        )
        facts.append((service, error, tier))
    resource = resource_pb2.Resource(
        attributes=[
            common_pb2.KeyValue(key="service.name", value=common_pb2.AnyValue(string_value=service))
        ]
    )
    return trace_service_pb2.ExportTraceServiceRequest(
        resource_spans=[
            trace_pb2.ResourceSpans(
                resource=resource, scope_spans=[trace_pb2.ScopeSpans(spans=out)]
            )
        ]
    ), facts


async def send(
    target: str,
    exports: int,
    spans: int,
    rate: float,
    sent: dict[int, tuple[float, float]],
    run: str = "warm ",
) -> float:
    """Sends at `rate` per second; records (sent, answered) per export; returns seconds."""
    async with grpc.aio.insecure_channel(target) as channel:
        stub = trace_service_pb2_grpc.TraceServiceStub(channel)
        started = time.perf_counter()
        pending = []
        for k in range(exports):
            body, _ = request(k, spans, run)

            async def one(k: int = k, body: Any = body) -> None:
                t0 = time.perf_counter()
                await stub.Export(body, timeout=60)
                sent[k] = (t0, time.perf_counter())

            pending.append(asyncio.create_task(one()))
            await asyncio.sleep(max(0.0, started + (k + 1) / rate - time.perf_counter()))
        await asyncio.gather(*pending)
        return time.perf_counter() - started


async def subscriber(
    url: str,
    flt: dict[str, Any] | None,
    ready: asyncio.Event,
    received: list[tuple[int, float]],
    stop: asyncio.Event,
    nodes: list[float],
) -> None:
    async with connect(url, subprotocols=["graphql-transport-ws"], max_size=None) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        await ws.recv()
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": QUERY, "variables": {"f": flt}},
                }
            )
        )
        await ws.recv()  # the first, empty batch: subscribed
        ready.set()
        while not stop.is_set():
            try:
                m = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
            except TimeoutError:
                continue
            now = time.perf_counter()
            if m["type"] != "next":
                print("subscription ended:", m)
                return
            nodes[0] += len(m["payload"]["data"]["spans"]["nodes"])
            nodes[1] = now
            for node in m["payload"]["data"]["spans"]["nodes"]:
                if node["name"].startswith("paced "):
                    received.append((int(node["name"].split()[1]), now))


async def drained(counts: list[list[float]], limit: float = 60) -> float:
    """Waits until deliveries stop for 2 s (at most `limit` s); returns the seconds from
    the call to the last delivery."""
    waited, count = time.perf_counter(), -1.0
    while count != sum(c[0] for c in counts) and time.perf_counter() - waited < limit:
        count = sum(c[0] for c in counts)
        await asyncio.sleep(2)
    return max(0.0, max(c[1] for c in counts) - waited)


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


async def run(
    args: argparse.Namespace,
    env: dict[str, str],
    grpc_port: int,
    gateway_port: int,
    gateway_pid: int,
) -> None:
    target = f"127.0.0.1:{grpc_port}"
    await send(target, 10, args.spans_per_export, 1e9, {})  # warm up
    alone = await send(target, args.exports, args.spans_per_export, 1e9, {})
    print(
        f"ingest without subscribers: {args.exports * args.spans_per_export / alone:,.0f} "
        "spans/s (as fast as it takes them)"
    )
    url = f"ws://127.0.0.1:{gateway_port}/graphql"
    chosen = filters(args.subscribers)
    received: list[list[tuple[int, float]]] = [[] for _ in chosen]
    stop = asyncio.Event()
    readies = [asyncio.Event() for _ in chosen]
    counts = [[0.0, 0.0] for _ in chosen]  # nodes each subscriber received, when the last
    tasks = [
        asyncio.create_task(subscriber(url, f, r, got, stop, n))
        for (f, _), r, got, n in zip(chosen, readies, received, counts, strict=True)
    ]
    await asyncio.gather(*(r.wait() for r in readies))
    with_subs = await send(target, args.exports, args.spans_per_export, 1e9, {})
    print(
        f"ingest with {args.subscribers} subscribers: "
        f"{args.exports * args.spans_per_export / with_subs:,.0f} spans/s"
    )
    # the paced run starts once the subscribers got all of that burst (else its first
    # exports wait behind the burst's deliveries)
    print(f"the last of that burst reached its subscriber {await drained(counts):.2f} s after it")
    cpu0 = cpu_seconds(gateway_pid)
    sent: dict[int, tuple[float, float]] = {}
    own0 = time.process_time()
    took = await send(target, args.exports, args.spans_per_export, args.rate, sent, "paced ")
    drain = await drained(counts) + 2
    stop.set()
    await asyncio.gather(*tasks)
    cpu, own = cpu_seconds(gateway_pid) - cpu0, time.process_time() - own0
    expected = 0
    for _, match in chosen:
        expected += sum(
            match(*f) for k in range(args.exports) for f in request(k, args.spans_per_export)[1]
        )
    from_answer = [t - sent[k][1] for got in received for k, t in got]
    from_send = [t - sent[k][0] for got in received for k, t in got]
    print(
        f"paced load: {args.exports} exports x {args.spans_per_export} spans at "
        f"{args.rate}/s over {took:.1f}s, {args.subscribers} subscribers"
    )
    print(f"delivered {len(from_answer):,} of {expected:,} expected (subscriber, span) pairs")
    if from_answer:
        print(
            f"latency from the export's answer (>= commit): p50 {pct(from_answer, 50) * 1000:.0f} "
            f"ms, p99 {pct(from_answer, 99) * 1000:.0f} ms"
        )
        print(
            f"latency from sending the export: p50 {pct(from_send, 50) * 1000:.0f} ms, "
            f"p99 {pct(from_send, 99) * 1000:.0f} ms"
        )
    print(
        f"CPU during the paced load: gateway {cpu:.1f} s, this client {own:.1f} s, over "
        f"{took + drain:.1f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("OLLYGRAPH_DATABASE_URL"),
        required=not os.environ.get("OLLYGRAPH_DATABASE_URL"),
    )
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--exports", type=int, default=100)
    parser.add_argument("--spans-per-export", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20.0, help="exports per second")
    args = parser.parse_args(argv)
    schema = f"bench_live_{uuid.uuid4().hex[:8]}"
    grpc_port, http_port, gateway_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "OLLYGRAPH_DATABASE_URL": args.database_url,
        "OLLYGRAPH_SCHEMA": schema,
        "OLLYGRAPH_HOST": "127.0.0.1",
        "OLLYGRAPH_GRPC_PORT": str(grpc_port),
        "OLLYGRAPH_HTTP_PORT": str(http_port),
        "OLLYGRAPH_GATEWAY_PORT": str(gateway_port),
        "OLLYGRAPH_LOG_LEVEL": "WARNING",
        "OLLYGRAPH_LIVE_MAX_PER_CONNECTION": "1",
        "OLLYGRAPH_LIVE_MAX_SUBSCRIPTIONS": str(max(args.subscribers, 1)),
    }
    subprocess.run(
        [sys.executable, "-m", "ollygraph", "migrate"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    procs = [
        subprocess.Popen([sys.executable, "-m", "ollygraph", name], env=env)
        for name in ("ingest", "gateway")
    ]
    try:
        for url in (f"http://127.0.0.1:{http_port}/", f"http://127.0.0.1:{gateway_port}/healthz"):
            for _ in range(300):
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(url, timeout=1).status_code < 500:
                        break
                time.sleep(0.2)
        asyncio.run(run(args, env, grpc_port, gateway_port, procs[1].pid))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        drop_schema(args.database_url, schema)
    return 0


if __name__ == "__main__":
    sys.exit(main())
