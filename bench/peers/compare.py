"""ollygraph against PostGraphile over the same store: prints figures, asserts nothing.

    .venv/bin/python -m bench.peers.compare --database-url postgresql://... [--spans 100000]
        [--iterations 30] [--node-dir DIR]

Installs PostGraphile (the version bench/peers/package.json pins) with npm into --node-dir
(default ~/.cache/ollygraph/peers; node_modules never lives in the repo), loads --spans
spans and one 500-span trace with its 500 logs through the ingest Pipeline into a fresh
schema (as bench/gateway.py does), and serves that schema twice: with `ollygraph gateway`
and with PostGraphile over views and SQL functions in a schema of their own
(bench/peers/postgraphile.sql; the store's tables are only read). Then it runs the same
questions against both, alternating the servers request by request (the first one of each
pair alternates too), each request timed from sending to the last byte:

  trace fetch   the 500-span trace with its spans' attributes and events and its 500 logs
  search        the newest 20 traces with a span of one http.route (promoted, 10% of the
                spans) and one tenant.id (JSONB, 0.1%) over the last 7 days

and prints p50/p95 of each server, the ratios (PostGraphile / ollygraph, above 1 means
ollygraph is faster), and the CPU time per request of each server process and of the
PostgreSQL backends serving it. CPU is read from /proc/<pid>/task/*/schedstat (on-CPU
nanoseconds of every thread) before and after each request: the server's process and its
threads, and the backends of its pool (found in pg_stat_activity by application_name).
Without --database-url it runs an embedded PostgreSQL in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).parent
PACKAGE = HERE / "package.json"
ONE_WEEK_NS = 7 * 86_400 * 10**9
ROUTE, TENANT = "/api/v1/items/7", "tenant-42"

POSTGRAPHILE_TRACE = """query ($id: String!) {
  traceSpans(traceId: $id) { nodes { spanId parentSpanId name kindName startTime
                                     durationNanos statusName attributes events } }
  traceLogs(traceId: $id) { nodes { timestamp severityText body attributes spanId } } }"""
POSTGRAPHILE_SEARCH = """query ($route: String!, $tenant: String!, $since: BigInt!) {
  searchTraces(route: $route, tenant: $tenant, since: $since) {
    nodes { traceId rootSpanName durationNanos spanCount } } }"""


def install(node_dir: Path) -> Path:
    """PostGraphile's CLI, installed from the npm registry into `node_dir` if missing."""
    pinned = json.loads(PACKAGE.read_text())["dependencies"]["postgraphile"]
    cli = node_dir / "node_modules" / "postgraphile" / "cli.js"
    installed = node_dir / "node_modules" / "postgraphile" / "package.json"
    if not (installed.exists() and json.loads(installed.read_text())["version"] == pinned):
        if shutil.which("npm") is None:
            raise SystemExit("npm is needed to install PostGraphile")
        node_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(PACKAGE, node_dir / "package.json")
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=node_dir, check=True
        )
    return cli


def peers_sql(store: str, peers: str) -> str:
    from ollygraph import sql

    blocks = sql.parse((HERE / "postgraphile.sql").read_text(), "postgraphile.sql")
    return blocks["schema"].format(store=f'"{store}"', peers=f'"{peers}"')


def free_port() -> int:
    from bench.ingest import free_port as free

    return free()


def wait_until_up(url: str, proc: subprocess.Popen[bytes], what: str, body: dict) -> None:
    deadline = time.monotonic() + 120
    while True:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.post(url, json=body, timeout=10).status_code == 200:
                return
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{what} did not start")
        time.sleep(0.3)


@contextlib.contextmanager
def postgraphile(cli: Path, url: str, peers: str):
    """PostGraphile on a free port, serving `peers`; yields (GraphQL URL, pid)."""
    port = free_port()
    separator = "&" if "?" in url else "?"
    proc = subprocess.Popen(
        [
            "node",
            str(cli),
            "--connection",
            f"{url}{separator}application_name=bench-postgraphile",
            "--schema",
            peers,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--dynamic-json",
            "--disable-query-log",
            "--disable-graphiql",
        ],
        env={**os.environ, "NODE_ENV": "production"},
        stdout=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}/graphql"
    try:
        wait_until_up(endpoint, proc, "PostGraphile", {"query": "{ __typename }"})
        yield endpoint, proc.pid
    finally:
        proc.terminate()
        proc.wait(30)


def local_ports(pid: int) -> set[int]:
    """Local TCP ports of the sockets process `pid` holds."""
    out = subprocess.run(
        ["ss", "-Htnp", "state", "established"], capture_output=True, text=True
    ).stdout
    ports = set()
    for line in out.splitlines():
        if f"pid={pid}," in line:
            ports.add(int(line.split()[2].rsplit(":", 1)[1]))
    return ports


def cpu_ns(pids: list[int]) -> int:
    """On-CPU nanoseconds of every thread of `pids` so far (0 for a process gone)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            for task in os.listdir(f"/proc/{pid}/task"):
                with (
                    contextlib.suppress(FileNotFoundError),
                    open(f"/proc/{pid}/task/{task}/schedstat") as f,
                ):
                    total += int(f.read().split()[0])
    return total


class Server:
    def __init__(self, name: str, endpoint: str, pid: int, application: str, monitor: Any) -> None:
        self.name, self.endpoint, self.pid = name, endpoint, pid
        self.application, self.monitor = application, monitor
        self.client = httpx.Client(timeout=120)
        self.samples: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}
        self.db_cpu: dict[str, list[float]] = {}

    def backends(self) -> list[int]:
        """The PostgreSQL backends of the server's connections: those whose client port
        is a local port of one of the server's sockets (other servers on the same
        PostgreSQL may use the same application_name)."""
        ports = local_ports(self.pid)
        rows = self.monitor.execute(
            "SELECT pid, client_port FROM pg_stat_activity WHERE application_name = %s",
            (self.application,),
        ).fetchall()
        return [pid for pid, port in rows if port in ports]

    def request(self, name: str, query: str, variables: dict[str, Any], keep: bool) -> None:
        backends = self.backends()
        own, db = cpu_ns([self.pid]), cpu_ns(backends)
        started = time.perf_counter()
        response = self.client.post(self.endpoint, json={"query": query, "variables": variables})
        took = (time.perf_counter() - started) * 1000
        own, db = cpu_ns([self.pid]) - own, cpu_ns(backends) - db
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise SystemExit(f"{self.name}: {name} failed: {body['errors']}")
        if keep:
            self.samples.setdefault(name, []).append(took)
            self.cpu.setdefault(name, []).append(own / 1e6)
            self.db_cpu.setdefault(name, []).append(db / 1e6)


def answers(server: Server, name: str, query: str, variables: dict[str, Any]) -> int:
    """How many spans + logs (trace fetch) or traces (search) the server returns."""
    data = server.client.post(
        server.endpoint, json={"query": query, "variables": variables}
    ).json()["data"]
    if "trace" in data:
        return len(data["trace"]["spans"]) + len(data["trace"]["logs"])
    if "traceSpans" in data:
        return len(data["traceSpans"]["nodes"]) + len(data["traceLogs"]["nodes"])
    return len(next(iter(data.values()))["nodes"])


def run(
    servers: list[Server], questions: dict[str, dict[str, tuple[str, dict]]], iterations: int
) -> None:
    for name, per_server in questions.items():
        counts = {s.name: answers(s, name, *per_server[s.name]) for s in servers}
        print(f"{name}: answers {counts}")
        for i in range(3 + iterations):
            order = servers if i % 2 == 0 else servers[::-1]
            for server in order:
                server.request(name, *per_server[server.name], keep=i >= 3)


def report(servers: list[Server], iterations: int) -> None:
    from bench.gateway import pct

    ours, peer = servers
    print(
        f"\n{iterations} requests per question and server, alternating; ms per request "
        "(CPU: mean per request)"
    )
    print(f"{'question':<13} {'server':<12} {'p50':>8} {'p95':>8} {'server CPU':>11} {'PG CPU':>8}")
    for name in ours.samples:
        for server in servers:
            s = server.samples[name]
            print(
                f"{name:<13} {server.name:<12} {pct(s, 50):8.1f} {pct(s, 95):8.1f} "
                f"{sum(server.cpu[name]) / len(s):11.1f} {sum(server.db_cpu[name]) / len(s):8.1f}"
            )
        a, b = ours.samples[name], peer.samples[name]
        print(
            f"{name:<13} ratio {peer.name}/{ours.name}: p50 {pct(b, 50) / pct(a, 50):.2f}x, "
            f"p95 {pct(b, 95) / pct(a, 95):.2f}x, server CPU "
            f"{sum(peer.cpu[name]) / max(sum(ours.cpu[name]), 1e-9):.2f}x, PG CPU "
            f"{sum(peer.db_cpu[name]) / max(sum(ours.db_cpu[name]), 1e-9):.2f}x"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("OLLYGRAPH_DATABASE_URL"))
    parser.add_argument("--spans", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument(
        "--node-dir", type=Path, default=Path.home() / ".cache" / "ollygraph" / "peers"
    )
    args = parser.parse_args(argv)
    import psycopg

    from bench import gateway
    from ollygraph import migrate, settings
    from tests.conftest import drop_schema, new_schema_name

    cli = install(args.node_dir)
    with contextlib.ExitStack() as stack:
        url = gateway.database(stack, args.database_url)
        schema = new_schema_name("peers")
        peers = f"{schema}_pg"
        migrate.upgrade(url, schema)
        stack.callback(drop_schema, url, peers)
        stack.callback(drop_schema, url, schema)
        cfg = settings.load(environ={}).replace(database_url=url, schema=schema)
        trace_id = asyncio.run(gateway.load(cfg, args.spans))
        monitor = stack.enter_context(psycopg.connect(migrate.libpq_url(url), autocommit=True))
        monitor.execute(peers_sql(schema, peers))
        monitor.execute(f'SET search_path TO "{schema}"')
        monitor.execute("ANALYZE")
        base = stack.enter_context(gateway.gateway_process(url, schema))
        endpoint, pg_pid = stack.enter_context(postgraphile(cli, migrate.libpq_url(url), peers))
        ours = Server(
            "ollygraph", f"{base}/graphql", listening_pid(base), "ollygraph-gateway", monitor
        )
        peer = Server("postgraphile", endpoint, pg_pid, "bench-postgraphile", monitor)
        since = time.time_ns() - ONE_WEEK_NS
        search = {
            "timeRange": {"last": "7d"},
            "attributes": [
                {"key": "http.route", "value": ROUTE},
                {"key": "tenant.id", "value": TENANT},
            ],
        }
        questions = {
            "trace fetch": {
                "ollygraph": (gateway.BIG_TRACE, {"id": trace_id}),
                "postgraphile": (POSTGRAPHILE_TRACE, {"id": trace_id}),
            },
            "search": {
                "ollygraph": (gateway.SEARCH, {"f": search}),
                "postgraphile": (
                    POSTGRAPHILE_SEARCH,
                    {"route": ROUTE, "tenant": TENANT, "since": str(since)},
                ),
            },
        }
        print(
            f"store: {args.spans} spans + a 500-span trace with 500 logs, schema {schema}; "
            f"PostGraphile {json.loads(PACKAGE.read_text())['dependencies']['postgraphile']}"
            f" over schema {peers}"
        )
        run([ours, peer], questions, args.iterations)
        report([ours, peer], args.iterations)
    return 0


def listening_pid(base: str) -> int:
    """The pid of the process listening on the port of `base`."""
    port = base.rsplit(":", 1)[1]
    out = subprocess.run(
        ["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True
    ).stdout
    for part in out.split("pid=")[1:]:
        return int(part.split(",")[0])
    raise SystemExit(f"no process found listening at {base}")


if __name__ == "__main__":
    sys.exit(main())
