"""The signal registry: what differs between traces, logs and metrics.

Each `Signal` names its OTLP routes and protobuf classes (for the receivers) and builds
its `flatten.Flow` (for the pipeline: how its requests become rows) from the dimensions
it needs. Receivers, the pipeline and the tests loop over `SIGNALS`; nothing else names
a signal's protobuf classes or routes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from google.protobuf import message
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from ingest import dimensions, flatten, logs, metrics, traces


class Signal(NamedTuple):
    name: str  # "traces" | "logs" | "metrics", as in ollygraph.store.SIGNALS
    http_path: str  # OTLP/HTTP route
    request: type[message.Message]  # Export<Signal>ServiceRequest
    response: type[message.Message]  # Export<Signal>ServiceResponse
    grpc_method: str  # full gRPC method name
    rejected_field: str  # PartialSuccess field counting rejected items
    flow: Callable[[dimensions.Dimensions], flatten.Flow]  # its flow, given the dimensions


SIGNALS: tuple[Signal, ...] = (
    Signal(
        "traces",
        "/v1/traces",
        trace_service_pb2.ExportTraceServiceRequest,
        trace_service_pb2.ExportTraceServiceResponse,
        "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        "rejected_spans",
        lambda dims: traces.Traces(dims.resources.service_names),
    ),
    Signal(
        "logs",
        "/v1/logs",
        logs_service_pb2.ExportLogsServiceRequest,
        logs_service_pb2.ExportLogsServiceResponse,
        "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
        "rejected_log_records",
        lambda dims: logs.Logs(),
    ),
    Signal(
        "metrics",
        "/v1/metrics",
        metrics_service_pb2.ExportMetricsServiceRequest,
        metrics_service_pb2.ExportMetricsServiceResponse,
        "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
        "rejected_data_points",
        lambda dims: metrics.Metrics(dims.metrics),
    ),
)

BY_NAME = {signal.name: signal for signal in SIGNALS}
