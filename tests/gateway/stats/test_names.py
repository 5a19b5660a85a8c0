"""Span name and trace root name search by prefix, substring and regular expression, end
to end."""

from __future__ import annotations

import pytest

from tests.gateway.stats import known

pytestmark = pytest.mark.db

SPANS = """query ($filter: SpanFilter) { spans(filter: $filter, first: 100) {
  totalCount nodes { name } } }"""
TRACES = """query ($filter: TraceFilter) { traces(filter: $filter, first: 100) {
  totalCount nodes { rootName traceId } } }"""


@pytest.fixture(scope="module")
def sent(stack):
    base = known.base_time()
    return base, known.send(stack.otlp, base)


def span_names(stack, base, match):
    flt = {"timeRange": known.time_range(base), "nameMatch": match}
    return sorted(n["name"] for n in stack.gql(SPANS, filter=flt)["spans"]["nodes"])


@pytest.mark.parametrize(("match", "expected"), [
    ({"prefix": "GET /"}, lambda s: s.name.startswith("GET /")),
    ({"contains": "ha"}, lambda s: "ha" in s.name),
    ({"regex": "^GET /[ab]$"}, lambda s: s.name in ("GET /a", "GET /b")),
    ({"prefix": "c", "contains": "ar"}, lambda s: s.name == "charge"),
    ({"prefix": "GET_"}, lambda s: False),       # LIKE wildcards are literal
    ({"prefix": "%"}, lambda s: False),
])
def test_span_names(stack, sent, match, expected) -> None:
    base, _ = sent
    assert span_names(stack, base, match) == sorted(s.name for s in known.SPANS if expected(s))


def test_trace_root_and_span_names(stack, sent) -> None:
    base, ids = sent
    roots = {}
    for s in known.SPANS:
        roots.setdefault(s.trace, s)
    flt = {"timeRange": known.time_range(base), "rootNameMatch": {"prefix": "GET"}}
    got = stack.gql(TRACES, filter=flt)["traces"]
    assert sorted(n["traceId"] for n in got["nodes"]) == sorted(
        ids[t] for t, r in roots.items() if r.name.startswith("GET"))
    flt = {"timeRange": known.time_range(base), "spanNameMatch": {"regex": "^ch.t$"},
           "rootNameMatch": {"contains": "/"}}
    got = stack.gql(TRACES, filter=flt)["traces"]
    assert sorted(n["traceId"] for n in got["nodes"]) == sorted(
        ids[s.trace] for s in known.SPANS if s.name == "chat" and roots[s.trace].name != "chat")


def test_bad_name_matches(stack, sent) -> None:
    assert "invalid regular expression" in stack.errors(
        SPANS, filter={"nameMatch": {"regex": "("}})[0]
    assert "nameMatch: give prefix, contains or regex" in stack.errors(
        SPANS, filter={"nameMatch": {}})[0]
