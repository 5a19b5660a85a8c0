"""OTLP/HTTP: protobuf and OTLP/JSON requests to a real ingest process, rows read back."""

from __future__ import annotations

import gzip
import json
import uuid

import httpx
import pytest

from ingest import body, otlpjson, signals
from tests.ingest import payloads, receiver, test_body

ORIGIN = "http://ui.example.test"
PROTOBUF = {"content-type": "application/x-protobuf"}
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def ingest(database_url, module_schema):
    with receiver.running(database_url, module_schema, "--cors-origins", ORIGIN) as proc:
        yield proc


@pytest.fixture
def client(ingest):
    with httpx.Client(base_url=ingest.http_url, timeout=30) as http:
        yield http


def service() -> str:
    return "http-" + uuid.uuid4().hex[:8]


@pytest.mark.parametrize("signal", signals.SIGNALS, ids=lambda s: s.name)
@pytest.mark.parametrize("headers", [PROTOBUF, JSON], ids=["protobuf", "json"])
def test_empty_request_is_a_success_in_the_request_encoding(client, signal, headers):
    body = b"{}" if headers is JSON else b""
    reply = client.post(signal.http_path, content=body, headers=headers)
    assert reply.status_code == 200
    assert reply.headers["content-type"] == headers["content-type"]
    if headers is JSON:
        assert reply.json() == {}
    else:
        assert not signal.response.FromString(reply.content).HasField("partial_success")


@pytest.mark.parametrize("signal", signals.SIGNALS, ids=lambda s: s.name)
def test_each_signal_is_stored_once_even_when_the_export_is_retried(client, sql, module_schema,
                                                                     signal):
    name = service()
    body = payloads.sample(signal.name, name).SerializeToString()
    count = {
        "traces": lambda: receiver.count_spans(sql, module_schema, name),
        "logs": lambda: len(receiver.logs(sql, module_schema, name)),
        "metrics": lambda: len(receiver.number_points(sql, module_schema, f"{name}.count")),
    }[signal.name]
    for _ in range(2):  # the second is a retry after a lost response
        reply = client.post(signal.http_path, content=body, headers=PROTOBUF)
        assert reply.status_code == 200, reply.content
        assert not signal.response.FromString(reply.content).HasField("partial_success")
        assert count() == 2 if signal.name != "metrics" else count() == 1


def test_gzip_protobuf_spans_are_stored(client, sql, module_schema):
    name, trace_id = service(), payloads.new_trace_id()
    body = gzip.compress(payloads.traces(name, trace_id, count=3).SerializeToString())
    reply = client.post("/v1/traces", content=body,
                        headers={**PROTOBUF, "content-encoding": "gzip"})
    assert reply.status_code == 200
    rows = receiver.spans(sql, module_schema, trace_id.hex())
    assert [row[2] for row in rows] == [f"{name}-span-{i}" for i in range(3)]
    assert {row[4] for row in rows} == {name}
    assert [row[5]["index"] for row in rows] == [0, 1, 2]


@pytest.mark.parametrize("encoding", body.ENCODINGS)
def test_every_content_encoding_of_the_collector(client, sql, module_schema, encoding):
    name, trace_id = service(), payloads.new_trace_id()
    data = payloads.traces(name, trace_id, count=2).SerializeToString()
    reply = client.post("/v1/traces", content=test_body.COMPRESS[encoding](data),
                        headers={**PROTOBUF, "content-encoding": encoding})
    assert reply.status_code == 200, reply.content
    assert len(receiver.spans(sql, module_schema, trace_id.hex())) == 2
    logs = otlpjson.dumps(payloads.logs(name, count=3))
    reply = client.post("/v1/logs", content=test_body.COMPRESS[encoding](logs),
                        headers={**JSON, "content-encoding": encoding})
    assert reply.status_code == 200, reply.content
    assert len(receiver.logs(sql, module_schema, name)) == 3


def test_otlp_json_rules(client, sql, module_schema):
    """Hex ids (any case), 64-bit integers as strings or numbers, enums as integers,
    lowerCamelCase keys (proto names accepted too), unknown fields ignored."""
    name = service()
    trace_hex = "5B8EFFF798038103D269B633813FC6" + uuid.uuid4().hex[:2].upper()
    root_hex, child_hex = uuid.uuid4().hex[:16].upper(), uuid.uuid4().hex[:16]
    link_trace, link_span = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    request = {
        "resourceSpans": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": name}}],
                         "futureResourceField": 1},
            "scopeSpans": [{
                "scope": {"name": "json-test", "version": "1.0"},
                "spans": [
                    {"traceId": trace_hex, "spanId": root_hex, "name": "root", "kind": 2,
                     "startTimeUnixNano": "1700000000000000000",
                     "endTimeUnixNano": 1700000001000000000,
                     "attributes": [
                         {"key": "http.status_code", "value": {"intValue": "404"}},
                         {"key": "big", "value": {"intValue": 9007199254740993}},
                         {"key": "ratio", "value": {"doubleValue": 0.5}},
                         {"key": "ok", "value": {"boolValue": True}}],
                     "status": {"code": 2, "message": "boom"},
                     "futureSpanField": {"nested": [1, 2]}},
                    {"trace_id": trace_hex.lower(), "span_id": child_hex,
                     "parent_span_id": root_hex.lower(), "name": "child", "kind": 3,
                     "start_time_unix_nano": "1700000000100000000",
                     "end_time_unix_nano": "1700000000200000000",
                     "links": [{"traceId": link_trace, "spanId": link_span,
                                "attributes": [{"key": "why", "value": {"stringValue": "x"}}]}]},
                ]}]}]}
    reply = client.post("/v1/traces", content=json.dumps(request), headers=JSON)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/json"
    assert reply.json() == {}
    rows = receiver.spans(sql, module_schema, trace_hex.lower())
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [
        (root_hex.lower(), None, "root", 2, name),
        (child_hex, root_hex.lower(), "child", 3, name)]
    assert rows[0][5] == {"http.status_code": 404, "big": 9007199254740993, "ratio": 0.5,
                          "ok": True}
    assert (rows[0][7], rows[0][8]) == (1700000000000000000, 1700000001000000000)
    assert [(link["trace_id"], link["span_id"]) for link in rows[1][6]] == [(link_trace, link_span)]


def test_otlp_json_logs_and_metrics_with_hex_ids(client, sql, module_schema):
    name, trace_hex, span_hex = service(), uuid.uuid4().hex.upper(), uuid.uuid4().hex[:16]
    logs = {"resourceLogs": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": name}}]},
        "scopeLogs": [{"logRecords": [{
            "timeUnixNano": "1700000000000000000", "severityNumber": 17, "severityText": "ERROR",
            "body": {"stringValue": "it broke"}, "traceId": trace_hex, "spanId": span_hex,
            "attributes": [{"key": "n", "value": {"intValue": "3"}}], "unknown": None}]}]}]}
    reply = client.post("/v1/logs", content=json.dumps(logs), headers=JSON)
    assert reply.status_code == 200, reply.text
    rows = receiver.logs(sql, module_schema, name)
    assert [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows] == [
        ("it broke", 17, "ERROR", trace_hex.lower(), span_hex, {"n": 3})]

    metric = f"{name}.requests"
    metrics = {"resourceMetrics": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": name}}]},
        "scopeMetrics": [{"metrics": [{
            "name": metric, "unit": "1",
            "sum": {"aggregationTemporality": 2, "isMonotonic": True, "dataPoints": [{
                "startTimeUnixNano": "1700000000000000000", "timeUnixNano": "1700000010000000000",
                "asInt": "12", "attributes": [{"key": "route", "value": {"stringValue": "/a"}}],
                "exemplars": [{"timeUnixNano": "1700000005000000000", "asInt": "1",
                               "traceId": trace_hex, "spanId": span_hex.upper()}]}]}}]}]}]}
    reply = client.post("/v1/metrics", content=json.dumps(metrics), headers=JSON)
    assert reply.status_code == 200, reply.text
    assert receiver.number_points(sql, module_schema, metric) == [
        (12.0, "SUM", "CUMULATIVE", name, {"route": "/a"})]
    exemplars = receiver.query(sql, module_schema,
                               "SELECT exemplars FROM v_otel_metrics_number AS v "
                               "JOIN otel_metrics_data_points_number AS p ON p.point_pk = "
                               "v.data_point_id WHERE v.metric_name = %s", metric)[0][0]
    assert trace_hex.lower() in json.dumps(exemplars).lower()


def test_cors_preflight_and_response_headers(client):
    preflight = client.options("/v1/traces", headers={
        "origin": ORIGIN, "access-control-request-method": "POST",
        "access-control-request-headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in preflight.headers["access-control-allow-methods"]
    reply = client.post("/v1/traces", content=b"{}", headers={**JSON, "origin": ORIGIN})
    assert reply.status_code == 200
    assert reply.headers["access-control-allow-origin"] == ORIGIN
    other = client.options("/v1/traces", headers={
        "origin": "http://elsewhere.test", "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in other.headers


def test_healthz(client):
    assert client.get("/healthz").status_code == 200
