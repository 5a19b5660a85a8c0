"""GET /api/traces/{traceId} and Trace.otlp: a trace as OTLP, equal to what was sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import asyncpg
import httpx
import pytest
from opentelemetry.proto.trace.v1 import trace_pb2

from gateway import otlp
from ollygraph import migrate
from tests.export import canonical
from tests.export.conftest import Store
from tests.gateway.conftest import _wait, free_port


@pytest.fixture(scope="module")
def gateway(source: Store) -> Iterator[httpx.Client]:
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


def _trace_items(sent, trace_hex: str) -> list[str]:
    return [i for i in canonical.items(sent) if json.loads(i)[-1]["traceId"] == trace_hex]


def _sent_trace(window) -> tuple[str, list[str]]:
    sent = window[2]["traces"]
    trace_id = sent.resource_spans[0].scope_spans[0].spans[0].trace_id.hex()
    return trace_id, _trace_items(sent, trace_id)


def test_trace_as_otlp_json_and_protobuf(gateway: httpx.Client, window) -> None:
    trace_id, expected = _sent_trace(window)
    assert len(expected) == 6
    answer = gateway.get(f"/api/traces/{trace_id}")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    assert canonical.items(answer.json()) == expected
    answer = gateway.get(f"/api/traces/{trace_id}",
                         headers={"Accept": "application/x-protobuf"})
    assert answer.headers["content-type"] == "application/x-protobuf"
    assert canonical.items(trace_pb2.TracesData.FromString(answer.content)) == expected


def test_trace_otlp_field_equals_the_route(gateway: httpx.Client, window) -> None:
    trace_id, expected = _sent_trace(window)
    body = gateway.post("/graphql", json={
        "query": "query($id: ID!) { trace(traceId: $id) { otlp } }",
        "variables": {"id": trace_id}}).json()
    assert "errors" not in body, body
    assert body["data"]["trace"]["otlp"] == gateway.get(f"/api/traces/{trace_id}").json()
    assert canonical.items(body["data"]["trace"]["otlp"]) == expected


def test_unknown_and_bad_trace_ids(gateway: httpx.Client, window) -> None:
    assert gateway.get(f"/api/traces/{'ab' * 16}").status_code == 404
    assert gateway.get("/api/traces/xyz").status_code == 400
    assert gateway.get(f"/api/traces/{'ab' * 8}").status_code == 400


async def test_a_trace_past_the_span_limit_is_refused(source: Store, window) -> None:
    trace_id, _ = _sent_trace(window)
    conn = await asyncpg.connect(migrate.libpq_url(source.database_url),
                                 server_settings={"search_path": source.schema})
    try:
        whole = await otlp.trace_request(conn, bytes.fromhex(trace_id), max_spans=6)
        assert sum(len(ss.spans) for rs in whole.resource_spans for ss in rs.scope_spans) == 6
        with pytest.raises(otlp.TooLarge, match="more than 5 spans"):
            await otlp.trace_request(conn, bytes.fromhex(trace_id), max_spans=5)
    finally:
        await conn.close()
