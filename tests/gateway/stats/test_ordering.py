"""traces and spans ordered by duration end to end: order, keyset pages, stable cursors."""

from __future__ import annotations

import pytest
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from tests.gateway.stats import known

pytestmark = pytest.mark.db

TRACES = """
query ($filter: TraceFilter, $first: Int, $after: String, $orderBy: TraceOrder) {
  traces(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor } nodes { traceId durationMs rootName }
  }
}
"""
SPANS = """
query ($filter: SpanFilter, $first: Int, $after: String, $orderBy: SpanOrder) {
  spans(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor } nodes { spanId name durationMs }
  }
}
"""


@pytest.fixture(scope="module")
def sent(stack):
    base = known.base_time()
    return base, known.send(stack.otlp, base)


def pages(stack, query, field, first, **variables):
    out, after = [], None
    while True:
        page = stack.gql(query, first=first, after=after, **variables)[field]
        out.append(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return out
        after = page["pageInfo"]["endCursor"]


def expected_traces(ids):
    """(duration ms, trace id) of each known trace: from its first span to its last end."""
    spans: dict[int, list[known.KnownSpan]] = {}
    for s in known.SPANS:
        spans.setdefault(s.trace, []).append(s)
    out = []
    for number, group in spans.items():
        start = min(s.at_ms for s in group)
        end = max(s.at_ms + s.duration_ms for s in group)
        out.append((float(end - start), ids[number]))
    return out


@pytest.mark.parametrize("order", ["DURATION_DESC", "DURATION_ASC"])
def test_traces_by_duration_in_keyset_pages(stack, sent, order) -> None:
    base, ids = sent
    flt = {"timeRange": known.time_range(base)}
    got = pages(stack, TRACES, "traces", 3, filter=flt, orderBy=order)
    assert [len(p) for p in got] == [3, 3, 3, 1]
    flat = [(n["durationMs"], n["traceId"]) for p in got for n in p]
    assert flat == sorted(expected_traces(ids), reverse=order == "DURATION_DESC")
    slowest = stack.gql(TRACES, filter={**flt, "service": "checkout"}, first=2,
                        orderBy="DURATION_DESC")["traces"]
    # traces 5 and 1: a request and the LLM call it made
    assert [n["durationMs"] for n in slowest["nodes"]] == [1500.0, 1300.0]
    assert slowest["totalCount"] == 7


def test_cursors_stay_stable_while_traces_arrive(stack, sent) -> None:
    base, ids = sent
    flt = {"timeRange": known.time_range(base, minutes=60)}
    first = stack.gql(TRACES, filter=flt, first=4, orderBy="DURATION_DESC")["traces"]
    # a new trace slower than all on the first page, and one in the middle of the rest
    provider = TracerProvider(resource=Resource.create({"service.name": "late"}))
    provider.add_span_processor(SimpleSpanProcessor(
        OTLPSpanExporter(endpoint=stack.otlp, insecure=True)))
    tracer = provider.get_tracer("stats-tests")
    start = base + 10 * known.MINUTE
    for duration_ms in (10_000, 15):
        tracer.start_span("late", start_time=start).end(end_time=start + duration_ms * known.MS)
    provider.shutdown()
    rest = pages(stack, TRACES, "traces", 4, filter=flt, orderBy="DURATION_DESC")
    after = first["pageInfo"]["endCursor"]
    second = stack.gql(TRACES, filter=flt, first=100, after=after,
                       orderBy="DURATION_DESC")["traces"]["nodes"]
    before = [n["durationMs"] for n in first["nodes"]]
    assert 10_000.0 not in [n["durationMs"] for n in second]      # above the cursor
    assert [n["durationMs"] for n in second] == sorted(
        [d for d, _ in expected_traces(ids) if d < before[-1]] + [15.0], reverse=True)
    assert rest[0][0]["durationMs"] == 10_000.0


def test_a_cursor_of_another_order_is_refused(stack, sent) -> None:
    base, _ = sent
    flt = {"timeRange": known.time_range(base)}
    by_time = stack.gql(TRACES, filter=flt, first=1)["traces"]["pageInfo"]["endCursor"]
    errors = stack.errors(TRACES, filter=flt, first=1, after=by_time, orderBy="DURATION_DESC")
    assert len(errors) == 1 and "invalid cursor" in errors[0]


def test_spans_by_duration(stack, sent) -> None:
    base, _ = sent
    flt = {"timeRange": known.time_range(base), "service": "checkout"}
    got = pages(stack, SPANS, "spans", 4, filter=flt, orderBy="DURATION_DESC")
    flat = [(n["name"], n["durationMs"]) for p in got for n in p]
    assert flat == sorted(((s.name, float(s.duration_ms)) for s in known.SPANS
                           if s.service == "checkout"), key=lambda x: -x[1])
    fastest = stack.gql(SPANS, filter=flt, first=2, orderBy="DURATION_ASC")["spans"]
    assert [n["durationMs"] for n in fastest["nodes"]] == [10.0, 20.0]
