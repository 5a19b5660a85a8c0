"""Two stores in the test database, each with its own `ollygraph ingest` process and the
same attribute promotion: `source` is written by the tests, `replica` by `ollygraph export`."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc
from opentelemetry.proto.collector.metrics.v1 import (
    metrics_service_pb2,
    metrics_service_pb2_grpc,
)
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

from ingest import otlpjson
from ollygraph import migrate
from tests.conftest import drop_schema, free_port, new_schema_name
from tests.export import payloads
from tests.gateway.conftest import _wait
from tests.ingest import receiver


@dataclasses.dataclass
class Store:
    database_url: str
    schema: str
    ingest: receiver.Ingest


@pytest.fixture(scope="module")
def overrides(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("promotion") / "overrides.yaml"
    path.write_text(payloads.OVERRIDES)
    return path


@contextlib.contextmanager
def running_store(database_url: str, overrides: Path, prefix: str) -> Iterator[Store]:
    schema = new_schema_name(prefix)
    migrate.upgrade(database_url, schema)
    try:
        with receiver.running(database_url, schema, "--attribute-overrides",
                              str(overrides)) as ingest:
            yield Store(database_url, schema, ingest)
    finally:
        drop_schema(database_url, schema)


@pytest.fixture(scope="module")
def source(database_url: str, overrides: Path) -> Iterator[Store]:
    with running_store(database_url, overrides, "src") as store:
        yield store


@pytest.fixture
def replica(database_url: str, overrides: Path) -> Iterator[Store]:
    with running_store(database_url, overrides, "rep") as store:
        yield store


@pytest.fixture(scope="module")
def gateway(source: Store) -> Iterator[httpx.Client]:
    """`ollygraph gateway` on the source store, as a process."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ollygraph", "gateway", "--database-url",
                             source.database_url, "--schema", source.schema, "--host",
                             "127.0.0.1", "--gateway-port", str(port), "--log-level", "WARNING"],
                            env=os.environ.copy())
    try:
        _wait(f"http://127.0.0.1:{port}/healthz", proc, "gateway")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def export(store: Store, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`ollygraph export` on `store`'s schema, as a process."""
    done = subprocess.run([sys.executable, "-m", "ollygraph", "export", "--database-url",
                           store.database_url, "--schema", store.schema, *args],
                          capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stderr
    return done


STUBS = {"traces": trace_service_pb2_grpc.TraceServiceStub,
         "logs": logs_service_pb2_grpc.LogsServiceStub,
         "metrics": metrics_service_pb2_grpc.MetricsServiceStub}


def send(store: Store, signal: str, request) -> None:
    with grpc.insecure_channel(store.ingest.grpc_target) as channel:
        answer = STUBS[signal](channel).Export(request, timeout=30)
    assert not answer.partial_success.error_message, answer.partial_success


TRANSPORTS = ("grpc", "http/protobuf", "http/json")
RESPONSES = {"traces": trace_service_pb2.ExportTraceServiceResponse,
             "logs": logs_service_pb2.ExportLogsServiceResponse,
             "metrics": metrics_service_pb2.ExportMetricsServiceResponse}
REJECTED = {"traces": "rejected_spans", "logs": "rejected_log_records",
            "metrics": "rejected_data_points"}


def send_over(store: Store, signal: str, request, transport: str) -> int:
    """Send `request` to `store`'s ingest over `transport` (TRANSPORTS); the number of items
    its partial success says were rejected."""
    if transport == "grpc":
        with grpc.insecure_channel(store.ingest.grpc_target) as channel:
            answer = STUBS[signal](channel).Export(request, timeout=30)
    else:
        as_json = transport == "http/json"
        done = httpx.post(f"{store.ingest.http_url}/v1/{signal}", timeout=30,
                          content=otlpjson.dumps(request) if as_json
                          else request.SerializeToString(),
                          headers={"Content-Type": "application/json" if as_json
                                   else "application/x-protobuf"})
        assert done.status_code == 200, done.text
        answer = (json_format.Parse(done.text, RESPONSES[signal]()) if as_json
                  else RESPONSES[signal].FromString(done.content))
    return getattr(answer.partial_success, REJECTED[signal])


def sent(service: str, base_ns: int) -> dict[str, object]:
    return {"traces": payloads.traces(service, base_ns), "logs": payloads.logs(service, base_ns),
            "metrics": payloads.metrics(service, base_ns)}


@pytest.fixture(scope="module")
def window(source: Store) -> tuple[int, int, dict[str, object]]:
    """[from, to) of the data the module sent to the source store, and the requests."""
    base = (time.time_ns() // 10**9 - 3600) * 10**9
    requests = sent("roundtrip", base)
    for signal, request in requests.items():
        send(source, signal, request)
    return base - 10**6, base + 10**9, requests
