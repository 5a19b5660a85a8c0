"""End to end: the OpenTelemetry SDK -> OTLP ingest -> GraphQL over HTTP, values compared
with what was sent."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from opentelemetry import trace as otel_trace
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

from gateway import context, db, scalars, schema

pytestmark = pytest.mark.db

TRACE_QUERY = """
query ($id: ID!) {
  trace(traceId: $id) {
    traceId startTime endTime durationMs spanCount errorCount status
    rootName rootService services semanticTypes
    rootSpan { spanId name }
    spans {
      traceId spanId parentSpanId name kind service startTime startTimeUnixNano endTime
      durationMs flags traceState
      status { code message }
      attributes semanticType attribute(key: "custom.tags")
      http { method route statusCode }
      genAi { system requestModel inputTokens outputTokens totalTokens cost }
      db { system statement }
      resource { serviceName attributes attribute(key: "deployment.environment") }
      scope { name version }
      events { name time timeUnixNano attributes }
      links { traceId spanId attributes span { name trace { rootName } } }
      parent { name }
      children { name }
      trace { traceId }
      logs { body severityText severityNumber attributes spanId span { name } trace { traceId } }
      droppedAttributesCount droppedEventsCount droppedLinksCount
    }
    logs { body }
  }
}
"""


@pytest.fixture(scope="module")
def sent(stack):
    """One checkout trace (server -> LLM client -> failing DB client) linked to a job trace."""
    t0 = time.time_ns() - 5_000_000_000
    with stack.sdk("checkout", **{"deployment.environment": "e2e"}) as (tracer, logger):
        job = tracer.start_span("nightly job", start_time=t0 - 1_000_000)
        job.end(end_time=t0 - 500_000)
        link = Link(job.get_span_context(), {"link.reason": "caused-by"})
        root = tracer.start_span(
            "POST /checkout", kind=SpanKind.SERVER, start_time=t0, links=[link],
            attributes={"http.method": "POST", "http.route": "/checkout", "http.status_code": 500,
                        "custom.tags": ["a", "b"], "custom.ratio": 0.25, "custom.flag": True})
        ctx = otel_trace.set_span_in_context(root)
        llm = tracer.start_span("chat gpt-4o", kind=SpanKind.CLIENT, context=ctx,
                                start_time=t0 + 1_000_000, attributes={
                                    "gen_ai.system": "openai", "gen_ai.request.model": "gpt-4o",
                                    "gen_ai.usage.input_tokens": 120,
                                    "gen_ai.usage.output_tokens": 30,
                                    "gen_ai.usage.cost": 0.0042})
        with otel_trace.use_span(llm):
            logger.info("asking the model", extra={"prompt.chars": 512})
        llm.end(end_time=t0 + 21_000_000)
        db = tracer.start_span("INSERT orders", kind=SpanKind.CLIENT, context=ctx,
                               start_time=t0 + 22_000_000,
                               attributes={"db.system": "postgresql",
                                           "db.statement": "INSERT INTO orders VALUES ($1)"})
        db.add_event("exception", {"exception.type": "UniqueViolation"},
                     timestamp=t0 + 23_000_123)
        db.set_status(Status(StatusCode.ERROR, "duplicate key"))
        with otel_trace.use_span(db):
            logger.error("insert failed")
        db.end(end_time=t0 + 24_000_000)
        root.set_status(Status(StatusCode.ERROR))
        root.end(end_time=t0 + 30_000_000)
    return {"t0": t0, "trace_id": format(root.get_span_context().trace_id, "032x"),
            "root": format(root.get_span_context().span_id, "016x"),
            "job_trace": format(job.get_span_context().trace_id, "032x")}


def test_trace_as_sent(stack, sent) -> None:
    t0 = sent["t0"]
    trace = stack.gql(TRACE_QUERY, id=sent["trace_id"])["trace"]
    assert trace["traceId"] == sent["trace_id"]
    assert trace["startTime"] == scalars.format_timestamp(t0)
    assert trace["endTime"] == scalars.format_timestamp(t0 + 30_000_000)
    assert trace["durationMs"] == 30.0
    assert (trace["spanCount"], trace["errorCount"], trace["status"]) == (3, 2, "ERROR")
    assert (trace["rootName"], trace["rootService"]) == ("POST /checkout", "checkout")
    assert trace["services"] == ["checkout"]
    assert set(trace["semanticTypes"]) == {"HTTP", "AI_AGENT", "DB"}
    assert trace["rootSpan"] == {"spanId": sent["root"], "name": "POST /checkout"}

    root, llm, db = trace["spans"]
    assert root["spanId"] == sent["root"] and root["parentSpanId"] is None
    assert root["kind"] == "SERVER" and root["service"] == "checkout"
    assert root["startTimeUnixNano"] == str(t0)
    assert root["attributes"] == {"http.method": "POST", "http.route": "/checkout",
                                  "http.status_code": 500, "custom.tags": ["a", "b"],
                                  "custom.ratio": 0.25, "custom.flag": True}
    assert root["attribute"] == ["a", "b"]
    assert root["semanticType"] == "HTTP"
    assert root["http"] == {"method": "POST", "route": "/checkout", "statusCode": 500}
    assert root["genAi"] is None and root["db"] is None
    assert root["status"] == {"code": "ERROR", "message": None}
    assert root["resource"]["serviceName"] == "checkout"
    assert root["resource"]["attribute"] == "e2e"
    assert root["scope"] == {"name": "gateway-tests", "version": "1.2.3"}
    assert [c["name"] for c in root["children"]] == ["chat gpt-4o", "INSERT orders"]
    assert root["parent"] is None and root["trace"]["traceId"] == sent["trace_id"]
    (link,) = root["links"]
    assert link["traceId"] == sent["job_trace"]
    assert link["attributes"] == {"link.reason": "caused-by"}
    assert link["span"] == {"name": "nightly job", "trace": {"rootName": "nightly job"}}

    assert llm["semanticType"] == "AI_AGENT" and llm["parent"] == {"name": "POST /checkout"}
    assert llm["genAi"] == {"system": "openai", "requestModel": "gpt-4o", "inputTokens": "120",
                            "outputTokens": "30", "totalTokens": "150", "cost": 0.0042}
    (log,) = llm["logs"]
    assert log["body"] == "asking the model" and log["severityText"] == "INFO"
    assert log["severityNumber"] == 9 and log["spanId"] == llm["spanId"]
    assert log["span"] == {"name": "chat gpt-4o"}
    assert log["trace"] == {"traceId": sent["trace_id"]}

    assert db["status"] == {"code": "ERROR", "message": "duplicate key"}
    assert db["db"] == {"system": "postgresql", "statement": "INSERT INTO orders VALUES ($1)"}
    (event,) = db["events"]
    assert event["name"] == "exception"
    assert event["timeUnixNano"] == str(t0 + 23_000_123)
    assert event["time"] == scalars.format_timestamp(t0 + 23_000_123)
    assert event["attributes"] == {"exception.type": "UniqueViolation"}
    assert [entry["body"] for entry in db["logs"]] == ["insert failed"]
    assert [entry["body"] for entry in trace["logs"]] == ["asking the model", "insert failed"]


def test_get_queries_and_health(stack, sent) -> None:
    response = stack.http.get("/graphql", params={
        "query": "query ($id: ID!) { trace(traceId: $id) { rootName } }",
        "variables": json.dumps({"id": sent["trace_id"]})})
    assert response.json()["data"]["trace"]["rootName"] == "POST /checkout"
    assert stack.http.get("/healthz").json() == {"status": "ok"}


def test_graphiql_is_served_from_shipped_files(stack) -> None:
    page = stack.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "GraphiQL" in page.text
    assert "unpkg" not in page.text and "https://" not in page.text
    for asset in ("graphiql.min.js", "graphiql.min.css", "react.production.min.js",
                  "react-dom.production.min.js"):
        assert f"/static/{asset}" in page.text
        response = stack.http.get(f"/static/{asset}")
        assert response.status_code == 200 and len(response.content) > 1000


def test_user_errors_are_clear(stack) -> None:
    assert stack.errors('{ trace(traceId: "xyz") { traceId } }') == [
        "traceId must be 32 hex digits, got 'xyz'"]
    assert "invalid cursor" in stack.errors('{ spans(after: "bogus") { nodes { name } } }')[0]
    messages = stack.errors('{ spans(filter: {timeRange: {last: "soon"}}) { nodes { name } } }')
    assert messages and "timeRange.last" in messages[0]
    messages = stack.errors('{ traces(filter: {timeRange: {from: "yesterday"}}) '
                            '{ nodes { traceId } } }')
    assert messages and "RFC 3339" in messages[0]


def test_a_trace_across_midnight_reads_both_days(stack) -> None:
    """Spans, events, links and logs stored in two daily partitions come back whole."""
    day = 86_400 * 10**9
    midnight = time.time_ns() // day * day
    with stack.sdk("midnight") as (tracer, logger):
        before = tracer.start_span("before midnight", start_time=midnight - 1_000_000_000,
                                   attributes={"http.route": "/late", "custom.side": "before"})
        before.add_event("tick", {"step": 1}, timestamp=midnight - 500_000_000)
        with otel_trace.use_span(before):
            logger.info("late")
        after = tracer.start_span(
            "after midnight", context=otel_trace.set_span_in_context(before),
            start_time=midnight + 1_000_000_000,
            links=[Link(before.get_span_context(), {"link.kind": "same-trace"})],
            attributes={"http.route": "/early", "custom.side": "after"})
        after.add_event("tock", {"step": 2}, timestamp=midnight + 1_500_000_000)
        after.end(end_time=midnight + 2_000_000_000)
        before.end(end_time=midnight + 3_000_000_000)
    trace_id = format(before.get_span_context().trace_id, "032x")
    spans = stack.gql("query ($id: ID!) { trace(traceId: $id) { spans { name attributes "
                      "events { name attributes } links { attributes } "
                      "logs { body attributes } } } }", id=trace_id)["trace"]["spans"]
    assert [(s["name"], s["attributes"]["custom.side"], s["attributes"]["http.route"])
            for s in spans] == [("before midnight", "before", "/late"),
                                ("after midnight", "after", "/early")]
    assert [s["events"] for s in spans] == [[{"name": "tick", "attributes": {"step": 1}}],
                                            [{"name": "tock", "attributes": {"step": 2}}]]
    assert [s["links"] for s in spans] == [[], [{"attributes": {"link.kind": "same-trace"}}]]
    assert spans[0]["logs"][0]["body"] == "late"


DIFFERENTIAL = [
    (TRACE_QUERY, "trace"),
    ("""query ($id: ID!) { trace(traceId: $id) { rootSpan { name children { name kind
        attributes(keys: ["http.route", "db.system"]) events(name: "exception") { name }
        logs(first: 1) { body } children { name status { code } } } } } }""", "trace"),
    ("""{ traces(filter: {service: "checkout"}, first: 5) { totalCount nodes { traceId
        rootName status semanticTypes spans(filter: {kind: CLIENT}) { name kind http { route }
        genAi { inputTokens } db { system } } logs(filter: {minSeverity: 17}) { body } } }
        }""", None),
    ("""{ spans(filter: {semanticType: AI_AGENT, attributes: [{key: "gen_ai.usage.input_tokens",
        op: GT, value: 100}]}, first: 10) { nodes { name genAi { system requestModel }
        trace { rootName } } } }""", None),
    ("""{ logs(first: 20) { nodes { body severityText attributes span { name events { name } }
        trace { spanCount } } } }""", None),
]


@pytest.mark.parametrize(("query", "needs_trace"), DIFFERENTIAL)
def test_direct_execution_equals_strawberrys(stack, sent, query, needs_trace) -> None:
    """The served schema's executor (gateway.execution) against Strawberry's own, on the
    real schema and data: the same data and errors, in this process and from the gateway
    process (which runs the stack's executor) over HTTP."""
    plain = schema.build(executor=None)
    variables = {"id": sent["trace_id"]} if needs_trace else {}

    async def run() -> list:
        pool = await db.create_pool(stack.database_url, stack.schema, max_size=4)
        try:
            results = []
            for served in (schema.SCHEMA, plain):
                result = await served.execute(query, variable_values=variables,
                                              context_value=context.Context.create(pool))
                results.append((result.data, [e.message for e in result.errors or []]))
            return results
        finally:
            await pool.close()

    direct, strawberrys = asyncio.run(run())
    assert direct == strawberrys
    assert not direct[1] and direct[0]
    body = stack.post(query, variables)
    assert (body.get("data"), [e["message"] for e in body.get("errors") or []]) == strawberrys
