"""Resources and scopes: their attribute maps, of every value kind, as the store's SQL
functions otel_resource_attributes_all / otel_scope_attributes_all give them."""

from __future__ import annotations

import psycopg
import pytest
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from ollygraph import migrate

pytestmark = pytest.mark.db

RESOURCE = {"service.name": "dims", "deployment.environment": "dims-test", "host.cpus": 8,
            "custom.ratio": 0.5, "custom.flag": True, "custom.tags": ["a", "b"],
            "custom.ints": [1, 2]}
SCOPE = {"scope.kind": "http", "scope.level": 3, "scope.on": False}


def test_resource_and_scope_attributes(stack) -> None:
    provider = TracerProvider(resource=Resource.create(RESOURCE))
    provider.add_span_processor(
        SimpleSpanProcessor(OTLPSpanExporter(endpoint=stack.otlp, insecure=True)))
    tracer = provider.get_tracer("dims-scope", "0.1", attributes=SCOPE)
    with tracer.start_as_current_span("dims span") as span:
        trace_id = format(span.get_span_context().trace_id, "032x")
    provider.shutdown()

    data = stack.gql("""query ($id: ID!) { trace(traceId: $id) { spans {
        resource { serviceName attributes some: attributes(keys: ["host.cpus", "nope"])
                   attribute(key: "custom.tags") }
        scope { name version attributes attribute(key: "scope.level") } } } }""", id=trace_id)
    (span_data,) = data["trace"]["spans"]
    resource, scope = span_data["resource"], span_data["scope"]

    with psycopg.connect(migrate.libpq_url(stack.database_url)) as conn:
        conn.execute(f'SET search_path TO "{stack.schema}"')
        stored_resource, stored_scope = conn.execute(
            "SELECT otel_resource_attributes_all(s.resource_id), "
            "otel_scope_attributes_all(s.scope_id) FROM otel_spans_fact AS s "
            "WHERE s.trace_id = %s", (bytes.fromhex(trace_id),)).fetchone()

    assert resource["attributes"] == stored_resource
    assert {k: resource["attributes"][k] for k in RESOURCE} == RESOURCE
    assert resource["some"] == {"host.cpus": 8}
    assert resource["attribute"] == ["a", "b"]
    assert resource["serviceName"] == "dims"
    assert scope["attributes"] == stored_scope == SCOPE
    assert (scope["name"], scope["version"], scope["attribute"]) == ("dims-scope", "0.1", 3)
