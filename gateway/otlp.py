"""A trace as OTLP: `GET /api/traces/{traceId}` and the `Trace.otlp` field.

The route answers the trace's spans as OTLP/JSON `TracesData` (the default) or as protobuf
with `Accept: application/x-protobuf` (the shape Jaeger's api_v3 and Tempo return), 404
for a trace with no stored span, 400 for an id that is not 32 hex digits. A trace of more
than `MAX_TRACE_SPANS` spans is refused (413) rather than built in memory: export it with
`ollygraph export` instead.
"""

from __future__ import annotations

from typing import Any

import orjson
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway import auth, db, errors
from ingest import otlpjson
from ollygraph.export import read

MAX_TRACE_SPANS = 10_000
PROTOBUF = "application/x-protobuf"


class TooLarge(errors.UserError):
    """The trace has more spans than the gateway builds into one answer."""


async def trace_request(database: Any, trace_id: bytes,
                        max_spans: int = MAX_TRACE_SPANS
                        ) -> trace_service_pb2.ExportTraceServiceRequest | None:
    """The trace's spans as one request (wire-identical to TracesData), None when no span
    of it is stored; `database`: a connection or a gateway.db.Db."""
    spans = await database.fetch(read.QUERIES.spans_of_traces, [trace_id], max_spans + 1)
    if not spans:
        return None
    if len(spans) > max_spans:
        raise TooLarge(f"the trace has more than {max_spans} spans; export it with "
                       "`ollygraph export` instead")
    return await read.Reader(database).traces(spans)


async def traces_data(database: Any, trace_id: bytes) -> dict[str, Any] | None:
    """The trace as an OTLP/JSON TracesData object."""
    request = await trace_request(database, trace_id)
    return None if request is None else orjson.loads(otlpjson.dumps(request))


def parse_trace_id(text: str) -> bytes | None:
    try:
        value = bytes.fromhex(text)
    except ValueError:
        return None
    return value if len(value) == 16 else None


def route(state: dict[str, Any]) -> Route:
    """The route, on the app's `state` (its pool and client slots)."""

    async def endpoint(request: Request) -> Response:
        return await trace_endpoint(request, db.Db(state["pool"],
                                                   *auth.slot(state, request)))

    return Route("/api/traces/{trace_id}", endpoint, methods=["GET"])


async def trace_endpoint(request: Request, database: db.Db) -> Response:
    trace_id = parse_trace_id(request.path_params["trace_id"])
    if trace_id is None:
        return JSONResponse({"error": "traceId must be 32 hex digits"}, status_code=400)
    try:
        found = await trace_request(database, trace_id)
    except TooLarge as exc:
        return JSONResponse({"error": str(exc)}, status_code=413)
    except errors.DatabaseUnavailable as exc:
        return JSONResponse({"error": str(exc)}, status_code=503,
                            headers={"Retry-After": str(errors.RETRY_AFTER_S)})
    if found is None:
        return JSONResponse({"error": "trace not found"}, status_code=404)
    if PROTOBUF in request.headers.get("accept", ""):
        return Response(found.SerializeToString(), media_type=PROTOBUF)
    return Response(otlpjson.dumps(found), media_type="application/json")
