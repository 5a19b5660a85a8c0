"""Where an export goes: a file of OTLP/JSON lines, or an OTLP receiver (gRPC or
HTTP/protobuf) with the OTLP retry rules.

A receiver is retried, with exponential backoff and jitter, on what OTLP calls
retryable: HTTP 429, 502, 503, 504 (honouring Retry-After) and the gRPC codes CANCELLED,
DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS and RESOURCE_EXHAUSTED when
the server sent a RetryInfo (honouring its delay). Anything else, or retries past
`retry_timeout` seconds, raises `SendError`.
"""

from __future__ import annotations

import os
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

from ingest import otlpjson

RESPONSES = {"traces": trace_service_pb2.ExportTraceServiceResponse,
             "logs": logs_service_pb2.ExportLogsServiceResponse,
             "metrics": metrics_service_pb2.ExportMetricsServiceResponse}
STUBS = {"traces": (trace_service_pb2_grpc.TraceServiceStub, "rejected_spans"),
         "logs": (logs_service_pb2_grpc.LogsServiceStub, "rejected_log_records"),
         "metrics": (metrics_service_pb2_grpc.MetricsServiceStub, "rejected_data_points")}
RETRY_HTTP = frozenset({429, 502, 503, 504})
RETRY_GRPC = frozenset({grpc.StatusCode.CANCELLED, grpc.StatusCode.DEADLINE_EXCEEDED,
                        grpc.StatusCode.ABORTED, grpc.StatusCode.OUT_OF_RANGE,
                        grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DATA_LOSS})
FIRST_DELAY_S, MAX_DELAY_S = 1.0, 32.0


class SendError(Exception):
    """The receiver refused a request for good, or kept failing past the retry timeout."""


class Retry(Exception):
    """A retryable failure; `delay` is what the server asked for, if anything."""

    def __init__(self, reason: str, delay: float | None = None) -> None:
        super().__init__(reason)
        self.delay = delay


def with_retries(attempt: Callable[[], int], retry_timeout: float,
                 sleep: Callable[[float], None] = time.sleep) -> int:
    """`attempt()` (returns the number of items the receiver rejected), retried on `Retry`
    with exponential backoff and jitter, or the server's delay, for `retry_timeout` s."""
    deadline = time.monotonic() + retry_timeout
    backoff = FIRST_DELAY_S
    while True:
        try:
            return attempt()
        except Retry as exc:
            delay = exc.delay if exc.delay is not None else backoff * random.uniform(0.8, 1.2)
            if time.monotonic() + delay > deadline:
                raise SendError(f"gave up retrying: {exc}") from None
            sleep(delay)
            backoff = min(backoff * 2, MAX_DELAY_S)


class FileSink:
    """One OTLP/JSON request per line ({"resourceSpans": [...]} and so on), appended and
    flushed to disk before its position is recorded, so a resumed export cuts off a line
    written after the last recorded position and writes nothing twice."""

    def __init__(self, path: Path, position: int | None) -> None:
        self.path = path
        mode = "r+b" if position is not None and path.exists() else "wb"
        self.file = open(path, mode)  # noqa: SIM115 - closed by close()
        if position is not None:
            self.file.truncate(position)
            self.file.seek(position)

    def send(self, signal: str, request: Any) -> int:
        self.file.write(otlpjson.dumps(request) + b"\n")
        self.file.flush()
        os.fsync(self.file.fileno())
        return 0

    def position(self) -> int:
        return self.file.tell()

    def close(self) -> None:
        self.file.close()


class HttpSink:
    """OTLP/HTTP with protobuf bodies: POST {endpoint}/v1/{signal}."""

    sleep = staticmethod(time.sleep)  # how it waits between tries

    def __init__(self, endpoint: str, timeout: float = 10.0, retry_timeout: float = 300.0) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.timeout, self.retry_timeout = timeout, retry_timeout

    def send(self, signal: str, request: Any) -> int:
        body = request.SerializeToString()

        def attempt() -> int:
            req = urllib.request.Request(f"{self.endpoint}/v1/{signal}", data=body, method="POST",
                                         headers={"Content-Type": "application/x-protobuf"})
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as response:
                    answer = RESPONSES[signal].FromString(response.read())
            except urllib.error.HTTPError as exc:
                if exc.code in RETRY_HTTP:
                    raise Retry(f"HTTP {exc.code}", retry_after(exc.headers.get("Retry-After"))
                                ) from None
                raise SendError(f"HTTP {exc.code}: {exc.read()[:200]!r}") from None
            except (urllib.error.URLError, OSError) as exc:  # not reachable (yet)
                raise Retry(f"{exc}") from None
            return _rejected(signal, answer)

        return with_retries(attempt, self.retry_timeout, self.sleep)

    def position(self) -> None:
        return None

    def close(self) -> None:
        pass


class GrpcSink:
    """OTLP/gRPC: the Export call of the signal's service."""

    sleep = staticmethod(time.sleep)

    def __init__(self, endpoint: str, timeout: float = 10.0, retry_timeout: float = 300.0) -> None:
        target = endpoint.split("://", 1)[-1].rstrip("/")
        self.channel = grpc.insecure_channel(target)
        self.timeout, self.retry_timeout = timeout, retry_timeout

    def send(self, signal: str, request: Any) -> int:
        stub = STUBS[signal][0](self.channel)

        def attempt() -> int:
            try:
                answer = stub.Export(request, timeout=self.timeout)
            except grpc.RpcError as exc:
                code, delay = exc.code(), retry_info(exc)
                if code in RETRY_GRPC or (code == grpc.StatusCode.RESOURCE_EXHAUSTED
                                          and delay is not None):
                    raise Retry(f"gRPC {code.name}", delay) from None
                raise SendError(f"gRPC {code.name}: {exc.details()}") from None
            return _rejected(signal, answer)

        return with_retries(attempt, self.retry_timeout, self.sleep)

    def position(self) -> None:
        return None

    def close(self) -> None:
        self.channel.close()


def _rejected(signal: str, answer: Any) -> int:
    return getattr(answer.partial_success, STUBS[signal][1])


def retry_after(value: str | None) -> float | None:
    """Seconds of a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def retry_info(exc: grpc.RpcError) -> float | None:
    """The delay of a RetryInfo in the error's status details, if the server sent one."""
    try:
        status = rpc_status.from_call(exc)
    except ValueError:
        return None
    for detail in status.details if status else ():
        if detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            info = error_details_pb2.RetryInfo()
            detail.Unpack(info)
            return info.retry_delay.seconds + info.retry_delay.nanos / 1e9
    return None
