"""The SQL each GraphQL query runs, checked in: tests/gateway/snapshots/<query>.sql.

Known telemetry goes through the real SDK and ingest; a gateway served in this process
(uvicorn, real HTTP) answers a representative set of queries while every statement it
sends through `gateway.db.Db.fetch` is recorded. The statements (bind parameters are
`$n`, their values are not part of them; blank lines and trailing spaces dropped; in
text order, since loaders of one level may dispatch in either order) must equal the
snapshot. `OLLYGRAPH_UPDATE_SNAPSHOTS=1` (`make snapshot-sql`) rewrites the snapshots.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from opentelemetry import trace as otel_trace
from opentelemetry.trace import Link, SpanKind

from gateway import app, db
from tests.conftest import free_port
from tests.gateway.metrics import conftest as metrics_stack

pytestmark = pytest.mark.db

SNAPSHOTS = Path(__file__).with_name("snapshots")
UPDATE = os.environ.get("OLLYGRAPH_UPDATE_SNAPSHOTS") == "1"
S = 1_000_000_000

QUERIES: dict[str, str] = {
    "trace_fetch": """
query ($id: ID!) {
  trace(traceId: $id) {
    traceId spanCount semanticTypes
    rootSpan { name }
    spans {
      spanId name kind attributes semanticType
      resource { serviceName attributes }
      scope { name version attributes }
      events { name attributes }
      links { spanId attributes span { name } }
      logs { body attributes }
    }
    logs { body severityText attributes span { name } }
  }
}""",
    "trace_search_started": """
{
  traces(filter: {timeRange: {last: "1d"}, service: "shop", attributes: [
      {key: "http.route", value: "/items"},
      {key: "custom.count", op: GT, value: 5},
      {key: "deployment.environment", scope: RESOURCE, value: "test"},
      {key: "attempt", scope: EVENT, op: IN, values: [1, 2]},
      {key: "http.request.method", op: NEQ, value: "POST"}]}) {
    totalCount
    nodes { traceId rootName spanCount }
  }
}""",
    "trace_search_walked": """
{
  traces(filter: {semanticType: AI_AGENT, status: OK, attributes: [
      {key: "gen_ai.usage.input_tokens", op: GTE, value: 10},
      {key: "custom.tags", op: CONTAINS, value: "a"},
      {key: "telemetry.sdk.name", scope: SCOPE, op: NOT_EXISTS}]}) {
    nodes { traceId rootName services }
  }
}""",
    "span_search": """
{
  spans(filter: {service: "shop", kind: CLIENT, minDurationMs: 0, attributes: [
      {key: "db.system.name", op: REGEX, value: "^post"},
      {key: "db.query.text", op: EXISTS},
      {key: "custom.missing", op: NOT_EXISTS},
      {key: "custom.count", op: LTE, value: 100}]}, first: 5) {
    totalCount
    edges { cursor node { name attributes service } }
  }
}""",
    "span_search_structural": """
{
  spans(filter: {kind: SERVER, eventName: "exception",
                 hasDescendant: {semanticType: DB, minDurationMs: 500, attributes: [
                     {key: "db.system.name", value: "postgresql"}]},
                 hasParent: {service: "shop"}, hasChild: {kind: CLIENT},
                 not: {hasAncestor: {name: "agent"}},
                 anyOf: [{linkedTraceId: "0af7651916cd43dd8448eb211c80319c"}, {rootOnly: true}]}) {
    nodes { name }
  }
}""",
    "trace_search_structural": """
{
  traces(filter: {spans: [{kind: CLIENT}, {kind: CLIENT, hasParent: {kind: SERVER}}],
                  notSpans: [{status: ERROR}],
                  anyOf: [{rootName: "GET /items"}, {not: {service: "shop"}}]}) {
    nodes { traceId }
  }
}""",
    "span_order_by_attribute": """
{
  spans(filter: {timeRange: {last: "1d"}, service: "shop"}, first: 2,
        orderByAttribute: {key: "custom.count", direction: ASC}) {
    totalCount
    edges { cursor node { name attribute(key: "custom.count") } }
  }
  promoted: spans(first: 2, orderByAttribute: {key: "gen_ai.usage.input_tokens"}) {
    nodes { name }
  }
}""",
    "log_search": """
{
  logs(filter: {service: "shop", minSeverity: 13, bodyContains: "slow", attributes: [
      {key: "custom.user", value: "u1"},
      {key: "service.name", scope: RESOURCE, op: EXISTS}]}) {
    totalCount
    nodes { body severityText attributes resource { serviceName } span { name }
            trace { traceId } }
  }
}""",
    "metric_series": """
{
  metric(name: "shop.requests") {
    name type
    rate: series(timeRange: {last: "1h"}, step: "30s", aggregation: RATE, service: "shop",
                 filter: [{key: "route", value: "/items"}]) {
      labels points { time value }
    }
    grouped: series(timeRange: {last: "1h"}, step: "30s", aggregation: SUM,
                    groupBy: ["route"]) {
      labels points { time value }
    }
  }
  latency: metric(name: "shop.latency") {
    series(timeRange: {last: "1h"}, step: "1m", quantile: 0.9) {
      labels resource points { time value count buckets { lower upper count } }
    }
  }
}""",
    "metric_points": """
{
  metric(name: "shop.requests") {
    points(timeRange: {last: "1h"}, first: 5) {
      totalCount
      nodes { time value attributes resource { serviceName } exemplars { value span { name } } }
    }
  }
}""",
    "metric_catalog": """
{
  metrics(filter: {namePrefix: "shop.", service: "shop"}) {
    totalCount
    nodes { name type services attributeKeys labelValues(key: "route") }
  }
}""",
    "attribute_catalog": """
{
  spanKeys: attributeKeys(scope: SPAN, prefix: "http.") { key promoted }
  metricKeys: attributeKeys(scope: METRIC) { key promoted }
  routes: attributeValues(scope: SPAN, key: "http.route", prefix: "/")
  counts: attributeValues(scope: SPAN, key: "custom.count")
}""",
    "services": """
{
  all: services { name namespace }
  recent: services(timeRange: {last: "1d"}) { name }
}""",
}


def _send(stack: metrics_stack.MetricsStack) -> dict[str, Any]:
    """A shop trace (server span, database client span with an event, a link and a log),
    an agent trace, and a counter and a histogram with exemplars; the variables."""
    t0 = time.time_ns() - 600 * S
    with stack.sdk("shop", **{"deployment.environment": "test"}) as (tracer, logger):
        agent = tracer.start_span("agent run", start_time=t0, attributes={
            "gen_ai.operation.name": "chat", "gen_ai.usage.input_tokens": 12,
            "custom.tags": ["a", "b"]})
        agent.end(end_time=t0 + S)
        root = tracer.start_span("GET /items", kind=SpanKind.SERVER, start_time=t0 + 2 * S,
                                 attributes={"http.request.method": "GET",
                                             "http.route": "/items",
                                             "http.response.status_code": 200,
                                             "custom.count": 7})
        child = tracer.start_span(
            "SELECT items", kind=SpanKind.CLIENT, start_time=t0 + 2 * S + 1000,
            context=otel_trace.set_span_in_context(root),
            links=[Link(agent.get_span_context(), {"link.reason": "follows"})],
            attributes={"db.system.name": "postgresql", "db.query.text": "SELECT 1"})
        child.add_event("retry", {"attempt": 2}, timestamp=t0 + 2 * S + 2000)
        with otel_trace.use_span(child):
            logger.warning("slow query", extra={"custom.user": "u1"})
        child.end(end_time=t0 + 2 * S + 5000)
        root.end(end_time=t0 + 3 * S)
    with stack.meter("shop", metrics_stack.Temporality.CUMULATIVE) as (meter, reader, tracer):
        requests = meter.create_counter("shop.requests")
        latency = meter.create_histogram("shop.latency", unit="ms")
        for value in (1, 2):
            with tracer.start_as_current_span("handle"):
                requests.add(value, {"route": "/items"})
                latency.record(10.0 * value, {"route": "/items"})
            reader.force_flush()
    trace_id = format(root.get_span_context().trace_id, "032x")
    return {"trace_fetch": {"id": trace_id}}


class Recorder:
    """The statements the in-process gateway sends, in the order it sends them."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        fetch = db.Db.fetch

        async def recording(db_self: db.Db, sql: str, *args: Any) -> Any:
            self.statements.append(sql)
            return await fetch(db_self, sql, *args)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(db.Db, "fetch", recording)
            yield


@contextlib.contextmanager
def serving(stack: metrics_stack.MetricsStack) -> Iterator[str]:
    """The gateway app on the stack's store, served by uvicorn in a thread: its URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(
        app.create_app(stack.database_url, stack.schema, pool_size=2), host="127.0.0.1",
        port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "gateway did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="module")
def recorded(database_url: str) -> Iterator[tuple[httpx.Client, Recorder, dict[str, Any]]]:
    recorder = Recorder()
    with metrics_stack.running_stack(database_url) as stack:
        variables = _send(stack)
        with recorder.installed(), serving(stack) as url, \
                httpx.Client(base_url=url, timeout=60) as client:
            yield client, recorder, variables


def normalized(sql: str) -> str:
    """A statement as the snapshot shows it: no trailing spaces, no blank lines."""
    return "\n".join(line.rstrip() for line in sql.strip().splitlines() if line.strip())


def snapshot(name: str, query: str, statements: list[str]) -> str:
    shown = sorted(normalized(s) for s in statements)
    graphql = "\n".join(f"--   {line}".rstrip() for line in query.strip().splitlines())
    head = (f"-- {name}: the {len(shown)} SQL statements of this GraphQL query, in text "
            "order\n-- (tests/gateway/test_sql_snapshots.py; `make snapshot-sql` rewrites "
            f"it).\n--\n{graphql}\n")
    body = "\n\n".join(f"-- statement {i} of {len(shown)}\n{sql};"
                       for i, sql in enumerate(shown, 1))
    return f"{head}\n{body}\n"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_sql_snapshot(recorded, name: str) -> None:
    client, recorder, variables = recorded
    recorder.statements.clear()
    body = client.post("/graphql", json={"query": QUERIES[name],
                                         "variables": variables.get(name, {})}).json()
    assert not body.get("errors"), body.get("errors")
    assert len(recorder.statements) == body["extensions"]["sqlStatements"]
    assert recorder.statements, "the query ran no SQL"
    got = snapshot(name, QUERIES[name], recorder.statements)
    path = SNAPSHOTS / f"{name}.sql"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(got)
        return
    expected = path.read_text() if path.exists() else ""
    if got != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), got.splitlines(keepends=True),
            str(path), "statements sent"))
        pytest.fail(f"the SQL of {name} differs from {path} (OLLYGRAPH_UPDATE_SNAPSHOTS=1 "
                    f"rewrites it):\n{diff}", pytrace=False)
