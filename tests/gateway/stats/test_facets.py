"""facets on the trace, span and log connections end to end, checked against the sent data
and against totalCount of the same filter."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.gateway.stats import known

pytestmark = pytest.mark.db

FACETS = "facets(keys: $keys, first: $first) { key values { value count } otherCount missingCount }"
SPANS = f"""query ($filter: SpanFilter, $keys: [String!]!, $first: Int) {{
  spans(filter: $filter, first: 1) {{ totalCount {FACETS} }} }}"""
TRACES = SPANS.replace("SpanFilter", "TraceFilter").replace("spans(", "traces(")
LOGS = SPANS.replace("SpanFilter", "LogFilter").replace("spans(", "logs(")


@pytest.fixture(scope="module")
def base(stack):
    base = known.base_time()
    known.send(stack.otlp, base)
    return base


def expected(values, first):
    """A facet from the values of the matching items (None: the item lacks the key)."""
    counts = Counter(v for v in values if v is not None)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:first]
    return {"values": [{"value": v, "count": n} for v, n in top],
            "otherCount": sum(counts.values()) - sum(n for _, n in top),
            "missingCount": sum(v is None for v in values)}


def test_span_facets(stack, base) -> None:
    flt = {"timeRange": known.time_range(base), "service": "checkout"}
    keys = ["http.route", "name", "kind", "gen_ai.usage.input_tokens", "status"]
    got = stack.gql(SPANS, filter=flt, keys=keys, first=2)["spans"]
    spans = [s for s in known.SPANS if s.service == "checkout"]
    assert got["totalCount"] == len(spans) == 9
    columns = {"http.route": [s.attributes.get("http.route") for s in spans],
               "name": [s.name for s in spans], "kind": [s.kind for s in spans],
               "gen_ai.usage.input_tokens": [s.attributes.get("gen_ai.usage.input_tokens")
                                             for s in spans],
               "status": ["ERROR" if s.error else "UNSET" for s in spans]}
    assert got["facets"] == [{"key": k, **expected(columns[k], 2)} for k in keys]
    for facet in got["facets"]:
        total = sum(v["count"] for v in facet["values"])
        assert total + facet["otherCount"] + facet["missingCount"] == got["totalCount"]


def test_trace_facets_use_the_root_span(stack, base) -> None:
    flt = {"timeRange": known.time_range(base)}
    got = stack.gql(TRACES, filter=flt, keys=["rootService", "rootName", "status",
                                              "http.route", "resource:deployment.environment"],
                    first=10)["traces"]
    roots = {}
    for s in known.SPANS:
        roots.setdefault(s.trace, s)
    errors = {s.trace for s in known.SPANS if s.error}
    assert got["totalCount"] == len(roots) == 10
    by_key = {f["key"]: f for f in got["facets"]}
    assert by_key["rootService"] == {"key": "rootService", **expected(
        [r.service for r in roots.values()], 10)}
    assert by_key["rootName"] == {"key": "rootName", **expected(
        [r.name for r in roots.values()], 10)}
    assert by_key["status"] == {"key": "status", **expected(
        ["ERROR" if t in errors else "OK" for t in roots], 10)}
    assert by_key["http.route"] == {"key": "http.route", **expected(
        [r.attributes.get("http.route") for r in roots.values()], 10)}
    assert by_key["resource:deployment.environment"]["values"] == [
        {"value": "test", "count": 10}]


def test_log_facets(stack, base) -> None:
    flt = {"timeRange": known.time_range(base)}
    got = stack.gql(LOGS, filter=flt, keys=["severity", "service", "user.id", "bytes"],
                    first=1)["logs"]
    assert got["totalCount"] == len(known.LOGS)
    severities = {"INFO": "INFO", "ERROR": "ERROR", "WARN": "WARN", "FATAL": "FATAL"}
    assert got["facets"] == [
        {"key": "severity", **expected([severities[g.text] for g in known.LOGS], 1)},
        {"key": "service", **expected([g.service for g in known.LOGS], 1)},
        {"key": "user.id", **expected([g.attributes.get("user.id") for g in known.LOGS], 1)},
        {"key": "bytes", **expected([g.attributes.get("bytes") for g in known.LOGS], 1)}]


def test_facets_with_attribute_filters_and_bad_input(stack, base) -> None:
    flt = {"timeRange": known.time_range(base),
           "attributes": [{"key": "tenant", "value": "t1"}]}
    got = stack.gql(SPANS, filter=flt, keys=["service"], first=5)["spans"]
    assert got["facets"][0]["values"] == [{"value": "billing", "count": 2},
                                          {"value": "checkout", "count": 2}]
    assert got["totalCount"] == 4
    assert "at least one key" in stack.errors(SPANS, keys=[], first=1)[0]
    assert "between 1 and 100" in stack.errors(SPANS, keys=["name"], first=0)[0]
    assert "listed twice" in stack.errors(SPANS, keys=["name", "name"], first=1)[0]


def test_span_facet_of_semantic_type(stack, base) -> None:
    flt = {"timeRange": known.time_range(base)}
    got = stack.gql(SPANS, filter=flt, keys=["semanticType"], first=5)["spans"]

    def semantic_type(attributes):
        if any(k.startswith(("gen_ai.", "llm.")) for k in attributes):
            return "AI_AGENT"
        return "HTTP" if any(k.startswith(("http.", "url.")) for k in attributes) else None

    assert got["facets"] == [{"key": "semanticType", **expected(
        [semantic_type(s.attributes) for s in known.SPANS], 5)}]
    assert got["facets"][0]["values"] == [{"value": "HTTP", "count": 6},
                                          {"value": "AI_AGENT", "count": 3}]
    # the same types as Span.semanticType reads
    spans = stack.gql("query ($f: SpanFilter) { spans(filter: $f, first: 100) "
                      "{ nodes { semanticType } } }", f=flt)["spans"]["nodes"]
    assert Counter(n["semanticType"] for n in spans) == Counter(
        {"HTTP": 6, "AI_AGENT": 3, None: 3})
