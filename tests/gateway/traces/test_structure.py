"""Structural and boolean filters end to end (SDK -> ingest -> gateway): spans by their
relatives (hasParent, hasChild, hasAncestor, hasDescendant), by their events and links,
composed with not/anyOf/allOf; traces by several different spans (spans) and by spans they
lack (notSpans); the limits on nesting. Every answer is the exact set of spans or traces
the data below says."""

from __future__ import annotations

import time
from typing import Any

import pytest
from opentelemetry import trace as otel_trace
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

from gateway.traces import structure

pytestmark = pytest.mark.db

MS = 1_000_000
SPANS = """query ($f: SpanFilter) { spans(filter: $f, first: 100) { nodes { spanId } } }"""
TRACES = """query ($f: TraceFilter) { traces(filter: $f, first: 100) { nodes { traceId } } }"""
# each trace: (its name, [(span name, parent index or None, kind, duration ms, attributes,
# error)]); the spans of a trace start 1 ms apart, in order
LLM = {"gen_ai.system": "openai", "gen_ai.request.model": "gpt-4o"}
AGENT = {"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "planner"}
DB = {"db.system": "postgresql", "db.statement": "SELECT 1"}
ROUTE = {"http.route": "/checkout"}
S, C, IN = SpanKind.SERVER, SpanKind.CLIENT, SpanKind.INTERNAL
DATA: dict[str, list[tuple[str, int | None, SpanKind, int, dict[str, Any], bool]]] = {
    # a slow DB call two levels below checkout
    "slow": [("checkout", None, S, 900, ROUTE, False), ("handler", 0, IN, 850, {}, False),
             ("db.query", 1, C, 800, DB, False)],
    # a fast one, failing
    "fast": [("checkout", None, S, 200, ROUTE, False), ("db.query", 0, C, 100, DB, True)],
    # a slow call that is not a DB call
    "cache": [("checkout", None, S, 950, ROUTE, False), ("cache", 0, C, 900, {}, False)],
    # two DB calls
    "twodb": [("checkout", None, S, 300, ROUTE, False), ("db.query", 0, C, 50, DB, False),
              ("db.query", 0, C, 60, DB, False)],
    # an LLM call under an agent span
    "agent": [("agent.run", None, IN, 400, AGENT, False), ("plan", 0, IN, 300, {}, False),
              ("llm.call", 1, C, 200, LLM, False)],
    # an LLM call under no agent span (it links to the agent's run)
    "chat": [("chat", None, S, 300, {}, False), ("llm.call", 0, C, 250, LLM, False)],
}
IDS: dict[tuple[str, int], str] = {}       # (trace, span index) -> span id (hex)
TRACE_IDS: dict[str, str] = {}              # trace -> trace id (hex)


def hexid(span: Any) -> str:
    return span.get_span_context().span_id.to_bytes(8, "big").hex()


@pytest.fixture(scope="module")
def traces(stack) -> None:
    t0 = time.time_ns() - 120_000_000_000
    roots: dict[str, Any] = {}
    with stack.sdk("structure", batch=True) as (tracer, _):
        for n, (trace, spans) in enumerate(DATA.items()):
            start, made = t0 + n * 10_000 * MS, []
            for j, (name, parent, kind, _, attrs, error) in enumerate(spans):
                ctx = (otel_trace.set_span_in_context(made[parent])
                       if parent is not None else None)
                links = []
                if trace == "chat" and name == "llm.call":
                    links = [Link(roots["agent"].get_span_context(), {"link.kind": "follows"})]
                span = tracer.start_span(name, context=ctx, kind=kind, attributes=attrs,
                                         links=links, start_time=start + j * MS)
                if error:
                    span.add_event("exception", {"exception.type": "TimeoutError"},
                                   timestamp=start + j * MS + 1)
                    span.set_status(Status(StatusCode.ERROR, "timeout"))
                made.append(span)
                IDS[(trace, j)] = hexid(span)
            for j in reversed(range(len(spans))):
                made[j].end(end_time=start + j * MS + spans[j][3] * MS)
            TRACE_IDS[trace] = format(made[0].get_span_context().trace_id, "032x")
            roots[trace] = made[0]


def spans(stack, flt: dict[str, Any]) -> set[tuple[str, int]]:
    found = {n["spanId"] for n in stack.gql(SPANS, f=flt)["spans"]["nodes"]}
    return {key for key, span in IDS.items() if span in found}


def traces_of(stack, flt: dict[str, Any]) -> set[str]:
    found = {n["traceId"] for n in stack.gql(TRACES, f=flt)["traces"]["nodes"]}
    return {name for name, trace in TRACE_IDS.items() if trace in found}


def test_checkout_with_a_slow_db_call_below_it(stack, traces) -> None:
    flt = {"name": "checkout", "kind": "SERVER",
           "hasDescendant": {"semanticType": "DB", "minDurationMs": 500}}
    assert spans(stack, flt) == {("slow", 0)}
    # starting from an attribute filter, with one nested under it
    flt = {"attributes": [{"key": "http.route", "value": "/checkout"}],
           "hasDescendant": {"attributes": [{"key": "db.system", "value": "postgresql"}],
                             "minDurationMs": 500}}
    assert spans(stack, flt) == {("slow", 0)}
    assert spans(stack, {"hasDescendant": {"semanticType": "DB"}}) == {
        ("slow", 0), ("slow", 1), ("fast", 0), ("twodb", 0)}


def test_llm_calls_not_under_an_agent(stack, traces) -> None:
    llm = {"attributes": [{"key": "gen_ai.system", "op": "EXISTS"}]}
    agent = {"attributes": [{"key": "gen_ai.operation.name", "value": "invoke_agent"}]}
    assert spans(stack, llm) == {("agent", 2), ("chat", 1)}
    assert spans(stack, {**llm, "not": {"hasAncestor": agent}}) == {("chat", 1)}
    assert spans(stack, {**llm, "hasAncestor": agent}) == {("agent", 2)}
    # traces with such a span: the agent filter starts from its few spans
    assert traces_of(stack, {"spans": [{**llm, "hasAncestor": agent}]}) == {"agent"}
    assert traces_of(stack, {"spans": [{**llm, "not": {"hasAncestor": agent}}]}) == {"chat"}


def test_parents_and_children(stack, traces) -> None:
    assert spans(stack, {"hasParent": {"name": "handler"}}) == {("slow", 2)}
    assert spans(stack, {"hasParent": {"kind": "SERVER"}, "kind": "CLIENT"}) == {
        ("fast", 1), ("cache", 1), ("twodb", 1), ("twodb", 2), ("chat", 1)}
    assert spans(stack, {"hasChild": {"name": "cache"}}) == {("cache", 0)}
    assert spans(stack, {"hasChild": {"hasChild": {"semanticType": "AI_AGENT"}}}) == {
        ("agent", 0)}
    # a root has no parent, a leaf no child
    assert spans(stack, {"rootOnly": True, "hasParent": {}}) == set()
    assert spans(stack, {"name": "db.query", "hasChild": {}}) == set()


def test_boolean_composition(stack, traces) -> None:
    assert spans(stack, {"anyOf": [{"name": "cache"}, {"name": "llm.call"}]}) == {
        ("cache", 1), ("agent", 2), ("chat", 1)}
    assert spans(stack, {"allOf": [{"kind": "CLIENT"}, {"minDurationMs": 500}]}) == {
        ("slow", 2), ("cache", 1)}
    assert spans(stack, {"kind": "CLIENT", "not": {"semanticType": "DB"}}) == {
        ("cache", 1), ("agent", 2), ("chat", 1)}
    assert spans(stack, {"not": {"anyOf": [{"kind": "CLIENT"}, {"kind": "INTERNAL"}]}}) == {
        (trace, 0) for trace in ("slow", "fast", "cache", "twodb", "chat")}
    assert spans(stack, {"anyOf": []}) == set()


def test_events_and_links(stack, traces) -> None:
    assert spans(stack, {"eventName": "exception"}) == {("fast", 1)}
    assert spans(stack, {"linkedTraceId": TRACE_IDS["agent"]}) == {("chat", 1)}
    assert spans(stack, {"hasDescendant": {"eventName": "exception"}}) == {("fast", 0)}


def test_traces_by_different_spans(stack, traces) -> None:
    client = {"kind": "CLIENT", "semanticType": "DB"}
    assert traces_of(stack, {"spans": [client]}) == {"slow", "fast", "twodb"}
    assert traces_of(stack, {"spans": [client, client]}) == {"twodb"}
    assert traces_of(stack, {"spans": [client, client, client]}) == set()
    assert traces_of(stack, {"spans": [{"name": "llm.call"}, {"name": "agent.run"}]}) == {
        "agent"}
    assert traces_of(stack, {"rootName": "checkout",
                             "notSpans": [{"semanticType": "DB"}]}) == {"cache"}
    assert traces_of(stack, {"notSpans": [{"kind": "CLIENT"}]}) == set()


def test_trace_boolean_composition(stack, traces) -> None:
    assert traces_of(stack, {"not": {"rootName": "checkout"}}) == {"agent", "chat"}
    assert traces_of(stack, {"anyOf": [
        {"rootName": "chat"}, {"spans": [{"kind": "CLIENT", "minDurationMs": 700}]}]}) == {
        "chat", "slow", "cache"}
    assert traces_of(stack, {"allOf": [{"rootName": "checkout"}, {"status": "ERROR"}]}) == {
        "fast"}
    assert traces_of(stack, {"status": "OK", "spans": [{"hasParent": {
        "hasParent": {"name": "checkout"}}}]}) == {"slow"}


def test_the_same_filter_in_a_trace_and_in_stats(stack, traces) -> None:
    query = """query ($id: ID!, $f: SpanFilter) {
        trace(traceId: $id) { spans(filter: $f) { spanId } } }"""
    found = stack.gql(query, id=TRACE_IDS["slow"], f={"hasAncestor": {"name": "checkout"}})
    assert {s["spanId"] for s in found["trace"]["spans"]} == {IDS[("slow", 1)],
                                                               IDS[("slow", 2)]}
    stats = """query ($f: SpanFilter) {
        spanStats(filter: $f, measures: [{op: COUNT}]) { source groups { values } } }"""
    got = stack.gql(stats, f={"hasParent": {"kind": "SERVER"}, "kind": "CLIENT"})["spanStats"]
    assert got["source"] == "spans" and got["groups"][0]["values"] == [5]


def nest(depth: int) -> dict[str, Any]:
    flt: dict[str, Any] = {"name": "db.query"}
    for _ in range(depth):
        flt = {"hasParent": flt}
    return flt


def test_nesting_and_filter_count_are_bounded(stack, traces) -> None:
    assert spans(stack, nest(structure.MAX_DEPTH)) == set()
    errors = stack.errors(SPANS, f=nest(structure.MAX_DEPTH + 1))
    assert errors == ["filter.hasParent.hasParent.hasParent.hasParent.hasParent: filters "
                      f"nest at most {structure.MAX_DEPTH} levels deep"]
    errors = stack.errors(TRACES, f={"spans": [nest(structure.MAX_DEPTH)]})
    assert errors == ["filter.spans.hasParent.hasParent.hasParent.hasParent: filters "
                      f"nest at most {structure.MAX_DEPTH} levels deep"]
    many = {"anyOf": [{"name": str(i)} for i in range(structure.MAX_FILTERS + 1)]}
    assert stack.errors(SPANS, f=many) == [
        f"filter.anyOf: a filter holds at most {structure.MAX_FILTERS} nested filters"]
    assert spans(stack, {"anyOf": many["anyOf"][:structure.MAX_FILTERS]}) == set()


def test_links_both_ways(stack, traces) -> None:
    query = """query ($t: ID!, $s: ID!) { span(traceId: $t, spanId: $s) {
        links { spanId attributes fromSpan { spanId } span { name } }
        linkedFrom { traceId spanId attributes fromSpan { spanId name trace { traceId } }
                     span { name } } } }"""
    chat = stack.gql(query, t=TRACE_IDS["chat"], s=IDS[("chat", 1)])["span"]
    assert chat["links"] == [{"spanId": IDS[("agent", 0)], "attributes": {"link.kind": "follows"},
                              "fromSpan": {"spanId": IDS[("chat", 1)]},
                              "span": {"name": "agent.run"}}]
    assert chat["linkedFrom"] == []
    agent = stack.gql(query, t=TRACE_IDS["agent"], s=IDS[("agent", 0)])["span"]
    assert agent["links"] == []
    assert agent["linkedFrom"] == [{
        "traceId": TRACE_IDS["agent"], "spanId": IDS[("agent", 0)],
        "attributes": {"link.kind": "follows"},
        "fromSpan": {"spanId": IDS[("chat", 1)], "name": "llm.call",
                     "trace": {"traceId": TRACE_IDS["chat"]}},
        "span": {"name": "agent.run"}}]


def test_link_attribute_scope(stack, traces) -> None:
    link = {"key": "link.kind", "value": "follows", "scope": "LINK"}
    assert spans(stack, {"attributes": [link]}) == {("chat", 1)}
    assert spans(stack, {"attributes": [{**link, "value": "other"}]}) == set()
    assert traces_of(stack, {"attributes": [link]}) == {"chat"}
    assert spans(stack, {"hasChild": {"attributes": [link]}}) == {("chat", 0)}


def test_exceptions_grouped(stack, traces) -> None:
    query = """query ($f: SpanFilter, $g: ExceptionGroupBy) {
        exceptions(filter: $f, timeRange: {last: "1h"}, groupBy: $g) {
            key count sampleTraceId sampleSpanId } }"""
    want = [{"key": "TimeoutError", "count": 1, "sampleTraceId": TRACE_IDS["fast"],
             "sampleSpanId": IDS[("fast", 1)]}]
    assert stack.gql(query)["exceptions"] == want
    assert stack.gql(query, g="SERVICE")["exceptions"] == [{**want[0], "key": "structure"}]
    assert stack.gql(query, f={"hasParent": {"name": "checkout"}})["exceptions"] == want
    assert stack.gql(query, f={"hasParent": {"name": "chat"}})["exceptions"] == []
