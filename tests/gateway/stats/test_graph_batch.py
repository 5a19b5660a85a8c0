"""Service graph edges whose two spans come in the same export request (an SDK exporter
sending the spans of two services at once, or ingest coalescing requests): each
cross-service pair gives exactly one edge, a same-service pair none, and nothing is left
waiting."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from opentelemetry import trace as otel_trace
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanKind

pytestmark = pytest.mark.db


def test_pairs_within_one_request(stack) -> None:
    memory = InMemorySpanExporter()
    tracers = {}
    for service in ("batch-front", "batch-back"):
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        provider.add_span_processor(SimpleSpanProcessor(memory))
        tracers[service] = provider.get_tracer("graph-batch-tests")
    front, back = tracers["batch-front"], tracers["batch-back"]
    in_ = otel_trace.set_span_in_context
    root = front.start_span("GET /a", kind=SpanKind.SERVER)
    call = front.start_span("call back", kind=SpanKind.CLIENT, context=in_(root))
    handle = back.start_span("handle", kind=SpanKind.SERVER, context=in_(call))
    back.start_span("SELECT", kind=SpanKind.CLIENT, context=in_(handle)).end()
    back.start_span("followup", links=[Link(root.get_span_context())]).end()
    for span in (handle, call, root):
        span.end()
    spans = memory.get_finished_spans()
    assert len(spans) == 5
    exporter = OTLPSpanExporter(endpoint=stack.otlp, insecure=True)
    assert exporter.export(spans) == SpanExportResult.SUCCESS   # one request, both services
    exporter.shutdown()

    async def stored() -> tuple[list, int]:
        conn = await asyncpg.connect(stack.database_url,
                                     server_settings={"search_path": stack.schema})
        try:
            edges = await conn.fetch(
                "SELECT e.caller_service, e.callee_service, k.name, count(*) AS n "
                "FROM otel_service_edges AS e JOIN service_edge_kinds AS k USING (edge_kind_id) "
                "WHERE e.callee_service LIKE 'batch-%' GROUP BY 1, 2, 3")
            waits = await conn.fetchval(
                "SELECT count(*) FROM otel_service_edge_waits WHERE callee_service LIKE 'batch-%'")
            return edges, waits
        finally:
            await conn.close()

    edges, waits = asyncio.run(stored())
    assert {(r[0], r[1], r[2]): r[3] for r in edges} == {
        ("batch-front", "batch-back", "CLIENT_SERVER"): 1,
        ("batch-front", "batch-back", "LINK"): 1}
    assert waits == 0
