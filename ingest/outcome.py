"""How an export ends, in both transports' words.

One table maps every way an export can fail to the OTLP answer: the HTTP status, the
gRPC code, a message for the client and whether (and after how long) to retry. The
receivers turn a `Failure` into a `google.rpc.Status` (the HTTP error body, and the
gRPC status with its details) and a successful `Result` into the signal's
Export*ServiceResponse.

An unexpected failure (a bug, or the store refusing a write) is logged at ERROR with a
correlation id (`ollygraph.logs.internal_error`, as the gateway does); the client's answer
is "internal error (correlation id ID)" with an ErrorInfo detail whose metadata holds
`correlationId`, so an operator can find the log record a user quotes.
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
from ollygraph import logs
from ollygraph.auth import identity

log = logging.getLogger(__name__)

DEFAULT_RETRY_AFTER_S = 2.0
ERROR_DOMAIN = "ollygraph"  # ErrorInfo.domain of an internal error's detail


class Failure(NamedTuple):
    http_status: int
    grpc_code: grpc.StatusCode
    message: str
    retry_after: float | None  # seconds; None: do not retry (or no hint)
    correlation_id: str | None = None  # of an internal error: the id in its log record


def failure(exc: BaseException, signal: str, transport: str) -> Failure:
    """The answer to an export of `signal` that raised `exc`; unexpected errors are logged
    here, at ERROR with a correlation id."""
    if isinstance(exc, errors.Unavailable):
        return Failure(503, grpc.StatusCode.UNAVAILABLE,
                       "the store is unavailable; retry later",
                       _retry_after(exc))
    if isinstance(exc, errors.Overloaded):
        return Failure(429, grpc.StatusCode.RESOURCE_EXHAUSTED,
                       "ingest is overloaded; retry later", _retry_after(exc))
    if isinstance(exc, identity.Unauthenticated):
        return Failure(401, grpc.StatusCode.UNAUTHENTICATED, str(exc), None)
    if isinstance(exc, identity.Forbidden):
        return Failure(403, grpc.StatusCode.PERMISSION_DENIED, str(exc), None)
    if isinstance(exc, body.TooLarge):
        return Failure(413, grpc.StatusCode.RESOURCE_EXHAUSTED, str(exc), None)
    if isinstance(exc, (decode.DecodeError, body.BadEncoding)):
        return Failure(400, grpc.StatusCode.INVALID_ARGUMENT, str(exc), None)
    if isinstance(exc, body.UnsupportedEncoding):
        return Failure(415, grpc.StatusCode.UNIMPLEMENTED, str(exc), None)
    cid = logs.internal_error(log, f"in a {signal} export over {transport}",
                              exc, signal=signal, transport=transport)
    return Failure(500, grpc.StatusCode.INTERNAL, f"internal error (correlation id {cid})",
                   None, cid)


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
    """The google.rpc.Status for `fail`: RetryInfo when retryable, BadRequest for bad data,
    ErrorInfo with the correlation id for an internal error."""
    details: list[Any] = []
    if fail.correlation_id is not None:
        details.append(error_details_pb2.ErrorInfo(
            reason="INTERNAL", domain=ERROR_DOMAIN,
            metadata={"correlationId": fail.correlation_id}))
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
