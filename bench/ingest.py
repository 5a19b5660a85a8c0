"""Ingest throughput: end-to-end spans/s against the raw COPY rate of the same rows.

    .venv/bin/python bench/ingest.py [--mode grpc|pipeline|both] [--spans 200000]
                                     [--database-url URL] [--logs N] [--points N]
                                     [--workers N] [--repeat N] [--auth]

`grpc` starts `ollygraph ingest` as its own process and sends prebuilt OTLP requests
from this one over gRPC, timing until the exports are answered and every span is
counted in the database. `pipeline` calls `Pipeline.export` in this process. The raw
COPY rate is the same flattened rows copied into a scratch schema with no ingest
work around it. With --repeat, the raw COPY and the modes run in rounds and the medians
are printed last. With --auth, gRPC runs twice in each round: auth off, then auth on
with two tenants' API keys (from a keys file) alternating over the senders; the
overhead is the rate lost against auth off of the same round. Prints figures only;
nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's directory comes first on sys.path and its name would
# hide the `ingest` package: put the repository root there instead.
sys.path[0] = str(Path(__file__).resolve().parents[1])

import asyncpg  # noqa: E402
import grpc  # noqa: E402
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2  # noqa: E402
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2  # noqa: E402
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2  # noqa: E402
from opentelemetry.proto.common.v1 import common_pb2  # noqa: E402
from opentelemetry.proto.logs.v1 import logs_pb2  # noqa: E402
from opentelemetry.proto.metrics.v1 import metrics_pb2  # noqa: E402
from opentelemetry.proto.trace.v1 import trace_pb2  # noqa: E402

from ingest import pipeline, signals  # noqa: E402
from ollygraph import db, migrate, settings  # noqa: E402
from ollygraph.auth import keys as auth_keys  # noqa: E402

ROUTES = ["/api/cart", "/api/checkout", "/api/items/{id}", "/login", "/search"]


def kv(key: str, value: object) -> common_pb2.KeyValue:
    if isinstance(value, bool):
        v = common_pb2.AnyValue(bool_value=value)
    elif isinstance(value, int):
        v = common_pb2.AnyValue(int_value=value)
    elif isinstance(value, float):
        v = common_pb2.AnyValue(double_value=value)
    elif isinstance(value, list):
        v = common_pb2.AnyValue(array_value=common_pb2.ArrayValue(
            values=[common_pb2.AnyValue(string_value=x) for x in value]))
    else:
        v = common_pb2.AnyValue(string_value=str(value))
    return common_pb2.KeyValue(key=key, value=v)


def resource_of(i: int) -> dict:
    return {"attributes": [kv("service.name", f"svc-{i % 5}"), kv("host.name", f"host-{i % 3}"),
                           kv("telemetry.sdk.language", "python")]}


def span_requests(total: int, per_request: int) -> list:
    """~10 attributes per span (mixed types, ~1/3 promoted), an event on every 4th span."""
    rnd, base, out = random.Random(1), time.time_ns(), []
    for r in range(0, total, per_request):
        spans = []
        for i in range(r, min(total, r + per_request)):
            if i % 10 == 0:
                trace_id, parent = rnd.randbytes(16), b""
            span_id = rnd.randbytes(8)
            start = base + i * 1000
            attrs = [kv("http.method", rnd.choice(["GET", "POST"])),
                     kv("http.route", rnd.choice(ROUTES)), kv("http.status_code", 200),
                     kv("user.id", f"user-{rnd.randrange(10_000)}"), kv("retry.count", i % 3),
                     kv("cache.hit", i % 2 == 0), kv("payload.ratio", rnd.random()),
                     kv("tags", ["a", "b"]), kv("net.peer.name", "db.internal"),
                     kv("request.id", rnd.randbytes(6).hex())]
            events = ([trace_pb2.Span.Event(time_unix_nano=start + 10, name="cache.lookup",
                                            attributes=[kv("key", "k1"), kv("hit", True)])]
                      if i % 4 == 0 else [])
            spans.append(trace_pb2.Span(
                trace_id=trace_id, span_id=span_id, parent_span_id=parent, name="GET /api",
                kind=2 if not parent else 3, start_time_unix_nano=start,
                end_time_unix_nano=start + 5_000_000, attributes=attrs, events=events,
                status={"code": 2 if i % 50 == 0 else 0}))
            parent = span_id
        out.append(trace_service_pb2.ExportTraceServiceRequest(resource_spans=[{
            "resource": resource_of(r // per_request), "scope_spans": [
                {"scope": {"name": "bench", "version": "1"}, "spans": spans}]}]))
    return out


def log_requests(total: int, per_request: int) -> list[logs_service_pb2.ExportLogsServiceRequest]:
    base, out = time.time_ns(), []
    for r in range(0, total, per_request):
        records = [logs_pb2.LogRecord(
            time_unix_nano=base + i, observed_time_unix_nano=base + i, severity_number=9,
            severity_text="INFO", body=common_pb2.AnyValue(string_value=f"request {i} done"),
            attributes=[kv("log.logger", "app"), kv("user.id", f"u{i % 100}"), kv("n", i)],
            trace_id=os.urandom(16), span_id=os.urandom(8))
            for i in range(r, min(total, r + per_request))]
        out.append(logs_service_pb2.ExportLogsServiceRequest(resource_logs=[{
            "resource": resource_of(r), "scope_logs": [{"scope": {"name": "bench"},
                                                    "log_records": records}]}]))
    return out


def metric_requests(total: int, per_request: int) -> list:
    base, out = time.time_ns(), []
    for r in range(0, total, per_request):
        n = min(total, r + per_request) - r
        points = [metrics_pb2.NumberDataPoint(
            time_unix_nano=base + r + i, start_time_unix_nano=base, as_double=i * 0.5,
            attributes=[kv("method", "GET"), kv("endpoint", f"/e{i % 20}")]) for i in range(n)]
        out.append(metrics_service_pb2.ExportMetricsServiceRequest(resource_metrics=[{
            "resource": resource_of(0), "scope_metrics": [{"scope": {"name": "bench"}, "metrics": [
                {"name": "http.server.requests", "unit": "1",
                 "sum": {"data_points": points, "aggregation_temporality": 2,
                         "is_monotonic": True}}]}]}]))
    return out


def cpu_seconds(pids: list[int]) -> float | None:
    """CPU time (user + system) of local processes so far; None when one is not visible."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def per_item_us(before: float | None, after: float | None, items: int) -> str:
    return "n/a" if before is None or after is None else f"{(after - before) / items * 1e6:.0f}us"


async def raw_copy_rate(cfg: settings.Settings, requests: list,
                        signal: str) -> tuple[float, str]:
    """Items/s of COPYing the flattened rows of `requests` alone (flattening not timed),
    and the PostgreSQL CPU per item."""
    pipe = await pipeline.Pipeline.start(cfg)
    flow = pipe.flows[signal]
    batches = [(await pipe.rows(signal, req))[0] for req in requests]
    await pipe.close()
    conn = await asyncpg.connect(migrate.libpq_url(cfg.database_url),
                                 server_settings={"search_path": cfg.schema})
    items = sum(b.items for b in batches)
    pids = [conn.get_server_pid()]
    cpu_before = cpu_seconds(pids)
    start = time.perf_counter()
    for i in range(0, len(batches), 40):
        chunk = batches[i:i + 40]
        async with conn.transaction():
            for table in flow.tables:
                rows = [r for b in chunk for r in b.rows[table.name]]
                if rows:
                    await conn.copy_records_to_table(table.name, records=rows,
                                                     columns=table.columns)
    elapsed = time.perf_counter() - start
    cpu = per_item_us(cpu_before, cpu_seconds(pids), items)
    await conn.close()
    return items / elapsed, cpu


async def via_pipeline(cfg: settings.Settings, requests: list, signal: str,
                       concurrency: int, items: int) -> tuple[float, str]:
    """Seconds until every export returned (committed), and the CPU per item spent by
    this process and by its PostgreSQL backends."""
    pipe = await pipeline.Pipeline.start(cfg)
    held = [await pipe.pool.acquire() for _ in range(pipe.pool.get_max_size())]
    pids = [c.get_server_pid() for c in held]
    for c in held:
        await pipe.pool.release(c)
    queue = list(reversed(requests))

    async def worker() -> None:
        while queue:
            await pipe.export(signal, queue.pop())

    own, backends = own_cpu_seconds(), cpu_seconds(pids)
    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    cpu = (f"python {per_item_us(own, own_cpu_seconds(), items)}, "
           f"postgres {per_item_us(backends, cpu_seconds(pids), items)}")
    await pipe.close()
    return elapsed, cpu


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def ingest_process(cfg: settings.Settings):
    grpc_port, http_port = free_port(), free_port()
    env = {**os.environ, **cfg.replace(grpc_port=grpc_port, http_port=http_port,
                                       host="127.0.0.1", log_level="WARNING").to_env()}
    proc = subprocess.Popen([sys.executable, "-m", "ollygraph", "ingest"], env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), \
                    socket.create_connection(("127.0.0.1", grpc_port), 1):
                break
            time.sleep(0.2)
        yield f"127.0.0.1:{grpc_port}", proc.pid
    finally:
        proc.terminate()
        proc.wait(30)


async def via_grpc(target: str, requests: list, signal: str, concurrency: int,
                   connections: int, keys: list[str] = ()) -> float:
    spec = signals.BY_NAME[signal]
    payloads = [r.SerializeToString() for r in requests]
    async with contextlib.AsyncExitStack() as stack:
        calls = []
        for _ in range(connections):  # a connection each, as separate exporters would have
            channel = await stack.enter_async_context(grpc.aio.insecure_channel(target, options=[
                ("grpc.max_send_message_length", 64 << 20),
                ("grpc.use_local_subchannel_pool", 1)]))
            calls.append(channel.unary_unary(spec.grpc_method, request_serializer=lambda b: b,
                                             response_deserializer=spec.response.FromString))
        queue = list(reversed(payloads))

        async def worker(call, key: str | None) -> None:
            metadata = (("authorization", f"Bearer {key}"),) if key else None
            while queue:
                payload = queue.pop()
                for _ in range(100):
                    try:
                        await call(payload, timeout=60, metadata=metadata)
                        break
                    except grpc.aio.AioRpcError as exc:
                        if exc.code() not in (grpc.StatusCode.UNAVAILABLE,
                                              grpc.StatusCode.RESOURCE_EXHAUSTED):
                            raise
                        await asyncio.sleep(0.2)

        start = time.perf_counter()
        await asyncio.gather(*(worker(calls[i % connections], keys[i % len(keys)] if keys
                                      else None) for i in range(concurrency)))
        return time.perf_counter() - start


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (Linux /proc)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(p for child in children for p in process_tree(int(child)))]


def local_ports(pid: int) -> list[int]:
    """Local TCP ports of the sockets process `pid` and its descendants hold (Linux /proc)."""
    inodes = set()
    for proc in process_tree(pid):
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{proc}/fd"):
                with contextlib.suppress(OSError):
                    target = os.readlink(f"/proc/{proc}/fd/{fd}")
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
    ports = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[9] in inodes:
                    ports.append(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


async def backend_pids(url: str, client_pid: int) -> list[int]:
    """The server processes of the database connections of process `client_pid`."""
    conn = await asyncpg.connect(migrate.libpq_url(url))
    try:
        rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1)",
                                local_ports(client_pid))
        return [r["pid"] for r in rows]
    finally:
        await conn.close()


def backends_cpu(before: dict[int, float], pids: list[int]) -> float | None:
    """CPU seconds of `pids` since `before` (pid -> seconds; a pid not there started at 0)."""
    total = 0.0
    for pid in pids:
        now = cpu_seconds([pid])
        if now is None:
            return None
        total += now - before.get(pid, 0.0)
    return total


async def count_rows(url: str, schema: str, table: str) -> int:
    conn = await asyncpg.connect(migrate.libpq_url(url))
    try:
        return await conn.fetchval(f'SELECT count(*) FROM "{schema}".{table}')
    finally:
        await conn.close()


FACT = {"traces": "otel_spans_fact", "logs": "otel_logs_fact",
        "metrics": "otel_metrics_data_points_number"}


async def run_signal(args, url: str, signal: str, requests: list, items: int) -> None:
    """`args.repeat` rounds of the raw COPY then each mode, then each mode's median rate
    and median ratio to the raw COPY of its round (rounds pair runs that shared the
    machine's state: the raw rate alone varies by a quarter between runs)."""
    modes = ["pipeline", "grpc"] if args.mode == "both" else [args.mode]
    if args.auth and "grpc" in modes:
        modes.append("grpc+auth")
    ratios: dict[str, list[float]] = {mode: [] for mode in modes}
    rates: dict[str, list[float]] = {mode: [] for mode in modes}
    for _ in range(args.repeat):
        raw = await raw_round(url, signal, requests)
        for mode in modes:
            rate = await mode_round(args, url, signal, requests, items, mode, raw)
            ratios[mode].append(rate / raw)
            rates[mode].append(rate)
    if args.repeat > 1:
        for mode in modes:
            print(f"{signal}: {mode:8} median of {args.repeat} rounds "
                  f"{statistics.median(rates[mode]):10,.0f} items/s = "
                  f"{statistics.median(ratios[mode]):.0%} of raw COPY "
                  f"(rounds: {', '.join(f'{r:.0%}' for r in ratios[mode])})")
    if "grpc+auth" in modes:
        losses = [1 - on / off for on, off in zip(rates["grpc+auth"], rates["grpc"],
                                                    strict=True)]
        print(f"{signal}: auth overhead (1 - auth on / auth off, per round): median "
              f"{statistics.median(losses):.1%} (rounds: "
              f"{', '.join(f'{loss:.1%}' for loss in losses)})")


async def raw_round(url: str, signal: str, requests: list) -> float:
    scratch = settings.Settings(database_url=url, schema=f"bench_copy_{os.getpid()}")
    migrate.upgrade(url, scratch.schema)
    try:
        raw, raw_cpu = await raw_copy_rate(scratch, requests, signal)
    finally:
        drop_schema(url, scratch.schema)
    print(f"{signal}: raw COPY of the same rows      {raw:10,.0f} items/s "
          f"(CPU per item: postgres {raw_cpu})")
    return raw


async def mode_round(args, url: str, signal: str, requests: list, items: int, mode: str,
                     raw: float) -> float:
    name = mode.replace("+", "_")
    cfg = settings.Settings(database_url=url, schema=f"bench_{name}_{os.getpid()}",
                            attribute_overrides=Path("/nonexistent"))
    migrate.upgrade(url, cfg.schema)
    try:
        if mode == "pipeline":
            elapsed, cpu = await via_pipeline(cfg, requests, signal, args.concurrency,
                                              items)
        else:
            keys, cfg = auth_setup(cfg) if mode == "grpc+auth" else ([], cfg)
            with ingest_process(cfg.replace(workers=args.workers)) as (target, pid):
                before = cpu_seconds(process_tree(pid))
                backends = {p: cpu_seconds([p]) or 0.0
                            for p in await backend_pids(url, pid)}
                own = own_cpu_seconds()
                start = time.perf_counter()
                await via_grpc(target, requests, signal, args.concurrency, args.connections,
                               keys)
                while await count_rows(url, cfg.schema, FACT[signal]) < items:
                    await asyncio.sleep(0.05)
                elapsed = time.perf_counter() - start
                postgres = backends_cpu(backends, await backend_pids(url, pid))
                ingest = per_item_us(before, cpu_seconds(process_tree(pid)), items)
                cpu = f"ingest {ingest}" if args.workers == 1 \
                    else f"ingest {ingest} over {args.workers} workers"
                cpu += (f", postgres {per_item_us(0.0, postgres, items)}, "
                        f"sender {per_item_us(own, own_cpu_seconds(), items)}")
        rate = items / elapsed
        print(f"{signal}: {mode:8} end to end, committed {rate:10,.0f} items/s "
              f"({items:,} in {elapsed:.1f}s) = {rate / raw:.0%} of raw COPY "
              f"(CPU per item: {cpu})")
        return rate
    finally:
        drop_schema(url, cfg.schema)


def auth_setup(cfg: settings.Settings) -> tuple[list[str], settings.Settings]:
    """Two tenants' ingest keys in a keys file, and the settings that require them."""
    made = [auth_keys.new_key()[1] for _ in range(2)]
    path = Path(tempfile.mkdtemp(prefix="ollygraph-bench-keys-")) / "keys"
    path.write_text("".join(f"{key} tenant-{i} ingest\n" for i, key in enumerate(made)))
    return made, cfg.replace(auth=True, api_keys_file=path)


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(migrate.libpq_url(url), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="default: the embedded PostgreSQL")
    parser.add_argument("--mode", choices=["grpc", "pipeline", "both"], default="both")
    parser.add_argument("--spans", type=int, default=200_000)
    parser.add_argument("--logs", type=int, default=50_000)
    parser.add_argument("--points", type=int, default=50_000)
    parser.add_argument("--per-request", type=int, default=512, help="items per export")
    parser.add_argument("--concurrency", type=int, default=32,
                        help="exports in flight (many exporters, or a collector's consumers)")
    parser.add_argument("--connections", type=int, default=4,
                        help="gRPC connections the exports are spread over (grpc mode)")
    parser.add_argument("--workers", type=int, default=1, help="ingest processes (grpc mode)")
    parser.add_argument("--auth", action="store_true",
                        help="also run gRPC with auth on (two tenants' keys) and print the "
                             "overhead")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of raw COPY and end to end; prints their medians")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ollygraph-bench-") as data_dir, \
            db.database(settings.Settings(database_url=args.database_url,
                                          data_dir=Path(data_dir))) as url:
        plan = [("traces", span_requests(args.spans, args.per_request), args.spans),
                ("logs", log_requests(args.logs, args.per_request), args.logs),
                ("metrics", metric_requests(args.points, args.per_request), args.points)]
        for signal, requests, items in plan:
            if items:
                asyncio.run(run_signal(args, url, signal, requests, items))


if __name__ == "__main__":
    main()
