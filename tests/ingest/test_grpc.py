"""OTLP/gRPC: the three Export services, the health service, gzip, retries, workers."""

from __future__ import annotations

import uuid

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from ingest import signals
from tests.ingest import payloads, receiver


@pytest.fixture
def channel(ingest):
    with grpc.insecure_channel(ingest.grpc_target) as chan:
        yield chan


def exporter(channel: grpc.Channel, signal: signals.Signal):
    return channel.unary_unary(signal.grpc_method,
                               request_serializer=lambda message: message.SerializeToString(),
                               response_deserializer=signal.response.FromString)


@pytest.mark.parametrize("signal", signals.SIGNALS, ids=lambda s: s.name)
def test_each_service_accepts_empty_and_sample_requests(channel, signal):
    export = exporter(channel, signal)
    assert not export(signal.request(), timeout=30).HasField("partial_success")
    sample = payloads.sample(signal.name, "grpc-" + uuid.uuid4().hex[:8])
    assert not export(sample, timeout=30).HasField("partial_success")


def test_health_service_reports_each_otlp_service(channel):
    health = health_pb2_grpc.HealthStub(channel)
    for name in ["", *(s.grpc_method.split("/")[1] for s in signals.SIGNALS)]:
        reply = health.Check(health_pb2.HealthCheckRequest(service=name), timeout=10)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING, name


@pytest.mark.parametrize("compression", [grpc.Compression.Gzip, grpc.Compression.Deflate],
                         ids=["gzip", "deflate"])
def test_compressed_request_is_stored_once_when_retried(channel, sql, module_schema,
                                                        compression):
    name, trace_id = "grpc-compressed-" + uuid.uuid4().hex[:6], payloads.new_trace_id()
    request = payloads.traces(name, trace_id, count=4)
    export = exporter(channel, signals.BY_NAME["traces"])
    for _ in range(2):
        export(request, timeout=30, compression=compression)
    rows = receiver.spans(sql, module_schema, trace_id.hex())
    assert [row[2] for row in rows] == [f"{name}-span-{i}" for i in range(4)]
    assert {row[1] for row in rows[1:]} == {rows[0][0]}


def test_workers_share_the_ports_and_stop_cleanly(database_url, module_schema, sql):
    """--workers 2: both transports served by two processes on the same ports."""
    with receiver.running(database_url, module_schema, "--workers", "2") as ingest:
        trace_ids = []
        for i in range(6):  # a new connection each time, so both workers may get some
            trace_id = payloads.new_trace_id()
            trace_ids.append(trace_id)
            request = payloads.traces(f"workers-{i}", trace_id, count=1)
            if i % 2:
                with grpc.insecure_channel(ingest.grpc_target) as chan:
                    exporter(chan, signals.BY_NAME["traces"])(request, timeout=30)
            else:
                reply = httpx.post(ingest.http_url + "/v1/traces",
                                   content=request.SerializeToString(),
                                   headers={"content-type": "application/x-protobuf"}, timeout=30)
                assert reply.status_code == 200
        assert len(receiver.worker_pids(ingest)) == 2
    for trace_id in trace_ids:
        assert len(receiver.spans(sql, module_schema, trace_id.hex())) == 1
