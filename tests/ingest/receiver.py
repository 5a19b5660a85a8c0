"""A real `ollygraph ingest` process for the receiver tests, and reading back what it stored.

`running(...)` starts the command on free ports against a migrated schema, waits until
both the OTLP/HTTP `/healthz` and the gRPC health service answer, and on exit stops it
with SIGTERM and checks that it shut down cleanly.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import grpc
import httpx
import psycopg
from grpc_health.v1 import health_pb2, health_pb2_grpc

from ollygraph import migrate
from tests.conftest import free_ports

STARTUP_TIMEOUT_S = 60


@dataclasses.dataclass
class Ingest:
    process: subprocess.Popen[bytes]
    grpc_port: int
    http_port: int
    log_path: str

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def grpc_target(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    def log(self) -> str:
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def peak_rss_kib(self) -> int:
        """The process's peak resident memory (VmHWM)."""
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise AssertionError("no VmHWM in /proc status")


def worker_pids(ingest: Ingest) -> list[int]:
    """The worker processes a `--workers N` ingest parent started."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read()
        except (OSError, IndexError, ValueError):
            continue
        if parent == ingest.process.pid and b"spawn_main" in command:
            pids.append(int(entry))
    return pids



@contextlib.contextmanager
def running(database_url: str, schema: str, *flags: str,
            env: dict[str, str] | None = None) -> Iterator[Ingest]:
    """`ollygraph ingest` on free ports; `flags` are extra command-line settings."""
    grpc_port, http_port = free_ports(2)
    log_file = tempfile.NamedTemporaryFile(prefix="ingest-", suffix=".log", delete=False)  # noqa: SIM115
    command = [sys.executable, "-m", "ollygraph", "ingest", "--database-url", database_url,
               "--schema", schema, "--host", "127.0.0.1", "--grpc-port", str(grpc_port),
               "--http-port", str(http_port), *flags]
    process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT,
                               env={**os.environ, **(env or {})})
    ingest = Ingest(process, grpc_port, http_port, log_file.name)
    try:
        wait_ready(ingest)
        yield ingest
    finally:
        stopped_cleanly = stop(ingest)
        log_file.close()
    assert stopped_cleanly, "ingest did not stop cleanly on SIGTERM:\n" + ingest.log()
    os.unlink(log_file.name)


def stop(ingest: Ingest) -> bool:
    """SIGTERM and wait; True when it exited 0 on its own."""
    if ingest.process.poll() is None:
        ingest.process.send_signal(signal.SIGTERM)
        try:
            ingest.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            ingest.process.kill()
            ingest.process.wait()
            return False
    return ingest.process.returncode == 0


def wait_ready(ingest: Ingest) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    with grpc.insecure_channel(ingest.grpc_target) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        while True:
            if ingest.process.poll() is not None:
                raise AssertionError(
                    f"ingest exited with {ingest.process.returncode}:\n{ingest.log()}")
            try:
                if httpx.get(ingest.http_url + "/healthz", timeout=1).status_code == 200 \
                        and health.Check(health_pb2.HealthCheckRequest(), timeout=1).status \
                        == health_pb2.HealthCheckResponse.SERVING:
                    return
            except (httpx.HTTPError, grpc.RpcError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError("ingest did not become ready:\n" + ingest.log())
            time.sleep(0.1)


# --- reading back ---------------------------------------------------------------------------


def psycopg_connection(url: str) -> psycopg.Connection:
    """An autocommit connection (a context manager) to the database at `url`."""
    return psycopg.connect(migrate.libpq_url(url), autocommit=True)


def query(sql: Any, schema: str, text: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of `text`, run with the store's schema first on the search path."""
    sql.execute(f'SET search_path TO "{schema}"')
    try:
        return sql.execute(text, params).fetchall()
    finally:
        sql.execute("RESET search_path")


def spans(sql: Any, schema: str, trace_id_hex: str) -> list[tuple[Any, ...]]:
    """(span_id, parent_span_id, name, kind_id, service_name, attributes, links) by start time."""
    return query(sql, schema,
                 "SELECT span_id, parent_span_id, name, kind_id, service_name, attributes, links, "
                 "start_time_unix_nano, end_time_unix_nano FROM v_otel_spans_enriched "
                 "WHERE trace_id = %s ORDER BY start_time_unix_nano, span_id", trace_id_hex)


def count_spans(sql: Any, schema: str, name_prefix: str = "") -> int:
    return query(sql, schema, "SELECT count(*) FROM otel_spans_fact WHERE name LIKE %s",
                 name_prefix + "%")[0][0]


def logs(sql: Any, schema: str, service: str) -> list[tuple[Any, ...]]:
    """(body, severity_number, severity_text, trace_id, span_id, attributes) by time."""
    return query(sql, schema,
                 "SELECT body, severity_number, severity_text, trace_id, span_id, attributes "
                 "FROM v_otel_logs_enriched WHERE service_name = %s ORDER BY ts_unix_nano, log_id",
                 service)


def number_points(sql: Any, schema: str, metric: str) -> list[tuple[Any, ...]]:
    """(value, metric_type, temporality, service_name, attributes) by time."""
    return query(sql, schema,
                 "SELECT value, metric_type, temporality, service_name, attributes "
                 "FROM v_otel_metrics_number WHERE metric_name = %s ORDER BY time_unix_nano",
                 metric)


def histogram_points(sql: Any, schema: str, metric: str) -> list[tuple[Any, ...]]:
    """(count, sum, explicit_bounds, bucket_counts, service_name) by time."""
    return query(sql, schema,
                 "SELECT count, sum, explicit_bounds, bucket_counts, service_name "
                 "FROM v_otel_metrics_histogram WHERE metric_name = %s ORDER BY time_unix_nano",
                 metric)
