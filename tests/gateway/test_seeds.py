"""The query endpoints of seed 003 (REST API) and seed 004 (span store), as GraphQL."""

from __future__ import annotations

import time

import pytest
from opentelemetry import trace as otel_trace
from opentelemetry.trace import SpanKind, Status, StatusCode

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def seed(stack):
    t0 = time.time_ns() - 10_000_000_000
    with stack.sdk("agent-app") as (tracer, logger):
        flow = tracer.start_span("workflow run", start_time=t0, attributes={
            "junjo.span_type": "workflow", "junjo.id": "wf-1"})
        ctx = otel_trace.set_span_in_context(flow)
        llm = tracer.start_span("chat", kind=SpanKind.CLIENT, context=ctx, start_time=t0 + 10,
                                attributes={"gen_ai.system": "openai",
                                            "gen_ai.request.model": "gpt-4"})
        with otel_trace.use_span(llm):
            logger.info("prompt sent", extra={"http.status_code": 200})
            logger.error("model refused", extra={"http.status_code": 500})
        llm.end(end_time=t0 + 1_000_000)
        node = tracer.start_span("node", context=ctx, start_time=t0 + 2_000_000,
                                 attributes={"junjo.span_type": "node"})
        with otel_trace.use_span(node):
            logger.info("node step")
        node.end(end_time=t0 + 3_000_000)
        flow.end(end_time=t0 + 4_000_000)
        health = tracer.start_span("GET /health", kind=SpanKind.SERVER, start_time=t0 + 5_000_000,
                                   attributes={"http.method": "GET", "http.route": "/health"})
        health.set_status(Status(StatusCode.ERROR, "down"))
        health.end(end_time=t0 + 305_000_000)
    with stack.sdk("other-app") as (tracer, _):
        tracer.start_span("other root", start_time=t0).end(end_time=t0 + 10)
    hexid = lambda span: format(span.get_span_context().trace_id, "032x")  # noqa: E731
    sid = lambda span: format(span.get_span_context().span_id, "016x")  # noqa: E731
    return {"t0": t0, "flow": hexid(flow), "flow_span": sid(flow), "llm": sid(llm),
            "node": sid(node), "health": hexid(health)}


def test_003_list_traces_by_time_service_status_duration(stack, seed) -> None:
    query = """query ($f: TraceFilter) { traces(filter: $f) {
        totalCount nodes { traceId rootName durationMs errorCount spanCount rootService } } }"""
    base = {"timeRange": {"last": "1h"}, "service": "agent-app"}
    nodes = stack.gql(query, f=base)["traces"]["nodes"]
    assert [n["rootName"] for n in nodes] == ["GET /health", "workflow run"]
    errors = stack.gql(query, f={**base, "status": "ERROR", "minDurationMs": 100})["traces"]
    assert errors["totalCount"] == 1 and errors["nodes"][0]["traceId"] == seed["health"]
    fast = stack.gql(query, f={**base, "status": "OK", "maxDurationMs": 100})["traces"]["nodes"]
    assert [(n["rootName"], n["spanCount"]) for n in fast] == [("workflow run", 3)]


def test_003_spans_of_a_trace_by_semantic_type_attribute_and_kind(stack, seed) -> None:
    query = """query ($id: ID!, $f: SpanFilter) { trace(traceId: $id) {
        spans(filter: $f) { spanId name kind semanticType attributes } } }"""
    f = {"semanticType": "AI_AGENT", "kind": "CLIENT",
         "attributes": [{"key": "gen_ai.system", "value": "openai"}]}
    spans = stack.gql(query, id=seed["flow"], f=f)["trace"]["spans"]
    assert [(s["spanId"], s["semanticType"]) for s in spans] == [(seed["llm"], "AI_AGENT")]
    assert spans[0]["attributes"]["gen_ai.request.model"] == "gpt-4"


def test_003_search_logs_with_attribute_filters(stack, seed) -> None:
    query = """query ($f: LogFilter) { logs(filter: $f) {
        nodes { body severityNumber service attributes traceId spanId } } }"""
    f = {"timeRange": {"last": "1h"}, "service": "agent-app", "minSeverity": 9,
         "attributes": [{"key": "http.status_code", "value": 500}]}
    (log,) = stack.gql(query, f=f)["logs"]["nodes"]
    assert log["body"] == "model refused" and log["severityNumber"] == 17
    assert (log["traceId"], log["spanId"]) == (seed["flow"], seed["llm"])


def test_003_logs_of_a_trace_grouped_by_span(stack, seed) -> None:
    query = """query ($id: ID!) { trace(traceId: $id) {
        spans { spanId name logs { body severityText } } } }"""
    spans = stack.gql(query, id=seed["flow"])["trace"]["spans"]
    grouped = {s["name"]: [entry["body"] for entry in s["logs"]] for s in spans if s["logs"]}
    assert grouped == {"chat": ["prompt sent", "model refused"], "node": ["node step"]}


def test_003_logs_of_one_span(stack, seed) -> None:
    query = """query ($t: ID!, $s: ID!) { span(traceId: $t, spanId: $s) { logs { body } }
        logs(filter: {traceId: $t, spanId: $s}, orderBy: TIME_ASC) {
            totalCount nodes { body } } }"""
    data = stack.gql(query, t=seed["flow"], s=seed["llm"])
    assert [entry["body"] for entry in data["span"]["logs"]] == ["prompt sent", "model refused"]
    assert data["logs"]["totalCount"] == 2
    assert [n["body"] for n in data["logs"]["nodes"]] == ["prompt sent", "model refused"]


def test_004_service_names(stack, seed) -> None:
    names = {s["name"] for s in stack.gql("{ services { name } }")["services"]}
    assert {"agent-app", "other-app"} <= names
    recent = stack.gql('{ services(timeRange: {last: "1h"}) { name } }')["services"]
    assert {"agent-app", "other-app"} <= {s["name"] for s in recent}


def test_004_root_spans_of_a_service(stack, seed) -> None:
    query = """{ spans(filter: {service: "agent-app", rootOnly: true}) { nodes { name } } }"""
    nodes = stack.gql(query)["spans"]["nodes"]
    assert [n["name"] for n in nodes] == ["GET /health", "workflow run"]


def test_004_root_spans_of_llm_traces(stack, seed) -> None:
    query = """{ traces(filter: {rootService: "agent-app", semanticType: AI_AGENT}) {
        nodes { semanticTypes rootSpan { name spanId } } } }"""
    (node,) = stack.gql(query)["traces"]["nodes"]
    assert node["rootSpan"] == {"name": "workflow run", "spanId": seed["flow_span"]}
    assert node["semanticTypes"] == ["AI_AGENT"]


def test_004_nested_spans_of_a_trace(stack, seed) -> None:
    query = """query ($id: ID!) { trace(traceId: $id) {
        spans { spanId parentSpanId name }
        rootSpan { name children { name children { name } } } } }"""
    trace = stack.gql(query, id=seed["flow"])["trace"]
    assert [(s["name"], s["parentSpanId"]) for s in trace["spans"]] == [
        ("workflow run", None), ("chat", seed["flow_span"]), ("node", seed["flow_span"])]
    assert trace["rootSpan"] == {"name": "workflow run", "children": [
        {"name": "chat", "children": []}, {"name": "node", "children": []}]}


def test_004_single_span(stack, seed) -> None:
    query = """query ($t: ID!, $s: ID!) { span(traceId: $t, spanId: $s) {
        name semanticType genAi { requestModel } parent { name } trace { rootName } } }"""
    span = stack.gql(query, t=seed["flow"], s=seed["llm"])["span"]
    assert span == {"name": "chat", "semanticType": "AI_AGENT",
                    "genAi": {"requestModel": "gpt-4"}, "parent": {"name": "workflow run"},
                    "trace": {"rootName": "workflow run"}}
    missing = stack.gql(query, t=seed["flow"], s="00000000000000ff")["span"]
    assert missing is None


def test_004_workflow_spans_of_a_service(stack, seed) -> None:
    query = """{ spans(filter: {service: "agent-app",
                 attributes: [{key: "junjo.span_type", value: "workflow"}]}) {
        nodes { name attribute(key: "junjo.id") } } }"""
    assert stack.gql(query)["spans"]["nodes"] == [{"name": "workflow run", "attribute": "wf-1"}]
