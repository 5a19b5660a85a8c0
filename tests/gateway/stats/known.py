"""Known telemetry for the aggregation tests, sent through the real OpenTelemetry SDK, and
the expected numbers computed from the same lists in Python."""

from __future__ import annotations

import math
import time
from typing import Any, NamedTuple

from opentelemetry import trace as otel_trace
from opentelemetry._logs import SeverityNumber
from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

from gateway import scalars

MS = 1_000_000
MINUTE = 60_000 * MS


class KnownSpan(NamedTuple):
    service: str
    name: str
    kind: str
    at_ms: int          # after the base time
    duration_ms: int
    error: bool
    attributes: dict[str, Any]
    trace: int = -1     # spans of the same trace number share a trace (first one is root)


SPANS = [
    KnownSpan("checkout", "GET /a", "SERVER", 0, 10, False, {"http.route": "/a"}, 0),
    KnownSpan("checkout", "GET /a", "SERVER", 15_000, 20, True, {"http.route": "/a"}, 1),
    KnownSpan("checkout", "GET /a", "SERVER", 65_000, 30, False, {"http.route": "/a"}, 2),
    KnownSpan("checkout", "GET /a", "SERVER", 70_000, 40, False, {"http.route": "/a"}, 3),
    KnownSpan("checkout", "GET /b", "SERVER", 5_000, 100, False, {"http.route": "/b"}, 4),
    KnownSpan("checkout", "GET /b", "SERVER", 125_000, 200, True, {"http.route": "/b"}, 5),
    KnownSpan("checkout", "chat", "CLIENT", 16_000, 300, False, {
        "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 100,
        "custom.cost": 0.5, "tenant": "t1"}, 1),
    KnownSpan("checkout", "chat", "CLIENT", 126_000, 500, False, {
        "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 300,
        "custom.cost": 1.5, "tenant": "t2"}, 5),
    KnownSpan("checkout", "chat", "CLIENT", 130_000, 700, True, {
        "gen_ai.request.model": "gpt-4o-mini", "gen_ai.usage.input_tokens": 50,
        "custom.cost": 0.25, "tenant": "t1"}, 6),
    KnownSpan("billing", "charge", "INTERNAL", 1_000, 5, False, {"tenant": "t1"}, 7),
    KnownSpan("billing", "charge", "INTERNAL", 61_000, 6, False, {"tenant": "t1"}, 8),
    KnownSpan("billing", "charge", "INTERNAL", 121_000, 7, False, {"tenant": "t2"}, 9),
]


class KnownLog(NamedTuple):
    service: str
    at_ms: int
    severity: SeverityNumber
    text: str
    body: str
    attributes: dict[str, Any]


LOGS = [
    KnownLog("checkout", 1_000, SeverityNumber.INFO, "INFO", "started", {"user.id": "u1"}),
    KnownLog("checkout", 2_000, SeverityNumber.INFO, "INFO", "paid", {"user.id": "u2"}),
    KnownLog("checkout", 61_000, SeverityNumber.ERROR, "ERROR", "failed", {"user.id": "u1"}),
    KnownLog("checkout", 62_000, SeverityNumber.WARN, "WARN", "slow", {"bytes": 10}),
    KnownLog("billing", 3_000, SeverityNumber.INFO, "INFO", "charged", {"bytes": 30}),
    KnownLog("billing", 121_000, SeverityNumber.FATAL, "FATAL", "down", {"bytes": 50}),
]


def base_time() -> int:
    """A whole minute half an hour ago: the data spans its first three minutes."""
    return (time.time_ns() - 30 * MINUTE) // MINUTE * MINUTE


def time_range(base: int, minutes: int = 5) -> dict[str, str]:
    return {"from": scalars.format_timestamp(base),
            "to": scalars.format_timestamp(base + minutes * MINUTE - 1)}


def send(otlp: str, base: int) -> dict[int, str]:
    """Send SPANS and LOGS (times after `base`); returns trace number -> trace id."""
    traces: dict[int, str] = {}
    for service in sorted({s.service for s in SPANS} | {g.service for g in LOGS}):
        resource = Resource.create({"service.name": service, "deployment.environment": "test"})
        provider = TracerProvider(resource=resource)
        provider.add_span_processor(SimpleSpanProcessor(
            OTLPSpanExporter(endpoint=otlp, insecure=True)))
        tracer = provider.get_tracer("stats-tests", "1.0")
        roots: dict[int, Any] = {}
        for s in (s for s in SPANS if s.service == service):
            context = (otel_trace.set_span_in_context(roots[s.trace]) if s.trace in roots
                       else None)
            span = tracer.start_span(s.name, context=context, kind=SpanKind[s.kind],
                                     start_time=base + s.at_ms * MS, attributes=s.attributes)
            if s.error:
                span.set_status(Status(StatusCode.ERROR))
            span.end(end_time=base + (s.at_ms + s.duration_ms) * MS)
            roots.setdefault(s.trace, span)
            traces[s.trace] = format(span.get_span_context().trace_id, "032x")
        provider.shutdown()
        logs = LoggerProvider(resource=resource)
        logs.add_log_record_processor(SimpleLogRecordProcessor(
            OTLPLogExporter(endpoint=otlp, insecure=True)))
        logger = logs.get_logger("stats-tests")
        for g in (g for g in LOGS if g.service == service):
            logger.emit(timestamp=base + g.at_ms * MS, severity_number=g.severity,
                        severity_text=g.text, body=g.body, attributes=g.attributes)
        logs.shutdown()
    return traces


def quantile(values: list[float], q: float) -> float:
    """PostgreSQL's percentile_cont."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])
