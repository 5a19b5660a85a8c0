"""`ollygraph demo`: realistic telemetry through the real OpenTelemetry SDK.

Five services send over OTLP/gRPC to a running ingest:
- `web-shop`: HTTP server spans with a database client child, correlated logs, one
  failing request with an exception event and an error log;
- `support-agent`: an AI-agent workflow (`gen_ai.*` chat and tool spans with token
  usage and cost, workflow/node spans) with correlated logs;
- `order-worker`: a messaging consumer whose span links to the producing span, and the
  consumer of the payments queue;
- `storefront` calling `payments` (a frontend calling a backend: CLIENT -> SERVER), which
  writes to its database and publishes to a queue that `order-worker` consumes
  (PRODUCER -> CONSUMER); some payments are declined (errors on both sides of the call).
The traces of the last three give the service graph (serviceGraph) its edges.
Metrics: a request counter, an in-flight up-down counter, an explicit-bucket latency
histogram (bounds in seconds, the unit it records), an exponential token-usage histogram
and an observable queue-depth gauge.

It first checks that something answers on the endpoint, and afterwards that every export
succeeded; otherwise it raises `NotDelivered`, whose message says what to start.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.metrics.view import (
    ExplicitBucketHistogramAggregation,
    ExponentialBucketHistogramAggregation,
    View,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

from ollygraph import demo_workflows
from ollygraph.settings import Settings

SERVICES = ("web-shop", "support-agent", "order-worker", "storefront", "payments")
# HTTP latency in seconds: the semantic conventions' advice for http.server.request.duration,
# with two finer bounds for the demo's millisecond requests (the SDK's default bounds,
# 0, 5, 10, 25, ..., are meant for milliseconds and would put them all in one bucket)
LATENCY_BOUNDS_S = (0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5,
                    0.75, 1.0, 2.5, 5.0, 7.5, 10.0)
CONNECT_TIMEOUT_S = 3.0
EXPORT_TIMEOUT_S = 5.0


class NotDelivered(RuntimeError):
    """The telemetry did not reach an ingest; str() is one line saying what to start."""


class Deliveries:
    """Counts the exports that did not succeed, across every exporter it wraps."""

    def __init__(self) -> None:
        self.failed = 0
        self._lock = threading.Lock()

    def checked(self, exporter):  # type: ignore[no-untyped-def]
        export = exporter.export

        def export_and_count(*args, **kwargs):  # type: ignore[no-untyped-def]
            result = export(*args, **kwargs)
            if result.name != "SUCCESS":
                with self._lock:
                    self.failed += 1
            return result

        exporter.export = export_and_count
        return exporter


class Service:
    """One service's SDK pipeline: tracer, Python logger and meter, all exporting OTLP."""

    def __init__(self, name: str, endpoint: str, deliveries: Deliveries) -> None:
        resource = Resource.create(
            {
                "service.name": name,
                "service.namespace": "demo",
                "service.version": "1.4.2",
                "deployment.environment": "staging",
                "host.name": f"{name}-7d9f",
                "k8s.namespace.name": "shop",
            }
        )
        self.tracer_provider = TracerProvider(resource=resource)
        self.tracer_provider.add_span_processor(
            BatchSpanProcessor(deliveries.checked(OTLPSpanExporter(
                endpoint=endpoint, insecure=True, timeout=EXPORT_TIMEOUT_S)))
        )
        self.tracer = self.tracer_provider.get_tracer("ollygraph.demo", "0.1.0")

        self.logger_provider = LoggerProvider(resource=resource)
        self.logger_provider.add_log_record_processor(
            BatchLogRecordProcessor(deliveries.checked(OTLPLogExporter(
                endpoint=endpoint, insecure=True, timeout=EXPORT_TIMEOUT_S)))
        )
        self.log = logging.getLogger(f"demo.{name}")
        self.log.setLevel(logging.INFO)
        self.log.propagate = False
        self.log.addHandler(LoggingHandler(logger_provider=self.logger_provider))

        reader = PeriodicExportingMetricReader(
            deliveries.checked(OTLPMetricExporter(endpoint=endpoint, insecure=True,
                                                  timeout=EXPORT_TIMEOUT_S)),
            export_interval_millis=60_000,
        )
        self.meter_provider = MeterProvider(
            resource=resource,
            metric_readers=[reader],
            views=[
                View(
                    instrument_name="gen_ai.client.token.usage",
                    aggregation=ExponentialBucketHistogramAggregation(),
                ),
                View(
                    instrument_name="http.server.request.duration",
                    aggregation=ExplicitBucketHistogramAggregation(LATENCY_BOUNDS_S),
                ),
            ],
        )
        self.meter = self.meter_provider.get_meter("ollygraph.demo", "0.1.0")

    def shutdown(self) -> None:
        for provider in (self.tracer_provider, self.logger_provider, self.meter_provider):
            provider.force_flush()
            provider.shutdown()


@contextmanager
def span(service: Service, name: str, kind: SpanKind, **attributes: object) -> Iterator:
    with service.tracer.start_as_current_span(name, kind=kind, attributes=attributes) as s:
        yield s


class Demo:
    def __init__(self, endpoint: str, seed: int = 7) -> None:
        self.random = random.Random(seed)
        self.deliveries = Deliveries()
        self.shop, self.agent, self.worker, self.storefront, self.payments = (
            Service(name, endpoint, self.deliveries) for name in SERVICES)
        meter = self.shop.meter
        self.requests = meter.create_counter(
            "http.server.requests", unit="{request}", description="HTTP requests served"
        )
        self.in_flight = meter.create_up_down_counter(
            "http.server.active_requests", unit="{request}"
        )
        self.latency = meter.create_histogram(
            "http.server.request.duration", unit="s", description="HTTP request latency"
        )
        self.tokens = self.agent.meter.create_histogram("gen_ai.client.token.usage", unit="{token}")
        self.worker.meter.create_observable_gauge(
            "queue.depth", callbacks=[self._queue_depth], unit="{message}"
        )

    def _queue_depth(self, options: CallbackOptions) -> list[Observation]:
        return [Observation(self.random.randint(0, 40), {"queue": "orders"})]

    def http_request(self, order_id: int, fail: bool) -> trace.SpanContext:
        route = "/api/orders/{id}"
        method = "POST" if order_id % 3 == 0 else "GET"
        self.in_flight.add(1, {"http.route": route})
        started = time.perf_counter()
        with span(
            self.shop,
            f"{method} {route}",
            SpanKind.SERVER,
            **{
                "http.method": method,
                "http.route": route,
                "http.target": f"/api/orders/{order_id}",
                "http.scheme": "https",
                "http.host": "shop.example.com",
                "user_agent.original": "Mozilla/5.0",
                "http.request.size": 512.0,
            },
        ) as server:
            self.shop.log.info("handling order %s", order_id, extra={"order.id": order_id})
            with span(
                self.shop,
                "SELECT orders",
                SpanKind.CLIENT,
                **{
                    "db.system": "postgresql",
                    "db.name": "shop",
                    "db.operation": "SELECT",
                    "db.statement": "SELECT * FROM orders WHERE id = $1",
                    "server.address": "db.internal",
                    "server.port": 5432,
                },
            ):
                time.sleep(self.random.uniform(0.001, 0.004))
            status = 200
            if fail:
                status = 500
                try:
                    raise TimeoutError(f"payment provider timed out for order {order_id}")
                except TimeoutError as exc:
                    server.record_exception(exc, attributes={"retry.count": 3})
                    server.set_status(Status(StatusCode.ERROR, str(exc)))
                    self.shop.log.error(
                        "order %s failed",
                        order_id,
                        exc_info=True,
                        extra={"error.type": "TimeoutError"},
                    )
            server.set_attribute("http.status_code", status)
            produced = server.get_span_context()
        self.requests.add(
            1, {"http.route": route, "http.method": method, "http.status_code": status}
        )
        self.latency.record(time.perf_counter() - started, {"http.route": route})
        self.in_flight.add(-1, {"http.route": route})
        return produced

    def agent_workflow(self, ticket: int) -> None:
        with span(
            self.agent,
            "support.workflow",
            SpanKind.INTERNAL,
            **{
                "junjo.span_type": "workflow",
                "junjo.workflow_id": f"wf-{ticket}",
                "ticket.id": ticket,
            },
        ):
            self.agent.log.info("workflow started for ticket %s", ticket)
            for node, model in (("classify", "gpt-4o-mini"), ("answer", "gpt-4o")):
                with span(
                    self.agent,
                    f"node {node}",
                    SpanKind.INTERNAL,
                    **{"junjo.span_type": "node", "node.id": node},
                ):
                    input_tokens = self.random.randint(200, 1800)
                    output_tokens = self.random.randint(20, 600)
                    with span(
                        self.agent,
                        f"chat {model}",
                        SpanKind.CLIENT,
                        **{
                            "gen_ai.system": "openai",
                            "gen_ai.operation.name": "chat",
                            "gen_ai.request.model": model,
                            "gen_ai.response.model": f"{model}-2024-08-06",
                            "gen_ai.request.temperature": 0.2,
                            "gen_ai.usage.input_tokens": input_tokens,
                            "gen_ai.usage.output_tokens": output_tokens,
                            "gen_ai.usage.total_tokens": input_tokens + output_tokens,
                            "gen_ai.usage.cost": round(
                                (input_tokens * 2.5 + output_tokens * 10) / 1e6, 6
                            ),
                            "gen_ai.response.finish_reasons": ["stop"],
                        },
                    ) as chat:
                        chat.add_event(
                            "gen_ai.content.prompt", {"gen_ai.prompt": f"ticket {ticket}"}
                        )
                        time.sleep(self.random.uniform(0.002, 0.006))
                    self.tokens.record(
                        input_tokens, {"gen_ai.token.type": "input", "gen_ai.request.model": model}
                    )
                    self.tokens.record(
                        output_tokens,
                        {"gen_ai.token.type": "output", "gen_ai.request.model": model},
                    )
                    if node == "answer":
                        with span(
                            self.agent,
                            "execute_tool search_docs",
                            SpanKind.INTERNAL,
                            **{
                                "gen_ai.operation.name": "execute_tool",
                                "gen_ai.tool.name": "search_docs",
                            },
                        ):
                            self.agent.log.info("tool search_docs returned 3 documents")
            self.agent.log.info("workflow finished for ticket %s", ticket)

    def consume(self, produced: trace.SpanContext, order_id: int) -> None:
        with self.worker.tracer.start_as_current_span(
            "orders process",
            kind=SpanKind.CONSUMER,
            links=[trace.Link(produced, {"link.kind": "producer"})],
            attributes={
                "messaging.system": "kafka",
                "messaging.destination": "orders",
                "messaging.operation": "process",
                "order.id": order_id,
            },
        ):
            self.worker.log.info("processed order %s", order_id)

    def checkout(self, cart: int, declined: bool) -> None:
        """storefront -> payments (-> its database, -> the payments queue -> order-worker),
        the context passed along as an HTTP header and a message header would carry it."""
        with (span(self.storefront, "GET /checkout", SpanKind.SERVER,
                   **{"http.method": "GET", "http.route": "/checkout",
                      "cart.id": cart}),
              span(self.storefront, "POST /api/payments", SpanKind.CLIENT,
                   **{"http.method": "POST", "server.address": "payments.internal",
                      "url.full": "http://payments.internal/api/payments"}) as client):
            self.pay(cart, declined, trace.set_span_in_context(client))
            if declined:
                client.set_attribute("http.response.status_code", 402)
                client.set_status(Status(StatusCode.ERROR, "payment declined"))
            else:
                client.set_attribute("http.response.status_code", 201)

    def pay(self, cart: int, declined: bool, context: object) -> None:
        with self.payments.tracer.start_as_current_span(
                "POST /api/payments", context=context, kind=SpanKind.SERVER,
                attributes={"http.method": "POST", "http.route": "/api/payments",
                            "cart.id": cart}) as server:
            with span(self.payments, "INSERT payments", SpanKind.CLIENT,
                      **{"db.system": "postgresql", "db.name": "payments",
                         "db.operation": "INSERT", "server.address": "db.internal"}):
                time.sleep(self.random.uniform(0.001, 0.003))
            if declined:
                server.set_attribute("http.response.status_code", 402)
                server.set_status(Status(StatusCode.ERROR, f"card declined for cart {cart}"))
                self.payments.log.warning("card declined for cart %s", cart)
                return
            server.set_attribute("http.response.status_code", 201)
            with span(self.payments, "payments publish", SpanKind.PRODUCER,
                      **{"messaging.system": "kafka", "messaging.destination": "payments",
                         "messaging.operation": "publish"}) as producer:
                published = trace.set_span_in_context(producer)
        with self.worker.tracer.start_as_current_span(
                "payments process", context=published, kind=SpanKind.CONSUMER,
                attributes={"messaging.system": "kafka", "messaging.destination": "payments",
                            "messaging.operation": "process", "cart.id": cart}):
            time.sleep(self.random.uniform(0.001, 0.002))

    def run(self, iterations: int) -> None:
        for i in range(iterations):
            produced = self.http_request(1000 + i, fail=(i % 7 == 3))
            self.consume(produced, 1000 + i)
            if i % 2 == 0:
                self.agent_workflow(500 + i)
            self.checkout(2000 + i, declined=(i % 7 == 6))
        demo_workflows.send(self.agent, self.random, runs=max(1, iterations // 10))

    def shutdown(self) -> None:
        for service in (self.shop, self.agent, self.worker, self.storefront, self.payments):
            service.shutdown()


def check_reachable(endpoint: str) -> None:
    """Raise NotDelivered unless a gRPC server accepts a connection at `endpoint` within
    CONNECT_TIMEOUT_S (instead of the exporters retrying for most of a minute)."""
    import grpc

    target = endpoint.split("://", 1)[-1]
    with grpc.insecure_channel(target) as channel:
        try:
            grpc.channel_ready_future(channel).result(timeout=CONNECT_TIMEOUT_S)
        except grpc.FutureTimeoutError:
            raise NotDelivered(
                f"nothing answers OTLP/gRPC at {endpoint}; start `ollygraph up` first "
                "(or pass --endpoint HOST:PORT of a running ingest)") from None


def run(settings: Settings, endpoint: str | None = None, iterations: int = 20) -> None:
    """Send `iterations` rounds of demo telemetry and flush; returns when exported, raises
    NotDelivered when nothing answers at the endpoint or an export failed."""
    endpoint = endpoint or f"localhost:{settings.grpc_port}"
    check_reachable(endpoint)
    demo = Demo(endpoint)
    try:
        demo.run(iterations)
    finally:
        demo.shutdown()
    if demo.deliveries.failed:
        raise NotDelivered(
            f"{demo.deliveries.failed} exports to {endpoint} failed (see the messages above); "
            "is the ingest at that address running and its database up?")
    print(f"ollygraph demo: sent {iterations} rounds of traces, logs and metrics to {endpoint}")
    print(f"ollygraph demo: explore them at http://localhost:{settings.gateway_port}/ "
          f"(GraphiQL: /graphql)")
