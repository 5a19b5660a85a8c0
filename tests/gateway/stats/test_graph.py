"""serviceGraph end to end: spans of four services through the real SDK and ingest, in
both arrival orders (the child's request before its parent's and after), with links to
spans stored before and after the linking one; the edges and nodes the gateway answers,
from the edges before the rollup job ran and from the rollups after, are the same and
exact (quantiles within the histograms' error)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from opentelemetry import trace as otel_trace
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

from ollygraph import service_graph, span_rollups
from tests.gateway.stats import known
from tests.gateway.stats.test_red import roll

pytestmark = pytest.mark.db

MS = known.MS
GRAPH = """
query ($r: TimeRange!, $f: SpanFilter) {
  serviceGraph(timeRange: $r, filter: $f) {
    source truncated
    nodes { service spanCount rate errorCount errorRate durationP50Ms durationP95Ms durationP99Ms }
    edges { caller callee kind callCount rate errorCount errorRate
            durationP50Ms durationP95Ms durationP99Ms }
  }
}"""

# (caller, callee, kind) -> (callee durations in ms, errors)
EDGES = {
    ("frontend", "backend", "CLIENT_SERVER"): ([50, 40], 1),
    ("backend", "worker", "PRODUCER_CONSUMER"): ([20], 0),
    ("frontend", "backend", "PARENT_CHILD"): ([30], 1),
    ("backend", "worker", "LINK"): ([8], 0),
    ("frontend", "worker", "LINK"): ([6], 0),
}
# service -> (span durations in ms, errors)
NODES = {
    "frontend": ([100, 60, 200, 70, 45, 3], 1),
    "backend": ([50, 10, 5, 30, 40], 1),
    "worker": ([20, 8, 6], 0),
    "db-proxy": ([2], 0),
}


class Sender:
    """One SDK pipeline per service, exporting each span as it ends (one request each)."""

    def __init__(self, otlp: str) -> None:
        self.otlp = otlp
        self.providers: dict[str, TracerProvider] = {}

    def tracer(self, service: str) -> otel_trace.Tracer:
        if service not in self.providers:
            provider = TracerProvider(resource=Resource.create({"service.name": service}))
            provider.add_span_processor(SimpleSpanProcessor(
                OTLPSpanExporter(endpoint=self.otlp, insecure=True)))
            self.providers[service] = provider
        return self.providers[service].get_tracer("graph-tests")

    def start(self, service: str, name: str, kind: SpanKind, at_ms: int,
              parent: otel_trace.Span | None = None, links: list[Link] | None = None
              ) -> otel_trace.Span:
        context = otel_trace.set_span_in_context(parent) if parent is not None else None
        return self.tracer(service).start_span(name, context=context, kind=kind, links=links,
                                               start_time=self.base + at_ms * MS)

    def end(self, span: otel_trace.Span, at_ms: int, error: bool = False) -> None:
        if error:
            span.set_status(Status(StatusCode.ERROR))
        span.end(end_time=self.base + at_ms * MS)

    def send(self, base: int) -> None:
        self.base = base
        s, e = self.start, self.end
        # trace A, children end (and arrive) before their parents
        root = s("frontend", "GET /checkout", SpanKind.SERVER, 0)
        client = s("frontend", "POST /pay", SpanKind.CLIENT, 10, root)
        server = s("backend", "pay", SpanKind.SERVER, 15, client)
        db = s("backend", "SELECT orders", SpanKind.CLIENT, 20, server)
        e(db, 30)
        producer = s("backend", "orders publish", SpanKind.PRODUCER, 31, server)
        consumer = s("worker", "orders process", SpanKind.CONSUMER, 40, producer)
        e(consumer, 60)     # before its producer is stored
        e(producer, 36)
        e(server, 65)
        e(client, 70)
        e(root, 100)
        # trace B, a parent and child of two services that are no client/server pair
        render = s("frontend", "render", SpanKind.INTERNAL, 65_000)
        compute = s("backend", "compute", SpanKind.INTERNAL, 65_010, render)
        e(compute, 65_040, error=True)
        e(render, 65_200)
        # trace C, the parent arrives before its child
        call = s("frontend", "GET /stock", SpanKind.CLIENT, 125_000)
        stock = s("backend", "stock", SpanKind.SERVER, 125_010, call)
        e(call, 125_070, error=True)
        e(stock, 125_050)
        # a link to a stored span; a link to a span that arrives afterwards; the same
        # service (no edge)
        batch = s("worker", "orders batch", SpanKind.CONSUMER, 130_000,
                  links=[Link(server.get_span_context())])
        e(batch, 130_008)
        late = s("frontend", "GET /late", SpanKind.SERVER, 131_000)
        audit = s("worker", "audit", SpanKind.INTERNAL, 131_010,
                  links=[Link(late.get_span_context())])
        e(audit, 131_016)
        e(late, 131_045)
        own = s("frontend", "prefetch", SpanKind.INTERNAL, 132_000, late)
        e(own, 132_003)
        alone = s("db-proxy", "query", SpanKind.SERVER, 133_000)
        e(alone, 133_002)
        for provider in self.providers.values():
            provider.shutdown()


@pytest.fixture(scope="module")
def base(stack):
    base = known.base_time()
    Sender(stack.otlp).send(base)
    return base


def graph(stack, base, **flt):
    return stack.gql(GRAPH, r=known.time_range(base), f=flt or None)["serviceGraph"]


def check(answer: dict, edges: dict, nodes: dict, seconds: float = 5 * 60) -> None:
    got = {(x["caller"], x["callee"], x["kind"]): x for x in answer["edges"]}
    assert set(got) == set(edges)
    for key, (durations, errors) in edges.items():
        x = got[key]
        assert (x["callCount"], x["errorCount"]) == (len(durations), errors), key
        assert x["rate"] == pytest.approx(len(durations) / seconds)
        assert x["errorRate"] == pytest.approx(errors / len(durations))
        for q, field in ((0.5, "durationP50Ms"), (0.95, "durationP95Ms"),
                         (0.99, "durationP99Ms")):
            exact = known.quantile(durations, q)
            assert abs(x[field] - exact) <= span_rollups.RELATIVE_ERROR * exact + 1e-9, key
    counts = [x["callCount"] for x in answer["edges"]]
    assert counts == sorted(counts, reverse=True)
    got_nodes = {n["service"]: n for n in answer["nodes"]}
    assert set(got_nodes) == set(nodes)
    for service, (durations, errors) in nodes.items():
        n = got_nodes[service]
        assert (n["spanCount"], n["errorCount"]) == (len(durations), errors), service
        if durations:
            assert n["rate"] == pytest.approx(len(durations) / seconds)
            exact = known.quantile(durations, 0.95)
            assert abs(n["durationP95Ms"] - exact) <= span_rollups.RELATIVE_ERROR * exact


def test_edges_and_nodes_from_the_edges_then_the_rollups(stack, base) -> None:
    before = graph(stack, base)
    check(before, EDGES, NODES)
    assert not before["truncated"]
    roll(stack, base + 5 * known.MINUTE)
    after = graph(stack, base)
    assert after["source"] == "rollups"
    check(after, EDGES, NODES)
    assert after["edges"] == before["edges"]


def test_exactly_one_edge_per_pair_in_the_store(stack, base) -> None:
    async def run() -> list:
        conn = await asyncpg.connect(stack.database_url,
                                     server_settings={"search_path": stack.schema})
        try:
            return await conn.fetch(
                "SELECT e.caller_service, e.callee_service, k.name, count(*) AS n "
                "FROM otel_service_edges AS e JOIN service_edge_kinds AS k USING (edge_kind_id) "
                "GROUP BY 1, 2, 3")
        finally:
            await conn.close()

    rows = asyncio.run(run())
    assert {(r[0], r[1], r[2]): r[3] for r in rows} == {
        key: len(durations) for key, (durations, _) in EDGES.items()}
    assert set(service_graph.KINDS.values()) == {k for _, _, k in EDGES}


def test_a_filter_selects_the_callee_spans(stack, base) -> None:
    by_service = graph(stack, base, service="worker")
    assert by_service["source"] == "rollups"
    check(by_service, {k: v for k, v in EDGES.items() if k[1] == "worker"},
          {"worker": NODES["worker"], "backend": ([], 0), "frontend": ([], 0)})
    by_kind = graph(stack, base, kind="SERVER")
    assert by_kind["source"] == "spans"
    check(by_kind, {("frontend", "backend", "CLIENT_SERVER"): ([50, 40], 1)},
          {"frontend": ([100, 45], 0), "backend": ([50, 40], 0), "db-proxy": ([2], 0)})


def test_arguments_are_checked(stack, base) -> None:
    errors = stack.errors(GRAPH, r={"last": "1h"}, f={"timeRange": {"last": "1h"}})
    assert errors == ["serviceGraph: give the time range once, as `timeRange`"]
    assert stack.errors(GRAPH, r={}) == ["serviceGraph: timeRange needs `from`, `to` or `last`"]


def test_the_job_writes_the_edge_of_a_wait_two_writers_left_behind(stack, base) -> None:
    """Writers of a child and its parent running at the same time do not see each other:
    the child's wait stays although its parent is stored, and the job's sweep writes the
    edge (once) and marks its minute."""
    at = base + 200_000 * MS

    async def run(sql: str, *args) -> list:
        conn = await asyncpg.connect(stack.database_url,
                                     server_settings={"search_path": stack.schema})
        try:
            return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    (parent,) = asyncio.run(run(
        "SELECT s.trace_id, s.span_id FROM otel_spans_fact AS s "
        "JOIN otel_resources_dim AS r USING (resource_id) WHERE r.service_name = 'db-proxy'"))
    asyncio.run(run(
        "INSERT INTO otel_service_edge_waits (start_time_unix_nano, span_pk, trace_id, span_id, "
        "is_link, callee_service, callee_kind_id, is_error, duration_ns) "
        "VALUES ($1, 0, $2, $3, false, 'auditor', 2, true, 7000000)", at, *parent))
    roll(stack, base + 5 * known.MINUTE)
    answer = graph(stack, base, service="auditor")
    assert answer["source"] == "rollups"
    check(answer, {("db-proxy", "auditor", "PARENT_CHILD"): ([7], 1)},
          {"auditor": ([], 0), "db-proxy": ([], 0)})
    assert asyncio.run(run("SELECT count(*) FROM otel_service_edge_waits "
                           "WHERE callee_service = 'auditor'"))[0][0] == 0
    roll(stack, base + 5 * known.MINUTE)
    assert graph(stack, base, service="auditor")["edges"] == answer["edges"]
