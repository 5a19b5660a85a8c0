"""GET /api/traces/{traceId} and Trace.otlp: a trace as OTLP, equal to what was sent."""

from __future__ import annotations

import json
import os
import time

import asyncpg
import httpx
import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

from gateway import otlp
from ollygraph import migrate
from tests.export import canonical, payloads
from tests.export.conftest import Store, send


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


def test_a_repeated_key_keeps_its_last_value(source: Store, gateway: httpx.Client) -> None:
    """OTLP: in one attribute list a repeated key's last value wins, whichever table (typed
    or the JSONB catch-all) its values would go to."""
    repeated = [("x.bool", True), ("x.bool", "now text"),          # promoted bool, then not
                ("x.bytes", "text first"), ("x.bytes", b"\x00b"),  # not promoted, then bytes
                ("k", 1), ("k", 2.5), ("k", "last"),                # catch-all thrice
                ("x.bool", False), ("x.bool", 7), ("x.bool", False)]
    last = {"x.bool": False, "x.bytes": b"\x00b", "k": "last"}
    trace_id = os.urandom(16)
    span = trace_pb2.Span(trace_id=trace_id, span_id=b"\x01" * 8, name="repeated",
                          start_time_unix_nano=time.time_ns(), end_time_unix_nano=time.time_ns(),
                          attributes=[common_pb2.KeyValue(key=k, value=payloads.value(v))
                                      for k, v in repeated])
    send(source, "traces", trace_service_pb2.ExportTraceServiceRequest(resource_spans=[
        {"resource": payloads.resource("repeated"), "scope_spans": [{"spans": [span]}]}]))
    body = gateway.post("/graphql", json={
        "query": "query($id: ID!) { trace(traceId: $id) { otlp spans { attributes(typed: true) "
                 "} } }", "variables": {"id": trace_id.hex()}}).json()
    assert "errors" not in body, body
    expected = {k: canonical.as_dict(payloads.value(v)) for k, v in last.items()}
    assert body["data"]["trace"]["spans"][0]["attributes"] == expected
    (exported,) = [s for rs in body["data"]["trace"]["otlp"]["resourceSpans"]
                   for ss in rs["scopeSpans"] for s in ss["spans"]]
    assert {kv["key"]: kv["value"] for kv in exported["attributes"]} == expected
    assert len(exported["attributes"]) == len(expected)
