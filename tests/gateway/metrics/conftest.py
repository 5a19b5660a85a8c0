"""The metrics stack: a migrated schema, a real ingest (tests.ingest.receiver.running), the
gateway process, SDK meter providers exporting over OTLP/gRPC with a reader whose export
moments the test chooses (force_flush), and OTLP/HTTP for hand-built requests."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk import metrics as sdk_metrics
from opentelemetry.sdk.metrics import export as metrics_export
from opentelemetry.sdk.metrics import view
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from ollygraph import migrate
from tests.conftest import drop_schema, free_port, new_schema_name
from tests.gateway import conftest as gateway_stack
from tests.ingest import receiver

Temporality = metrics_export.AggregationTemporality
INSTRUMENTS = (sdk_metrics.Counter, sdk_metrics.UpDownCounter, sdk_metrics.Histogram,
               sdk_metrics.ObservableCounter, sdk_metrics.ObservableUpDownCounter,
               sdk_metrics.ObservableGauge)


class MetricsStack(gateway_stack.Stack):
    def __init__(self, ingest: receiver.Ingest, gateway_port: int, database_url: str = "",
                 schema: str = "") -> None:
        super().__init__(ingest.grpc_port, gateway_port, database_url, schema)
        self.otlp = ingest.grpc_target
        self.otlp_http = ingest.http_url

    @contextlib.contextmanager
    def meter(self, service: str, temporality: Temporality,
              views: tuple[view.View, ...] = ()) -> Iterator[tuple[Any, Any, Any]]:
        """(meter, reader, tracer): the reader exports only on reader.force_flush()."""
        res = Resource.create({"service.name": service})
        exporter = OTLPMetricExporter(endpoint=self.otlp, insecure=True,
                                      preferred_temporality={i: temporality
                                                             for i in INSTRUMENTS})
        reader = metrics_export.PeriodicExportingMetricReader(
            exporter, export_interval_millis=3_600_000)
        provider = sdk_metrics.MeterProvider(metric_readers=[reader], resource=res,
                                             views=list(views))
        tracer_provider = TracerProvider(resource=res)
        tracer_provider.add_span_processor(
            SimpleSpanProcessor(OTLPSpanExporter(endpoint=self.otlp, insecure=True)))
        try:
            yield (provider.get_meter("metrics-tests", "1.0"), reader,
                   tracer_provider.get_tracer("metrics-tests"))
        finally:
            provider.shutdown()
            tracer_provider.shutdown()

    def post_otlp(self, request: Any) -> httpx.Response:
        """A protobuf ExportMetricsServiceRequest over OTLP/HTTP."""
        return httpx.post(self.otlp_http + "/v1/metrics", content=request.SerializeToString(),
                          headers={"content-type": "application/x-protobuf"}, timeout=30)


@contextlib.contextmanager
def running_stack(database_url: str, ingest_env: dict[str, str] | None = None,
                  executor: str = "direct") -> Iterator[MetricsStack]:
    """A fresh schema with an ingest (its environment plus `ingest_env`) and a gateway
    (with the named OLLYGRAPH_GATEWAY_EXECUTOR)."""
    schema = new_schema_name("gm")
    migrate.upgrade(database_url, schema)
    gateway_port = free_port()
    env = {**os.environ, "OLLYGRAPH_DATABASE_URL": database_url, "OLLYGRAPH_SCHEMA": schema,
           "OLLYGRAPH_HOST": "127.0.0.1", "OLLYGRAPH_GATEWAY_PORT": str(gateway_port),
           "OLLYGRAPH_LOG_LEVEL": "WARNING", "OLLYGRAPH_GATEWAY_EXECUTOR": executor}
    try:
        with receiver.running(database_url, schema, env=ingest_env) as ingest:
            gateway = subprocess.Popen([sys.executable, "-m", "ollygraph", "gateway"], env=env)
            try:
                gateway_stack._wait(f"http://127.0.0.1:{gateway_port}/healthz", gateway,
                                    "gateway")
                yield MetricsStack(ingest, gateway_port, database_url, schema)
            finally:
                gateway.terminate()
                gateway.wait(timeout=15)
    finally:
        drop_schema(database_url, schema)


@pytest.fixture(scope="module")
def metrics_stack(database_url: str, gateway_executor: str) -> Iterator[MetricsStack]:
    with running_stack(database_url, executor=gateway_executor) as stack:
        yield stack
