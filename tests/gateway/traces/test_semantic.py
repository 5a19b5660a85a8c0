"""Semantic types that agree (issue 17): every type of a span, every typed view non-null
when its keys are present, and the `semanticType` filter matching the same spans, through
the OpenTelemetry SDK -> ingest -> GraphQL."""

from __future__ import annotations

import time

import pytest
from opentelemetry.trace import SpanKind

from gateway import scalars

pytestmark = pytest.mark.db

SERVICE = "semantic-e2e"
SPANS = """
query ($f: SpanFilter) {
  spans(filter: $f, first: 100) {
    nodes {
      name semanticType semanticTypes
      http { method url statusCode serverAddress }
      db { system statement }
      genAi { system requestModel inputTokens }
      messaging { system operation operationType destination messageId conversationId
                  batchMessageCount consumerGroup bodySize clientId }
      rpc { system service method grpcStatusCode serverAddress serverPort }
      faas { trigger invocationId coldstart invokedName invokedProvider invokedRegion }
      cloud { provider region accountId availabilityZone platform resourceId requestId service }
      exception { type message stacktrace escaped time timeUnixNano }
      exceptions { type message escaped }
    }
  }
}
"""
VIEWS = {"HTTP": ["http"], "DB": ["db"], "AI_AGENT": ["genAi"], "MESSAGING": ["messaging"],
         "RPC": ["rpc"], "FAAS": ["faas"], "AWS": ["cloud"], "GCP": ["cloud"],
         "AZURE": ["cloud"]}


@pytest.fixture(scope="module")
def sent(stack):
    t0 = time.time_ns() - 5_000_000_000

    def one(tracer, name, kind, attributes, events=()):
        span = tracer.start_span(name, kind=kind, start_time=t0, attributes=attributes)
        for offset, (event_name, event_attributes) in enumerate(events, start=1):
            span.add_event(event_name, event_attributes, timestamp=t0 + offset * 1000)
        span.end(end_time=t0 + 10_000_000)

    with stack.sdk(SERVICE) as (tracer, _):
        one(tracer, "chat over http", SpanKind.CLIENT, {
            "gen_ai.system": "openai", "gen_ai.request.model": "gpt-4o",
            "gen_ai.usage.input_tokens": 42, "http.request.method": "POST",
            "url.full": "https://api.openai.com/v1/chat/completions",
            "http.response.status_code": 200, "server.address": "api.openai.com"})
        one(tracer, "query behind a route", SpanKind.SERVER, {
            "http.route": "/orders", "http.method": "GET", "db.system": "postgresql",
            "db.statement": "SELECT 1"})
        one(tracer, "orders publish", SpanKind.PRODUCER, {
            "messaging.system": "kafka", "messaging.operation.name": "send",
            "messaging.operation.type": "publish", "messaging.destination.name": "orders",
            "messaging.message.id": "m-1", "messaging.message.conversation_id": "c-9",
            "messaging.batch.message_count": 3, "messaging.consumer.group.name": "billing",
            "messaging.message.body.size": 512, "messaging.client.id": "producer-1"})
        one(tracer, "DynamoDB.GetItem", SpanKind.CLIENT, {
            "rpc.system": "aws-api", "rpc.service": "DynamoDB", "rpc.method": "GetItem",
            "aws.request_id": "REQ-1", "cloud.region": "eu-west-1",
            "cloud.account.id": "123456789012", "server.address": "dynamodb.eu-west-1.aws",
            "server.port": 443})
        one(tracer, "grpc call", SpanKind.CLIENT, {
            "rpc.system": "grpc", "rpc.service": "shop.Cart", "rpc.method": "Add",
            "rpc.grpc.status_code": 5})
        one(tracer, "function invocation", SpanKind.SERVER, {
            "faas.trigger": "http", "faas.invocation_id": "inv-7", "faas.coldstart": True,
            "cloud.provider": "gcp", "cloud.platform": "gcp_cloud_functions",
            "cloud.availability_zone": "europe-west1-b", "gcp.client.service": "functions",
            "cloud.resource_id": "//cloudfunctions.googleapis.com/f"})
        one(tracer, "invoke lambda", SpanKind.CLIENT, {
            "faas.invoked_name": "resize", "faas.invoked_provider": "aws",
            "faas.invoked_region": "us-east-1"})
        one(tracer, "failing job", SpanKind.INTERNAL, {"job.id": 1}, events=[
            ("exception", {"exception.type": "ValueError", "exception.message": "bad input",
                           "exception.stacktrace": "Traceback (most recent call last): ...",
                           "exception.escaped": False}),
            ("retry", {"attempt": 2}),
            ("exception", {"exception.type": "RuntimeError", "exception.message": "gave up",
                           "exception.escaped": True})])
    return {"t0": t0}


@pytest.fixture(scope="module")
def spans(stack, sent):
    nodes = stack.gql(SPANS, f={"service": SERVICE})["spans"]["nodes"]
    return {node["name"]: node for node in nodes}


def test_an_llm_call_over_http_has_both_views(spans) -> None:
    chat = spans["chat over http"]
    assert chat["semanticType"] == "AI_AGENT"
    assert chat["semanticTypes"] == ["AI_AGENT", "HTTP"]
    assert chat["genAi"] == {"system": "openai", "requestModel": "gpt-4o", "inputTokens": "42"}
    assert chat["http"] == {"method": "POST", "url": "https://api.openai.com/v1/chat/completions",
                            "statusCode": 200, "serverAddress": "api.openai.com"}
    assert chat["db"] is None and chat["rpc"] is None and chat["cloud"] is None


def test_every_view_of_every_type_is_non_null(spans) -> None:
    assert spans["query behind a route"]["semanticTypes"] == ["HTTP", "DB"]
    assert spans["query behind a route"]["db"] == {"system": "postgresql",
                                                   "statement": "SELECT 1"}
    for node in spans.values():
        views = {view for t in node["semanticTypes"] for view in VIEWS[t]}
        for view in {v for vs in VIEWS.values() for v in vs}:
            assert (node[view] is not None) == (view in views), (node["name"], view)


@pytest.mark.parametrize("semantic_type", sorted(VIEWS))
def test_the_filter_and_the_fields_agree(stack, spans, semantic_type) -> None:
    found = stack.gql(SPANS, f={"service": SERVICE, "semanticType": semantic_type})
    names = sorted(node["name"] for node in found["spans"]["nodes"])
    assert names == sorted(n for n, node in spans.items() if semantic_type in node["semanticTypes"])
    for node in found["spans"]["nodes"]:
        assert all(node[view] is not None for view in VIEWS[semantic_type]), node["name"]


def test_db_filter_never_returns_a_span_without_db(stack, spans) -> None:
    found = stack.gql(SPANS, f={"service": SERVICE, "semanticType": "DB"})["spans"]["nodes"]
    assert [(n["name"], n["semanticType"], n["db"]) for n in found] == [
        ("query behind a route", "HTTP", {"system": "postgresql", "statement": "SELECT 1"})]


def test_messaging_view(spans) -> None:
    assert spans["orders publish"]["semanticTypes"] == ["MESSAGING"]
    assert spans["orders publish"]["messaging"] == {
        "system": "kafka", "operation": "send", "operationType": "publish",
        "destination": "orders", "messageId": "m-1", "conversationId": "c-9",
        "batchMessageCount": "3", "consumerGroup": "billing", "bodySize": "512",
        "clientId": "producer-1"}


def test_rpc_and_cloud_views(spans) -> None:
    dynamo = spans["DynamoDB.GetItem"]
    assert dynamo["semanticTypes"] == ["RPC", "AWS"]
    assert dynamo["rpc"] == {"system": "aws-api", "service": "DynamoDB", "method": "GetItem",
                             "grpcStatusCode": None, "serverAddress": "dynamodb.eu-west-1.aws",
                             "serverPort": 443}
    assert dynamo["cloud"] == {"provider": "aws", "region": "eu-west-1",
                               "accountId": "123456789012", "availabilityZone": None,
                               "platform": None, "resourceId": None, "requestId": "REQ-1",
                               "service": "DynamoDB"}
    assert spans["grpc call"]["rpc"] == {"system": "grpc", "service": "shop.Cart",
                                         "method": "Add", "grpcStatusCode": 5,
                                         "serverAddress": None, "serverPort": None}


def test_faas_views(spans) -> None:
    function = spans["function invocation"]
    assert function["semanticTypes"] == ["FAAS", "GCP"]
    assert function["faas"] == {"trigger": "http", "invocationId": "inv-7", "coldstart": True,
                                "invokedName": None, "invokedProvider": None,
                                "invokedRegion": None}
    assert function["cloud"] == {"provider": "gcp", "region": None, "accountId": None,
                                 "availabilityZone": "europe-west1-b",
                                 "platform": "gcp_cloud_functions",
                                 "resourceId": "//cloudfunctions.googleapis.com/f",
                                 "requestId": None, "service": "functions"}
    assert spans["invoke lambda"]["faas"] == {
        "trigger": None, "invocationId": None, "coldstart": None, "invokedName": "resize",
        "invokedProvider": "aws", "invokedRegion": "us-east-1"}


def test_exception_view_from_the_exception_events(spans, sent) -> None:
    job = spans["failing job"]
    assert job["semanticTypes"] == [] and job["semanticType"] is None
    at = sent["t0"] + 3000
    assert job["exception"] == {"type": "RuntimeError", "message": "gave up", "stacktrace": None,
                                "escaped": True, "time": scalars.format_timestamp(at),
                                "timeUnixNano": str(at)}
    assert job["exceptions"] == [
        {"type": "ValueError", "message": "bad input", "escaped": False},
        {"type": "RuntimeError", "message": "gave up", "escaped": True}]
    assert spans["chat over http"]["exception"] is None
    assert spans["chat over http"]["exceptions"] == []
