"""Ingest with auth on: bearer keys on OTLP/HTTP and gRPC metadata, the real SDK exporters
sending with their headers, and per-tenant rates."""

from __future__ import annotations

import uuid

import grpc
import httpx
import psycopg
import pytest
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcSpans
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpSpans
from opentelemetry.sdk import resources
from opentelemetry.sdk import trace as sdk_trace
from opentelemetry.sdk.trace.export import SpanExportResult

from ingest import signals
from ollygraph import migrate
from ollygraph.auth import keys
from tests.ingest import payloads, receiver

TRACES = signals.BY_NAME["traces"]


@pytest.fixture(scope="module")
def credentials(database_url, module_schema, tmp_path_factory):
    """Keys: one ingest key in a keys file, one ingest and one query key in the store."""
    with psycopg.connect(migrate.libpq_url(database_url), autocommit=True,
                         options=f"-c search_path={module_schema}") as conn:
        stored = keys.create(conn, "acme", "ingest").key
        query = keys.create(conn, "acme", "query").key
        revoked = keys.create(conn, "acme", "ingest")
        keys.revoke(conn, revoked.key_id)
    _, from_file = keys.new_key()
    path = tmp_path_factory.mktemp("keys") / "keys"
    path.write_text(f"{from_file} beta ingest\n")
    return {"stored": stored, "file": from_file, "query": query, "revoked": revoked.key,
            "path": str(path)}


@pytest.fixture(scope="module")
def ingest(database_url, module_schema, credentials):
    with receiver.running(database_url, module_schema,
                          env={"OLLYGRAPH_AUTH": "on", "OLLYGRAPH_AUTH_CACHE_TTL": "0",
                               "OLLYGRAPH_API_KEYS_FILE": credentials["path"]}) as proc:
        yield proc


def _post(ingest, headers):
    body = payloads.traces("auth-" + uuid.uuid4().hex[:6], payloads.new_trace_id())
    return httpx.post(ingest.http_url + TRACES.http_path, content=body.SerializeToString(),
                      headers={"content-type": "application/x-protobuf", **headers},
                      timeout=30)


def _grpc(ingest, metadata, request=None):
    with grpc.insecure_channel(ingest.grpc_target) as channel:
        export = channel.unary_unary(TRACES.grpc_method,
                                     request_serializer=lambda m: m.SerializeToString(),
                                     response_deserializer=TRACES.response.FromString)
        request = request or payloads.traces("auth-" + uuid.uuid4().hex[:6],
                                             payloads.new_trace_id())
        return export(request, metadata=metadata, timeout=30)


def _sdk_export(exporter, service: str) -> SpanExportResult:
    provider = sdk_trace.TracerProvider(resource=resources.Resource({"service.name": service}))
    tracer = provider.get_tracer("auth-test")
    with tracer.start_as_current_span("checked"):
        pass
    spans = []

    class Keep(sdk_trace.SpanProcessor):
        def on_end(self, span):
            spans.append(span)

    provider.add_span_processor(Keep())
    with tracer.start_as_current_span("checked"):
        pass
    return exporter.export(spans)


def _bad_keys(credentials):
    return {"missing": None, "not bearer": f"Basic {credentials['stored']}",
            "unknown": "Bearer " + keys.new_key()[1], "garbage": "Bearer x",
            "revoked": f"Bearer {credentials['revoked']}"}


def test_http_refuses_bad_keys_with_the_same_answer(ingest, credentials, sql, module_schema):
    answers = {}
    for name, header in _bad_keys(credentials).items():
        reply = _post(ingest, {"authorization": header} if header else {})
        assert reply.status_code == 401 and reply.headers["www-authenticate"] == "Bearer"
        status = status_pb2.Status.FromString(reply.content)
        assert status.code == code_pb2.UNAUTHENTICATED
        answers[name] = status.message
    # an unknown, a malformed and a revoked key: one answer, never "no such key"
    assert answers["unknown"] == answers["garbage"] == answers["revoked"]
    assert receiver.count_spans(sql, module_schema, "auth-") == 0


def test_grpc_refuses_bad_keys_with_the_same_answer(ingest, credentials):
    for header in _bad_keys(credentials).values():
        with pytest.raises(grpc.RpcError) as caught:
            _grpc(ingest, (("authorization", header),) if header else ())
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_query_key_may_not_ingest(ingest, credentials):
    reply = _post(ingest, {"authorization": f"Bearer {credentials['query']}"})
    assert reply.status_code == 403
    with pytest.raises(grpc.RpcError) as caught:
        _grpc(ingest, (("authorization", f"Bearer {credentials['query']}"),))
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize("which", ["stored", "file"])
def test_sdk_exporters_send_with_their_key(ingest, credentials, sql, module_schema, which):
    headers = {"authorization": f"Bearer {credentials[which]}"}
    service = f"sdk-{which}-" + uuid.uuid4().hex[:6]
    http = HttpSpans(endpoint=ingest.http_url + TRACES.http_path, headers=headers, timeout=10)
    grpc_exporter = GrpcSpans(endpoint=ingest.grpc_target, insecure=True, headers=headers,
                              timeout=10)
    assert _sdk_export(http, service) == SpanExportResult.SUCCESS
    assert _sdk_export(grpc_exporter, service) == SpanExportResult.SUCCESS
    stored = sql.execute(f'SELECT count(*) FROM "{module_schema}".v_otel_spans_enriched '
                         "WHERE service_name = %s", (service,)).fetchone()[0]
    assert stored == 2
    wrong = HttpSpans(endpoint=ingest.http_url + TRACES.http_path, timeout=10,
                      headers={"authorization": "Bearer " + keys.new_key()[1]})
    assert _sdk_export(wrong, service + "-x") == SpanExportResult.FAILURE


def test_tenant_rate_limits(database_url, module_schema, credentials):
    env = {"OLLYGRAPH_AUTH": "on", "OLLYGRAPH_API_KEYS_FILE": credentials["path"],
           "OLLYGRAPH_TENANT_ITEMS_PER_SECOND": "4"}
    big = payloads.traces("rate-" + uuid.uuid4().hex[:6], payloads.new_trace_id(), count=40)
    with receiver.running(database_url, module_schema, env=env) as limited:
        acme = (("authorization", f"Bearer {credentials['stored']}"),)
        _grpc(limited, acme, big)            # one request over a second's worth passes ...
        with pytest.raises(grpc.RpcError) as caught:
            _grpc(limited, acme)             # ... and the debt it left refuses the next
        assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        status = rpc_status.from_call(caught.value)
        info = error_details_pb2.RetryInfo()
        assert any(d.Unpack(info) for d in status.details)
        assert 5 < info.retry_delay.ToTimedelta().total_seconds() <= 10
        reply = _post(limited, {"authorization": f"Bearer {credentials['stored']}"})
        assert reply.status_code == 429 and 5 <= int(reply.headers["retry-after"]) <= 10
        # another tenant has its own buckets
        assert _post(limited, {"authorization": f"Bearer {credentials['file']}"}
                     ).status_code == 200
