"""spans ordered by a numeric attribute end to end (the SDK -> ingest -> GraphQL): promoted
(typed) and JSONB-stored keys, spans without the key last, keyset pages, stable cursors."""

from __future__ import annotations

import pytest
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from tests.gateway.stats import known

pytestmark = pytest.mark.db

SPANS = """
query ($filter: SpanFilter, $first: Int, $after: String, $order: SpanAttributeOrder,
       $orderBy: SpanOrder, $key: String!) {
  spans(filter: $filter, first: $first, after: $after, orderByAttribute: $order,
        orderBy: $orderBy) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { spanId name startTimeUnixNano value: attribute(key: $key) }
    facets(keys: ["name"], first: 1) { values { value count } }
  }
}
"""
# gen_ai.usage.input_tokens is promoted (int), custom.cost is stored in JSONB
KEYS = ["gen_ai.usage.input_tokens", "custom.cost"]


@pytest.fixture(scope="module")
def base(stack):
    base = known.base_time()
    known.send(stack.otlp, base)
    return base


def pages(stack, first, **variables):
    out, after = [], None
    while True:
        page = stack.gql(SPANS, first=first, after=after, **variables)["spans"]
        out.append(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return out
        after = page["pageInfo"]["endCursor"]


def expected(key: str, direction: str, spans: list[known.KnownSpan]) -> list[tuple]:
    """(value, start ms) in order: by value, then the spans without the key by time."""
    keyed = sorted(((s.attributes[key], s.at_ms) for s in spans if key in s.attributes),
                   reverse=direction == "DESC")
    rest = sorted(((None, s.at_ms) for s in spans if key not in s.attributes),
                  key=lambda x: x[1], reverse=direction == "DESC")
    return keyed + rest


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("direction", ["DESC", "ASC"])
def test_spans_by_a_number_in_keyset_pages(stack, base, key, direction) -> None:
    flt = {"timeRange": known.time_range(base)}
    got = pages(stack, 2, filter=flt, order={"key": key, "direction": direction}, key=key)
    assert [len(p) for p in got] == [2] * 6
    flat = [(n["value"], (int(n["startTimeUnixNano"]) - base) // known.MS)
            for p in got for n in p]
    assert flat == expected(key, direction, known.SPANS)
    assert [v for v, _ in flat[:3]] == sorted(
        [s.attributes[key] for s in known.SPANS if key in s.attributes],
        reverse=direction == "DESC")


def test_the_filter_count_and_facets_are_those_of_the_search(stack, base) -> None:
    flt = {"timeRange": known.time_range(base), "service": "checkout", "kind": "CLIENT"}
    page = stack.gql(SPANS, filter=flt, first=2, key="custom.cost",
                     order={"key": "custom.cost"})["spans"]
    assert [n["value"] for n in page["nodes"]] == [1.5, 0.5]
    assert page["totalCount"] == 3
    assert page["facets"] == [{"values": [{"value": "chat", "count": 3}]}]
    page = stack.gql(SPANS, filter={**flt, "attributes": [{"key": "tenant", "value": "t1"}]},
                     first=5, key="gen_ai.usage.input_tokens",
                     order={"key": "gen_ai.usage.input_tokens", "direction": "ASC"})["spans"]
    assert [n["value"] for n in page["nodes"]] == [50, 100]


def test_cursors_stay_stable_while_spans_arrive(stack, base) -> None:
    flt = {"timeRange": known.time_range(base, minutes=60), "name": "late chat"}
    order = {"key": "gen_ai.usage.input_tokens"}
    key = order["key"]
    provider = TracerProvider(resource=Resource.create({"service.name": "late"}))
    provider.add_span_processor(SimpleSpanProcessor(
        OTLPSpanExporter(endpoint=stack.otlp, insecure=True)))
    tracer = provider.get_tracer("order-tests")
    start = base + 10 * known.MINUTE

    def send(*tokens: int | None) -> None:
        for n in tokens:
            span = tracer.start_span("late chat", start_time=start,
                                     attributes={} if n is None else {key: n})
            span.end(end_time=start + known.MS)

    send(10, 30, 50, None)
    first = stack.gql(SPANS, filter=flt, first=2, order=order, key=key)["spans"]
    assert [n["value"] for n in first["nodes"]] == [50, 30]
    send(40, 1000, 5, None)    # above the cursor, equal-free below it, and without the key
    provider.shutdown()
    rest = stack.gql(SPANS, filter=flt, first=100, after=first["pageInfo"]["endCursor"],
                     order=order, key=key)["spans"]
    assert [n["value"] for n in rest["nodes"]] == [10, 5, None, None]
    assert not rest["pageInfo"]["hasNextPage"]


def test_bad_orders_and_cursors_are_refused(stack, base) -> None:
    flt = {"timeRange": known.time_range(base)}
    by_tokens = stack.gql(SPANS, filter=flt, first=1, key="x",
                          order={"key": "gen_ai.usage.input_tokens"})["spans"]
    cursor = by_tokens["pageInfo"]["endCursor"]
    for order in ({"key": "custom.cost"}, {"key": "gen_ai.usage.input_tokens",
                                           "direction": "ASC"}):
        errors = stack.errors(SPANS, filter=flt, first=1, after=cursor, order=order, key="x")
        assert len(errors) == 1 and "invalid cursor" in errors[0], errors
    by_time = stack.gql(SPANS, filter=flt, first=1, key="x")["spans"]["pageInfo"]["endCursor"]
    errors = stack.errors(SPANS, filter=flt, first=1, after=by_time, key="x",
                          order={"key": "custom.cost"})
    assert len(errors) == 1 and "invalid cursor" in errors[0], errors
    for order, message in [
            ({"key": ""}, "orderByAttribute: empty attribute key"),
            ({"key": "resource:host.name"}, "takes a span attribute key"),
    ]:
        errors = stack.errors(SPANS, filter=flt, order=order, key="x")
        assert len(errors) == 1 and message in errors[0], errors
    errors = stack.errors(SPANS, filter=flt, order={"key": "custom.cost"}, key="x",
                          orderBy="DURATION_DESC")
    assert errors == ["give either `orderBy` or `orderByAttribute`, not both"]
