"""OTLP/gRPC receiver: the three Export services and the standard health service
(service "" is liveness, each OTLP service readiness: see `ingest/health.py`).

The handlers take the raw request bytes and parse them themselves, so a payload that is
not a valid message gets INVALID_ARGUMENT (gRPC's own deserializer would answer
INTERNAL). gRPC enforces the size limit (`max_receive_message_length`, checked after
decompression) with RESOURCE_EXHAUSTED and no RetryInfo, which OTLP clients treat as
not retryable; our own RESOURCE_EXHAUSTED under backpressure carries a RetryInfo.
"""

from __future__ import annotations

from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_status import rpc_status

from ingest import admission, decode, flatten, offload, outcome, selfmetrics, signals
from ingest import gate as ingest_gate
from ingest import pipeline as ingest_pipeline
from ollygraph.settings import Settings

# RetryInfo also as its own trailer (besides grpc-status-details-bin), as the
# OpenTelemetry Python exporters read it
RETRY_INFO_KEY = "google.rpc.retryinfo-bin"


def build_server(pipeline: ingest_pipeline.Pipeline, settings: Settings,
                 budget: admission.Budget, gate: ingest_gate.Gate
                 ) -> tuple[grpc.aio.Server, Any]:
    """An unstarted grpc.aio server on settings.host:grpc_port, and its health servicer;
    each request's caller is admitted by `gate` (the `authorization` metadata), and the
    request held against `budget` until it is answered."""
    server = grpc.aio.server(options=[
        ("grpc.max_receive_message_length", settings.max_request_bytes),
        ("grpc.so_reuseport", 1 if settings.workers > 1 else 0),
    ])
    for signal in signals.SIGNALS:
        service, method = signal.grpc_method.lstrip("/").split("/")
        handler = grpc.unary_unary_rpc_method_handler(
            _export_handler(signal, pipeline, budget, gate))
        server.add_generic_rpc_handlers(
            (grpc.method_handlers_generic_handler(service, {method: handler}),))
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    address = f"[{settings.host}]:{settings.grpc_port}" if ":" in settings.host \
        else f"{settings.host}:{settings.grpc_port}"
    try:
        if settings.tls_cert_file is not None and settings.tls_key_file is not None:
            credentials = grpc.ssl_server_credentials([(settings.tls_key_file.read_bytes(),
                                                        settings.tls_cert_file.read_bytes())])
            port = server.add_secure_port(address, credentials)
        else:
            port = server.add_insecure_port(address)
    except RuntimeError:
        port = 0
    if port == 0:
        raise OSError(f"cannot listen for OTLP/gRPC on {address} (port in use?)")
    return server, health_servicer


async def mark_serving(health_servicer: Any, serving: bool) -> None:
    """Health status of the whole server (liveness) and of each OTLP service."""
    await health_servicer.set("", _state(serving))
    await mark_ready(health_servicer, serving)


async def mark_ready(health_servicer: Any, ready: bool) -> None:
    """Health status of each OTLP service (readiness: the database answers)."""
    for signal in signals.SIGNALS:
        await health_servicer.set(signal.grpc_method.lstrip("/").split("/")[0], _state(ready))


def _state(serving: bool) -> Any:
    return health_pb2.HealthCheckResponse.SERVING if serving \
        else health_pb2.HealthCheckResponse.NOT_SERVING


def _export_handler(signal: signals.Signal, pipeline: ingest_pipeline.Pipeline,
                    budget: admission.Budget, gate: ingest_gate.Gate):
    async def export(raw: bytes, context: grpc.aio.ServicerContext) -> bytes:
        seen = selfmetrics.Export(signal, "grpc")
        try:
            who = await gate.admit(_metadata(context, "authorization"))
            with budget.ticket() as ticket:
                size = len(raw)
                ticket.grow(size)
                with offload.request_of(size):
                    message = await offload.run(decode.parse, signal.request, raw,
                                                decode.PROTOBUF)
                    del raw
                    items = flatten.count(pipeline.flows[signal.name], message)
                    seen.decoded(items)
                    gate.charge(who, items, size)
                    result = await pipeline.export(signal.name, message)
        except Exception as exc:
            fail = outcome.failure(exc, signal.name, "grpc")
            seen.failed(fail)
        else:
            seen.answered(result.rejected)
            return outcome.response(signal, result.rejected, result.message).SerializeToString()
        status = rpc_status.to_status(outcome.status(fail))
        metadata = tuple(status.trailing_metadata)
        if fail.retry_after is not None:  # where the Python SDK's exporters look for it
            info = outcome.retry_info(fail.retry_after).SerializeToString()
            metadata += ((RETRY_INFO_KEY, info),)
        await context.abort(status.code, status.details, metadata)
        raise AssertionError("unreachable: abort raises")

    return export


def _metadata(context: grpc.aio.ServicerContext, key: str) -> str | None:
    for name, value in context.invocation_metadata() or ():
        if name == key:
            return value if isinstance(value, str) else None
    return None
