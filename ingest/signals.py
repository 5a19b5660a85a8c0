"""The signal registry: what differs between traces, logs and metrics on the wire.

Receivers, the pipeline and the tests loop over `SIGNALS`; nothing else names a
signal's protobuf classes or routes.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc


class Signal(NamedTuple):
    name: str  # "traces" | "logs" | "metrics"
    http_path: str  # OTLP/HTTP route
    request: Any  # Export<Signal>ServiceRequest class
    response: Any  # Export<Signal>ServiceResponse class
    grpc_method: str  # full gRPC method name
    add_servicer: Any  # add_<Signal>ServiceServicer_to_server
    servicer: Any  # <Signal>ServiceServicer base class
    rejected_field: str  # PartialSuccess field counting rejected items
    flatten_module: str  # module that turns a request into rows


SIGNALS: tuple[Signal, ...] = (
    Signal(
        "traces",
        "/v1/traces",
        trace_service_pb2.ExportTraceServiceRequest,
        trace_service_pb2.ExportTraceServiceResponse,
        "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server,
        trace_service_pb2_grpc.TraceServiceServicer,
        "rejected_spans",
        "ingest.traces",
    ),
    Signal(
        "logs",
        "/v1/logs",
        logs_service_pb2.ExportLogsServiceRequest,
        logs_service_pb2.ExportLogsServiceResponse,
        "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
        logs_service_pb2_grpc.add_LogsServiceServicer_to_server,
        logs_service_pb2_grpc.LogsServiceServicer,
        "rejected_log_records",
        "ingest.logs",
    ),
    Signal(
        "metrics",
        "/v1/metrics",
        metrics_service_pb2.ExportMetricsServiceRequest,
        metrics_service_pb2.ExportMetricsServiceResponse,
        "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
        metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server,
        metrics_service_pb2_grpc.MetricsServiceServicer,
        "rejected_data_points",
        "ingest.metrics",
    ),
)

BY_NAME = {signal.name: signal for signal in SIGNALS}
