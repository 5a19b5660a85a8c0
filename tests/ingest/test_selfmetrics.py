"""Ingest's own metrics and access log, from a real process: the OpenTelemetry SDK's
exporters send over both transports, `/metrics` is scraped and parsed with
prometheus-client's parser, and the counters move by exactly what was sent and refused;
with `--workers 2` every scrape tells the total of both workers."""

from __future__ import annotations

import json
import logging
import time
import uuid
import warnings

import grpc
import httpx
import pytest
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status
from opentelemetry.sdk import _logs as sdk_logs
from opentelemetry.sdk import metrics as sdk_metrics
from opentelemetry.sdk import trace as sdk_trace
from opentelemetry.sdk._logs import export as logs_export
from opentelemetry.sdk.metrics import export as metrics_export
from opentelemetry.sdk.trace import export as trace_export

from tests.ingest import payloads, receiver
from tests.ingest.test_sdk import exporter, resource
from tests.scrape import Samples, delta, scrape

PROTOBUF = {"content-type": "application/x-protobuf"}
TRACES_GRPC = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"


@pytest.fixture(scope="module")
def ingest(database_url, module_schema):
    """An ingest of its own (its counters start at zero) logging JSON lines."""
    with receiver.running(database_url, module_schema, "--log-format", "json") as proc:
        yield proc


def metrics_of(ingest: receiver.Ingest) -> Samples:
    return scrape(ingest.http_url + "/metrics")


def send_spans(ingest: receiver.Ingest, transport: str, count: int, batch: bool) -> None:
    """`count` spans through the SDK: one export each, or one export for all (`batch`)."""
    provider = sdk_trace.TracerProvider(resource=resource(f"selfmetrics-{transport}"))
    processor = trace_export.BatchSpanProcessor if batch else trace_export.SimpleSpanProcessor
    provider.add_span_processor(processor(exporter("spans", transport, ingest)))
    tracer = provider.get_tracer("tests.selfmetrics")
    for i in range(count):
        with tracer.start_as_current_span(f"work-{i}"):
            pass
    provider.shutdown()


def send_logs(ingest: receiver.Ingest, transport: str, count: int) -> None:
    provider = sdk_logs.LoggerProvider(resource=resource(f"selfmetrics-logs-{transport}"))
    provider.add_log_record_processor(logs_export.SimpleLogRecordProcessor(
        exporter("logs", transport, ingest)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        handler = sdk_logs.LoggingHandler(level=logging.INFO, logger_provider=provider)
    logger = logging.getLogger(f"tests.selfmetrics.{uuid.uuid4().hex}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        for i in range(count):
            logger.info("record %d", i)
    finally:
        logger.removeHandler(handler)
        provider.shutdown()


def send_points(ingest: receiver.Ingest, transport: str) -> int:
    """One export of three data points (two counter series, one histogram)."""
    reader = metrics_export.PeriodicExportingMetricReader(
        exporter("metrics", transport, ingest), export_interval_millis=3_600_000)
    provider = sdk_metrics.MeterProvider(metric_readers=[reader],
                                         resource=resource("selfmetrics-points"))
    meter = provider.get_meter("tests.selfmetrics")
    counter = meter.create_counter("selfmetrics.requests")
    counter.add(1, {"route": "/a"})
    counter.add(1, {"route": "/b"})
    meter.create_histogram("selfmetrics.latency").record(5.0)
    provider.shutdown()
    return 3


def access_lines(ingest: receiver.Ingest) -> list[dict]:
    lines = [line for line in ingest.log().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    return [r for r in records if r["logger"] == "ollygraph.access"]


def test_counters_move_by_what_was_sent_and_refused(ingest):
    before = metrics_of(ingest)
    send_spans(ingest, "http", 3, batch=False)  # three exports of one span
    send_spans(ingest, "grpc", 5, batch=True)   # one export of five
    send_logs(ingest, "grpc", 4)
    points = send_points(ingest, "http")
    bad = payloads.traces("selfmetrics-bad", payloads.new_trace_id(), count=2, bad_ids=3)
    reply = httpx.post(ingest.http_url + "/v1/traces", content=bad.SerializeToString(),
                       headers=PROTOBUF)
    assert reply.status_code == 200  # partial success: 2 stored, 3 refused
    assert httpx.post(ingest.http_url + "/v1/traces", content=b"{}",
                      headers={"content-type": "text/csv"}).status_code == 415
    assert httpx.post(ingest.http_url + "/v1/logs", content=b"\xff\xff\xff\xff",
                      headers=PROTOBUF).status_code == 400
    after = metrics_of(ingest)

    def moved(name: str, **labels: str) -> float:
        return delta(before, after, name, **labels)

    accepted = "ollygraph_ingest_items_accepted_total"
    assert moved(accepted, signal="traces") == 3 + 5 + 2
    assert moved(accepted, signal="logs") == 4
    assert moved(accepted, signal="metrics") == points
    rejected = "ollygraph_ingest_items_rejected_total"
    assert moved(rejected, signal="traces", reason="invalid") == 3
    assert moved(rejected) == 3
    requests = "ollygraph_ingest_requests_total"
    assert moved(requests, signal="traces", transport="http", outcome="ok") == 3
    assert moved(requests, signal="traces", transport="grpc", outcome="ok") == 1
    assert moved(requests, signal="traces", transport="http", outcome="partial") == 1
    assert moved(requests, signal="traces", transport="http", outcome="unsupported") == 1
    assert moved(requests, signal="logs", transport="http", outcome="invalid") == 1
    assert moved(requests, signal="logs", transport="grpc", outcome="ok") == 4
    assert moved(requests, signal="metrics", transport="http", outcome="ok") == 1
    assert moved(requests) == 3 + 1 + 1 + 1 + 1 + 4 + 1
    assert moved("ollygraph_ingest_retryable_responses_total") == 0
    # latency and size of every request, by signal and transport
    duration = "ollygraph_ingest_request_duration_seconds_count"
    assert moved(duration, signal="traces", transport="http") == 5
    assert moved(duration, signal="traces", transport="grpc") == 1
    assert moved("ollygraph_ingest_request_items_count", signal="traces") == 3 + 1 + 1
    assert moved("ollygraph_ingest_request_items_sum", signal="traces") == 3 + 5 + 5
    assert moved("ollygraph_ingest_request_items_sum", signal="logs") == 4
    # COPY transactions: at least one per signal, each with its rows
    for signal in ("traces", "logs", "metrics"):
        assert moved("ollygraph_ingest_write_seconds_count", signal=signal) >= 1
        assert moved("ollygraph_ingest_write_rows_sum", signal=signal) >= 1
    # everything answered: nothing left in flight; the database is up
    assert after.total("ollygraph_ingest_in_flight_items") == 0
    assert after.get_value("ollygraph_ingest_in_flight_bytes") == 0
    assert after.get_value("ollygraph_ingest_database_up") == 1


def test_access_log_lines_are_json_with_the_request_fields(ingest):
    send_spans(ingest, "grpc", 1, batch=False)
    reply = httpx.post(ingest.http_url + "/v1/traces", headers=PROTOBUF, content=payloads.traces(
        "selfmetrics-access", payloads.new_trace_id()).SerializeToString())
    assert reply.status_code == 200
    deadline = time.monotonic() + 10  # a line is written when its request is answered
    while True:
        lines = access_lines(ingest)
        http = [r for r in lines if r["transport"] == "http" and r["path"] == "/v1/traces"
                and r["status"] == 200]
        grpc = [r for r in lines if r["transport"] == "grpc" and r["method"] == TRACES_GRPC]
        if (http and grpc) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert http and grpc, ingest.log()
    assert http[-1]["method"] == "POST" and http[-1]["level"] == "INFO"
    assert isinstance(http[-1]["duration_ms"], float) and http[-1]["duration_ms"] >= 0
    assert grpc[-1]["status"] == "OK" and grpc[-1]["duration_ms"] >= 0
    assert {"time", "level", "logger", "message", "pid"} <= set(grpc[-1])
    assert not any(r.get("path") == "/healthz" for r in lines)  # probes: DEBUG


def test_workers_share_one_set_of_counters(database_url, module_schema):
    with receiver.running(database_url, module_schema, "--workers", "2",
                          "--log-format", "json") as ingest:
        deadline = time.monotonic() + 60
        while len(receiver.worker_pids(ingest)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        receiver.wait_ready(ingest)
        before = metrics_of(ingest)
        exports = 24
        for i in range(exports):  # each on a new connection: the kernel spreads them
            request = payloads.traces(f"workers-{i}", payloads.new_trace_id(), count=3)
            assert httpx.post(ingest.http_url + "/v1/traces", headers={
                **PROTOBUF, "connection": "close"},
                content=request.SerializeToString()).status_code == 200
        served_by = {r["pid"] for r in access_lines(ingest) if r.get("path") == "/v1/traces"}
        assert len(served_by) == 2, "both workers should have served exports"
        for _ in range(6):  # whichever worker answers the scrape tells the same totals
            after = metrics_of(ingest)
            assert delta(before, after, "ollygraph_ingest_items_accepted_total",
                         signal="traces") == 3 * exports
            assert delta(before, after, "ollygraph_ingest_requests_total", signal="traces",
                         outcome="ok") == exports
            assert after.total("ollygraph_ingest_in_flight_items") == 0
            assert after.get_value("ollygraph_ingest_database_up") == 1


@pytest.mark.parametrize("transport", ["http", "grpc"])
def test_an_internal_error_has_one_correlation_id_in_the_answer_and_the_log(ingest, sql,
                                                                           module_schema,
                                                                           transport):
    """The store refuses the write (a CHECK constraint the ingest does not know of): the
    client gets a 500 / INTERNAL naming a correlation id, the log an ERROR record with it."""
    service = f"refused-{transport}"
    table = f'"{module_schema}".otel_resources_dim'
    sql.execute(f"ALTER TABLE {table} ADD CONSTRAINT refused CHECK (service_name <> "
                f"'{service}') NOT VALID")
    try:
        request = payloads.traces(service, payloads.new_trace_id())
        if transport == "http":
            reply = httpx.post(ingest.http_url + "/v1/traces", headers=PROTOBUF,
                               content=request.SerializeToString())
            assert reply.status_code == 500, reply.content
            status = status_pb2.Status.FromString(reply.content)
        else:
            with grpc.insecure_channel(ingest.grpc_target) as channel, \
                    pytest.raises(grpc.RpcError) as raised:
                channel.unary_unary(TRACES_GRPC)(request.SerializeToString(), timeout=30)
            status = rpc_status.from_call(raised.value)
            assert raised.value.code() == grpc.StatusCode.INTERNAL
    finally:
        sql.execute(f"ALTER TABLE {table} DROP CONSTRAINT refused")
    [detail] = [d for d in status.details if d.Is(error_details_pb2.ErrorInfo.DESCRIPTOR)]
    info = error_details_pb2.ErrorInfo()
    detail.Unpack(info)
    correlation = info.metadata["correlationId"]
    assert info.reason == "INTERNAL" and correlation in status.message
    assert "refused" not in status.message  # nothing of the cause reaches the client
    records = [json.loads(line) for line in ingest.log().splitlines() if line.strip()]
    [record] = [r for r in records if r.get("correlation_id") == correlation]
    assert record["level"] == "ERROR" and correlation in record["message"]
    assert record["signal"] == "traces" and record["transport"] == transport
    assert "CheckViolationError" in record["exception"]
