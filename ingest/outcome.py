"""How an export ends, in both transports' words.

One table maps every way an export can fail to the OTLP answer: the HTTP status, the
gRPC code, a message for the client and whether (and after how long) to retry. The
receivers turn a `Failure` into a `google.rpc.Status` (the HTTP error body, and the
gRPC status with its details) and a successful `Result` into the signal's
Export*ServiceResponse.
"""

from __future__ import annotations

import logging
import math
from typing import Any, NamedTuple

import grpc
from google.protobuf import any_pb2
from google.protobuf import message as protobuf
from google.rpc import code_pb2, error_details_pb2, status_pb2

from ingest import body, decode, errors, signals

log = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER_S = 2.0


class Failure(NamedTuple):
    http_status: int
    grpc_code: grpc.StatusCode
    message: str
    retry_after: float | None  # seconds; None: do not retry (or no hint)


def failure(exc: BaseException) -> Failure:
    """The answer to an export that raised `exc`; unexpected errors are logged here."""
    if isinstance(exc, errors.Unavailable):
        return Failure(503, grpc.StatusCode.UNAVAILABLE,
                       "the store is unavailable; retry later",
                       _retry_after(exc))
    if isinstance(exc, errors.Overloaded):
        return Failure(429, grpc.StatusCode.RESOURCE_EXHAUSTED,
                       "ingest is overloaded; retry later", _retry_after(exc))
    if isinstance(exc, body.TooLarge):
        return Failure(413, grpc.StatusCode.RESOURCE_EXHAUSTED, str(exc), None)
    if isinstance(exc, (decode.DecodeError, body.BadEncoding)):
        return Failure(400, grpc.StatusCode.INVALID_ARGUMENT, str(exc), None)
    if isinstance(exc, body.UnsupportedEncoding):
        return Failure(415, grpc.StatusCode.UNIMPLEMENTED, str(exc), None)
    log.error("export failed", exc_info=exc)
    return Failure(500, grpc.StatusCode.INTERNAL, "internal error", None)


def _retry_after(exc: BaseException) -> float:
    value = getattr(exc, "retry_after", None)
    return float(value) if value and value > 0 else DEFAULT_RETRY_AFTER_S


def retry_after_header(seconds: float) -> str:
    """Retry-After in whole seconds (RFC 9110 delay-seconds), at least 1."""
    return str(max(1, math.ceil(seconds)))


def retry_info(seconds: float) -> error_details_pb2.RetryInfo:
    info = error_details_pb2.RetryInfo()
    info.retry_delay.FromNanoseconds(int(seconds * 1e9))
    return info


def status(fail: Failure) -> status_pb2.Status:
    """The google.rpc.Status for `fail`: RetryInfo when retryable, BadRequest for bad data."""
    details: list[Any] = []
    if fail.retry_after is not None:
        details.append(retry_info(fail.retry_after))
    if fail.grpc_code is grpc.StatusCode.INVALID_ARGUMENT:
        details.append(error_details_pb2.BadRequest(field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field="body", description=fail.message)]))
    packed = []
    for detail in details:
        item = any_pb2.Any()
        item.Pack(detail)
        packed.append(item)
    return status_pb2.Status(code=fail.grpc_code.value[0], message=fail.message, details=packed)


def simple_status(http_status: int, message: str) -> status_pb2.Status:
    """A Status body for HTTP-only errors (404, 405, 415) that carry no gRPC meaning."""
    code = {404: code_pb2.NOT_FOUND, 405: code_pb2.UNIMPLEMENTED,
            415: code_pb2.INVALID_ARGUMENT}.get(http_status, code_pb2.UNKNOWN)
    return status_pb2.Status(code=code, message=message)


def response(signal: signals.Signal, rejected: int, message: str) -> protobuf.Message:
    """The signal's Export*ServiceResponse; partial_success only when items were rejected."""
    reply = signal.response()
    if rejected > 0:
        setattr(reply.partial_success, signal.rejected_field, rejected)
        reply.partial_success.error_message = message or f"{rejected} items rejected"
    return reply
