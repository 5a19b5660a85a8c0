"""OTLP/HTTP receiver: a Starlette app with one POST route per signal, /healthz (ready:
the database answers) and /livez (the process serves); see `ingest/health.py`.

Requests are binary protobuf or OTLP/JSON (by Content-Type), optionally compressed
(every Content-Encoding of `ingest/body.py`); the response uses the request's encoding.
Every error answer carries a `google.rpc.Status` body (JSON for JSON requests,
protobuf otherwise), as OTLP asks: 400 bad data, 404 unknown path, 405 not POST, 413
over the size limit after decompression, 415 unknown Content-Type or Content-Encoding,
429/503 with Retry-After when the client should retry, 500 for our own bugs.
"""

from __future__ import annotations

import contextlib
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ingest import admission, body, decode, flatten, offload, outcome, selfmetrics, signals
from ingest import gate as ingest_gate
from ingest import pipeline as ingest_pipeline
from ollygraph import logs, telemetry
from ollygraph.settings import Settings


def build_app(pipeline: ingest_pipeline.Pipeline, settings: Settings, readiness: Any,
              budget: admission.Budget, gate: ingest_gate.Gate) -> Starlette:
    """The ASGI app; `pipeline.export(signal_name, request)` stores each request, whose
    body is held against `budget` after `gate` admitted its caller; `readiness.ready()`
    (a `health.Database`) answers /healthz."""
    routes = [Route(s.http_path,
                    _export_endpoint(s, pipeline, settings.max_request_bytes, budget, gate),
                    methods=["POST"], name=s.name)
              for s in signals.SIGNALS]
    routes.append(Route("/healthz", _healthz(readiness), methods=["GET", "HEAD"]))
    routes.append(Route("/livez", _livez, methods=["GET", "HEAD"]))
    routes.append(Route("/metrics", telemetry.metrics_endpoint, methods=["GET"]))
    middleware = [Middleware(logs.AccessLog)]
    if settings.cors_origins:
        middleware.append(Middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["POST"],
            allow_headers=["*"], expose_headers=["Retry-After"], max_age=3600))
    return Starlette(routes=routes, middleware=middleware,
                     exception_handlers={HTTPException: _http_exception})


def _export_endpoint(signal: signals.Signal, pipeline: ingest_pipeline.Pipeline, limit: int,
                     budget: admission.Budget, gate: ingest_gate.Gate):
    async def endpoint(request: Request) -> Response:
        seen = selfmetrics.Export(signal, "http")
        media = decode.media_type(request.headers.get("content-type"))
        if media is None:
            seen.unsupported()
            return _status_response(outcome.simple_status(
                415, "Content-Type must be application/x-protobuf or application/json"), 415, None)
        stream = _Stream(request)
        try:
            who = await gate.admit(request.headers.get("authorization"))
            with budget.ticket() as ticket:
                encoding = request.headers.get("content-encoding")
                if not encoding:        # the whole body's share at once, before reading
                    ticket.reserve(_content_length(request, limit))
                payload = await body.read(stream, encoding, limit, ticket.grow)
                size = len(payload)
                with offload.request_of(size):
                    message = await offload.run(decode.parse, signal.request, payload, media)
                    del payload
                    items = flatten.count(pipeline.flows[signal.name], message)
                    seen.decoded(items)
                    gate.charge(who, items, size)
                    result = await pipeline.export(signal.name, message)
        except ClientDisconnect:
            seen.disconnected()
            return Response(status_code=400)
        except Exception as exc:
            if not stream.done:
                await _drain(stream, limit)
            fail = outcome.failure(exc, signal.name, "http")
            seen.failed(fail)
            return _failure_response(fail, media)
        seen.answered(result.rejected)
        reply = outcome.response(signal, result.rejected, result.message)
        return Response(decode.encode(reply, media), 200, media_type=media)

    return endpoint


def _content_length(request: Request, limit: int) -> int:
    """The declared body size (at most `limit`: a larger body is refused as it is read)."""
    declared = request.headers.get("content-length", "")
    return min(int(declared), limit) if declared.isdigit() else 0


class _Stream:
    """The request body's chunks (from ASGI receive), knowing whether the last one came."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.done = False

    async def __aiter__(self):
        while not self.done:
            message = await self.request.receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnect()
            self.done = not message.get("more_body", False)
            chunk = message.get("body", b"")
            if chunk:
                yield chunk


async def _drain(stream: _Stream, limit: int) -> None:
    """Read and drop the rest of a rejected body (up to `limit` more bytes), so the client,
    still sending, reads our answer instead of a connection reset."""
    left = limit
    with contextlib.suppress(ClientDisconnect):
        async for chunk in stream:
            left -= len(chunk)
            if left <= 0:
                return


def _failure_response(fail: outcome.Failure, media: str | None) -> Response:
    headers = {}
    if fail.http_status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if fail.retry_after is not None:
        headers["Retry-After"] = outcome.retry_after_header(fail.retry_after)
    return _status_response(outcome.status(fail), fail.http_status, media, headers)


def _status_response(status: Any, code: int, media: str | None,
                     headers: dict[str, str] | None = None) -> Response:
    media = media or decode.PROTOBUF
    return Response(decode.encode(status, media), code, headers=headers, media_type=media)


async def _http_exception(request: Request, exc: Exception) -> Response:
    """Routing errors (404, 405 with Allow) as Status bodies."""
    assert isinstance(exc, HTTPException)
    code = exc.status_code
    if code == 404:
        message = "no such path; OTLP paths are " + ", ".join(s.http_path for s in signals.SIGNALS)
    elif code == 405:
        message = "OTLP export requests use POST"
    else:
        message = str(exc.detail)
    media = decode.media_type(request.headers.get("content-type"))
    return _status_response(outcome.simple_status(code, message), code, media,
                            dict(exc.headers or {}))


def _healthz(readiness: Any):
    async def healthz(request: Request) -> Response:
        why_not = await readiness.ready()
        if why_not is None:
            return PlainTextResponse("ok\n")
        return PlainTextResponse(f"not ready: {why_not}\n", 503)

    return healthz


async def _livez(request: Request) -> Response:
    return PlainTextResponse("ok\n")
