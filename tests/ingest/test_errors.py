"""Bad input gets the OTLP answer, never a 500: 400/INVALID_ARGUMENT with a Status body,
404, 405, 413/RESOURCE_EXHAUSTED after decompression (a gzip bomb included), 415, and
partial success for the items with bad ids."""

from __future__ import annotations

import gzip
import json
import uuid
import zlib

import grpc
import httpx
import pytest
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from ingest import signals
from ollygraph import settings
from tests.ingest import payloads, receiver

PROTOBUF = {"content-type": "application/x-protobuf"}
JSON = {"content-type": "application/json"}
LIMIT = settings.Settings().max_request_bytes


@pytest.fixture
def client(ingest):
    with httpx.Client(base_url=ingest.http_url, timeout=60) as http:
        yield http


@pytest.fixture
def channel(ingest):
    with grpc.insecure_channel(ingest.grpc_target) as chan:
        yield chan


def status_of(reply: httpx.Response) -> status_pb2.Status:
    """The google.rpc.Status body, in the encoding of the response."""
    status = status_pb2.Status()
    if reply.headers["content-type"] == "application/json":
        body = reply.json()
        status.code, status.message = body.get("code", 0), body.get("message", "")
    else:
        assert reply.headers["content-type"] == "application/x-protobuf"
        status.ParseFromString(reply.content)
    return status


BAD_PROTOBUF = [b"\xff\xff\xff\xff", b"\x0a\x05abc", b"\x0a\x02\x0a\x05", b"\x08" + b"\x80" * 11]
BAD_JSON = [b"{", b"[]", b"null", b'"x"',
            b'{"resourceSpans": 5, "resourceLogs": 5, "resourceMetrics": 5}',
            b'{"resourceSpans": [1], "resourceLogs": [1], "resourceMetrics": [1]}',
            b"[" * 100_000, b"\xff\xfe{}"]
BAD_ITEMS_JSON = {  # a bad hex id, a bad 64-bit integer
    "traces": ['{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]}',
               '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"soon"}]}]}]}'],
    "logs": ['{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"spanId":"0g"}]}]}]}',
             '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1.5e"}]}]}]}'],
    "metrics": ['{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":'
                '[{"exemplars":[{"traceId":"not hex"}]}]}}]}]}]}',
                '{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"dataPoints":'
                '[{"asInt":"many"}]}}]}]}]}'],
}


@pytest.mark.parametrize("signal", signals.SIGNALS, ids=lambda s: s.name)
def test_unparseable_protobuf_is_400_with_a_status(client, signal):
    for body in BAD_PROTOBUF:
        reply = client.post(signal.http_path, content=body, headers=PROTOBUF)
        assert reply.status_code == 400, body
        status = status_of(reply)
        assert status.code == code_pb2.INVALID_ARGUMENT and status.message
        assert any(d.Is(error_details_pb2.BadRequest.DESCRIPTOR) for d in status.details)


@pytest.mark.parametrize("signal", signals.SIGNALS, ids=lambda s: s.name)
def test_bad_json_is_400_with_a_json_status(client, signal):
    for body in [*BAD_JSON, *(b.encode() for b in BAD_ITEMS_JSON[signal.name])]:
        reply = client.post(signal.http_path, content=body, headers=JSON)
        assert reply.status_code == 400, body[:80]
        assert reply.headers["content-type"] == "application/json"
        assert status_of(reply).code == code_pb2.INVALID_ARGUMENT


def test_corrupt_gzip_is_400(client):
    body = gzip.compress(b"\x0a\x00" * 100)
    for bad in (body[:-4], b"not gzip at all"):
        reply = client.post("/v1/traces", content=bad,
                            headers={**PROTOBUF, "content-encoding": "gzip"})
        assert reply.status_code == 400
        assert status_of(reply).code == code_pb2.INVALID_ARGUMENT


def test_unknown_content_type_or_encoding_is_415(client):
    for headers in ({"content-type": "text/plain"}, {},
                    {**PROTOBUF, "content-encoding": "br"}):
        reply = client.post("/v1/traces", content=b"", headers=headers)
        assert reply.status_code == 415, headers
        assert status_of(reply).message


def test_wrong_method_is_405_and_unknown_path_404(client):
    for method in ("GET", "PUT", "DELETE"):
        reply = client.request(method, "/v1/logs")
        assert reply.status_code == 405
        assert reply.headers["allow"] == "POST"
        assert status_of(reply).message
    reply = client.post("/v1/spans", content=b"{}", headers=JSON)
    assert reply.status_code == 404
    assert "/v1/traces" in status_of(reply).message


def test_body_over_the_limit_is_413(client):
    reply = client.post("/v1/traces", content=bytes(LIMIT + 1), headers=PROTOBUF)
    assert reply.status_code == 413
    assert status_of(reply).code == code_pb2.RESOURCE_EXHAUSTED


def gzip_bomb(size: int) -> bytes:
    """`size` bytes of zeros as gzip: members of 64 MiB of zeros, about 64 KiB each."""
    member = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    one = member.compress(bytes(64 << 20)) + member.flush()
    return one * (size // (64 << 20))


def test_gzip_bomb_is_413_with_bounded_memory(client, ingest):
    bomb = gzip_bomb(1 << 30)  # 1 GiB of zeros in about 1 MiB
    assert len(bomb) < 2 << 20
    before = ingest.peak_rss_kib()
    reply = client.post("/v1/traces", content=bomb,
                        headers={**PROTOBUF, "content-encoding": "gzip"})
    assert reply.status_code == 413
    assert status_of(reply).code == code_pb2.RESOURCE_EXHAUSTED
    growth_mib = (ingest.peak_rss_kib() - before) / 1024
    assert growth_mib < 4 * LIMIT / (1 << 20), f"peak memory grew by {growth_mib:.0f} MiB"
    # the server is fine afterwards
    assert client.post("/v1/traces", content=b"", headers=PROTOBUF).status_code == 200


def test_partial_success_counts_items_with_bad_ids(client, sql, module_schema, channel):
    for transport in ("http", "grpc"):
        name, trace_id = f"bad-ids-{transport}-{uuid.uuid4().hex[:6]}", payloads.new_trace_id()
        request = payloads.traces(name, trace_id, count=2, bad_ids=1)
        if transport == "http":
            reply = client.post("/v1/traces", content=request.SerializeToString(), headers=PROTOBUF)
            assert reply.status_code == 200
            response = signals.BY_NAME["traces"].response.FromString(reply.content)
        else:
            export = channel.unary_unary(
                signals.BY_NAME["traces"].grpc_method,
                response_deserializer=signals.BY_NAME["traces"].response.FromString)
            response = export(request.SerializeToString(), timeout=30)
        assert response.partial_success.rejected_spans == 1
        assert response.partial_success.error_message
        assert len(receiver.spans(sql, module_schema, trace_id.hex())) == 2


def test_partial_success_in_json(client):
    request = {"resourceSpans": [{"scopeSpans": [{"spans": [
        {"traceId": "0102", "spanId": "0102030405060708", "name": "short trace id",
         "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000000000001"}]}]}]}
    reply = client.post("/v1/traces", content=json.dumps(request), headers=JSON)
    assert reply.status_code == 200
    assert reply.json()["partialSuccess"]["rejectedSpans"] == "1"


@pytest.mark.parametrize("signal", signals.SIGNALS, ids=lambda s: s.name)
def test_grpc_garbage_is_invalid_argument(channel, signal):
    export = channel.unary_unary(signal.grpc_method)
    for body in BAD_PROTOBUF:
        with pytest.raises(grpc.RpcError) as failed:
            export(body, timeout=30)
        assert failed.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_grpc_gzip_bomb_is_resource_exhausted_with_bounded_memory(channel, ingest):
    """gRPC decompresses; its limit must stop it early, not after inflating it all."""
    export = channel.unary_unary(signals.BY_NAME["traces"].grpc_method)
    payload = bytes(8 * LIMIT)
    before = ingest.peak_rss_kib()
    with pytest.raises(grpc.RpcError) as failed:
        export(payload, timeout=120, compression=grpc.Compression.Gzip)
    assert failed.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    growth_mib = (ingest.peak_rss_kib() - before) / 1024
    assert growth_mib < 4 * LIMIT / (1 << 20), f"peak memory grew by {growth_mib:.0f} MiB"


def test_grpc_over_the_limit_is_resource_exhausted_without_retry_info(channel):
    export = channel.unary_unary(signals.BY_NAME["logs"].grpc_method)
    for compression in (grpc.Compression.NoCompression, grpc.Compression.Gzip):
        with pytest.raises(grpc.RpcError) as failed:
            export(bytes(LIMIT + 1), timeout=60, compression=compression)
        assert failed.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        status = rpc_status.from_call(failed.value)
        assert status is None or not any(
            d.Is(error_details_pb2.RetryInfo.DESCRIPTOR) for d in status.details)
