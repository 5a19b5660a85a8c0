"""The UI tests' telemetry, sent through the real OpenTelemetry SDK to a test stack: a
small trace with HTTP, DB, gen_ai and failing spans and logs inside them, and large
traces (500 and 10,000 spans). Times are fixed offsets from now, so durations are known."""

from __future__ import annotations

import time
from dataclasses import dataclass

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

MS = 1_000_000


@dataclass
class Sent:
    trace_id: str
    root: str
    span_names: list[str]


def _hex(span: trace.Span) -> str:
    return format(span.get_span_context().trace_id, "032x")


def shop_trace(stack, service: str = "ui-shop") -> Sent:
    """GET /orders/{id} (120 ms) -> SELECT orders (30 ms, a log), chat gpt-4o (50 ms),
    charge card (20 ms, ERROR with an exception event and an error log)."""
    t0 = time.time_ns() - 5_000 * MS
    with stack.sdk(service, **{"deployment.environment": "test"}) as (tracer, logger):
        root = tracer.start_span("GET /orders/{id}", kind=SpanKind.SERVER, start_time=t0,
                                 attributes={"http.request.method": "GET",
                                             "http.route": "/orders/{id}",
                                             "http.response.status_code": 200,
                                             "url.full": "http://shop/orders/42"})
        with trace.use_span(root):
            logger.debug("handling order 42")
            db = tracer.start_span("SELECT orders", kind=SpanKind.CLIENT, start_time=t0 + 5 * MS,
                                   attributes={"db.system": "postgresql", "db.statement":
                                               "SELECT * FROM orders WHERE id = $1"})
            with trace.use_span(db):
                logger.info("order 42 loaded from the database")
            db.end(end_time=t0 + 35 * MS)
            llm = tracer.start_span("chat gpt-4o", kind=SpanKind.CLIENT, start_time=t0 + 40 * MS,
                                    attributes={"gen_ai.system": "openai",
                                                "gen_ai.request.model": "gpt-4o",
                                                "gen_ai.usage.input_tokens": 1200,
                                                "gen_ai.usage.output_tokens": 80})
            llm.end(end_time=t0 + 90 * MS)
            charge = tracer.start_span("charge card", start_time=t0 + 95 * MS,
                                       attributes={"payment.provider": "acme"})
            with trace.use_span(charge):
                charge.record_exception(ValueError("card declined"))
                charge.set_status(Status(StatusCode.ERROR, "card declined"))
                logger.error("card declined for order 42")
            charge.end(end_time=t0 + 115 * MS)
        root.end(end_time=t0 + 120 * MS)
    return Sent(_hex(root), "GET /orders/{id}",
                ["GET /orders/{id}", "SELECT orders", "chat gpt-4o", "charge card"])


def big_trace(stack, spans: int, service: str) -> Sent:
    """One trace of `spans` spans: a root, ten `stage-k` children, the rest `step-i` under
    them; sent in large batches."""
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(BatchSpanProcessor(
        OTLPSpanExporter(endpoint=stack.otlp, insecure=True),
        max_queue_size=spans + 100, max_export_batch_size=min(2000, spans),
        schedule_delay_millis=200))
    tracer = provider.get_tracer("ui-tests")
    t0 = time.time_ns() - 60_000 * MS
    root = tracer.start_span("big root", start_time=t0)
    context = trace.set_span_in_context(root)
    stages = []
    for k in range(10):
        stage = tracer.start_span(f"stage-{k}", context=context, start_time=t0 + k * 100 * MS)
        stages.append(stage)
    names = ["big root"] + [f"stage-{k}" for k in range(10)]
    for i in range(spans - 11):
        k = i % 10
        step = tracer.start_span(f"step-{i}", context=trace.set_span_in_context(stages[k]),
                                 start_time=t0 + k * 100 * MS + (i // 10) * 10_000)
        step.end(end_time=t0 + k * 100 * MS + (i // 10) * 10_000 + 2 * MS)
        names.append(f"step-{i}")
    for k, stage in enumerate(stages):
        stage.end(end_time=t0 + k * 100 * MS + 90 * MS)
    root.end(end_time=t0 + 1000 * MS)
    provider.shutdown()
    return Sent(_hex(root), "big root", names)


def parallel_trace(stack, service: str = "ui-cp") -> Sent:
    """root (0-100 ms) -> A (10-60 ms), B (20-40 ms: inside A's time, so off the path),
    C (70-90 ms). By hand: the critical path is root, A and C; self times root 30 ms
    (100 - 50 - 20), A 50, B 20, C 20 ms."""
    t0 = time.time_ns() - 7_200_000 * MS  # 2 h ago: out of the other tests' last hour
    with stack.sdk(service) as (tracer, _):
        root = tracer.start_span("cp root", kind=SpanKind.SERVER, start_time=t0)
        context = trace.set_span_in_context(root)
        for name, start, end in (("cp A", 10, 60), ("cp B", 20, 40), ("cp C", 70, 90)):
            tracer.start_span(name, context=context, start_time=t0 + start * MS).end(
                end_time=t0 + end * MS)
        root.end(end_time=t0 + 100 * MS)
    return Sent(_hex(root), "cp root", ["cp root", "cp A", "cp B", "cp C"])


def multi_service_trace(stack) -> Sent:
    """map-web GET /checkout (SERVER) -> its CLIENT POST /pay -> map-pay POST /pay (SERVER,
    ERROR) -> its PRODUCER publish -> map-worker process (CONSUMER); map-web's root also
    has an INTERNAL child in map-audit. The edges, by hand: map-web -> map-pay
    CLIENT_SERVER (1 call, failed), map-pay -> map-worker PRODUCER_CONSUMER,
    map-web -> map-audit PARENT_CHILD."""
    t0 = time.time_ns() - 7_200_000 * MS  # 2 h ago: out of the other tests' last hour
    with stack.sdk("map-web") as (web, _), stack.sdk("map-pay") as (pay, _), \
            stack.sdk("map-worker") as (worker, _), stack.sdk("map-audit") as (audit, _):
        root = web.start_span("GET /checkout", kind=SpanKind.SERVER, start_time=t0)
        inside = trace.set_span_in_context(root)
        client = web.start_span("POST /pay", kind=SpanKind.CLIENT, context=inside,
                                start_time=t0 + 5 * MS)
        server = pay.start_span("POST /pay", kind=SpanKind.SERVER,
                                context=trace.set_span_in_context(client), start_time=t0 + 6 * MS)
        producer = pay.start_span("publish paid", kind=SpanKind.PRODUCER,
                                  context=trace.set_span_in_context(server),
                                  start_time=t0 + 10 * MS)
        worker.start_span("process paid", kind=SpanKind.CONSUMER,
                          context=trace.set_span_in_context(producer),
                          start_time=t0 + 12 * MS).end(end_time=t0 + 30 * MS)
        producer.end(end_time=t0 + 11 * MS)
        server.set_status(Status(StatusCode.ERROR, "payment refused"))
        server.end(end_time=t0 + 40 * MS)
        client.end(end_time=t0 + 41 * MS)
        audit.start_span("record checkout", context=inside,
                         start_time=t0 + 45 * MS).end(end_time=t0 + 50 * MS)
        root.end(end_time=t0 + 60 * MS)
    return Sent(_hex(root), "GET /checkout",
                ["GET /checkout", "POST /pay", "POST /pay", "publish paid", "process paid",
                 "record checkout"])
