"""Every attribute filter op, on promoted (typed tables) and unpromoted (JSONB) keys, and
the trace/span/log filter arguments."""

from __future__ import annotations

import time

import pytest
from opentelemetry import trace as otel_trace
from opentelemetry.trace import SpanKind

pytestmark = pytest.mark.db

# key -> the values of spans s1 < s2 < s3 (s4 has none). The http.*/gen_ai.* keys are
# promoted by ingest/attribute-promotion.yaml; custom.* go to the JSONB catch-all.
VALUES = {
    "http.route": ("/a", "/b/items", "/c"),
    "custom.s": ("alpha", "beta", "gamma"),
    "http.status_code": (200, 404, 500),
    "custom.i": (2, 10, 100),            # numeric, not lexicographic, order
    "gen_ai.usage.cost": (0.5, 1.0, 2.5),
    "custom.d": (1.5, 2.0, 3.5),
}

SPANS = """query ($f: SpanFilter) { spans(filter: $f, first: 100) { nodes { name } } }"""


@pytest.fixture(scope="module")
def data(stack):
    t0 = time.time_ns() - 3_000_000_000
    with stack.sdk("filters", **{"deployment.environment": "filters-env",
                                 "custom.team": "payments"}) as (tracer, logger):
        root = tracer.start_span("s4", kind=SpanKind.SERVER, start_time=t0)
        ctx = otel_trace.set_span_in_context(root)
        for i, name in enumerate(("s1", "s2", "s3")):
            attrs = {key: values[i] for key, values in VALUES.items()}
            attrs.update({"custom.b": True, "custom.arr": ["x", "y"]} if i == 0 else
                         {"custom.b": False, "custom.arr": ["y"]} if i == 1 else {})
            span = tracer.start_span(name, kind=SpanKind.CLIENT, context=ctx, attributes=attrs,
                                     start_time=t0 + (i + 1) * 1_000_000)
            if i == 0:
                span.add_event("retry", {"event.kind": "backoff"})
            with otel_trace.use_span(span):
                logger.warning(f"log of {name}", extra={"custom.order": i, "log.logger": name})
            span.end(end_time=t0 + (i + 2) * 1_000_000)
        root.end(end_time=t0 + 10_000_000)
    return {"trace_id": format(root.get_span_context().trace_id, "032x"), "t0": t0}


def names(stack, data, *attributes, **filters) -> set[str]:
    flt = {"traceId": data["trace_id"], **filters}
    if attributes:
        flt["attributes"] = list(attributes)
    return {n["name"] for n in stack.gql(SPANS, f=flt)["spans"]["nodes"]}


@pytest.mark.parametrize("key", list(VALUES))
@pytest.mark.parametrize(("op", "arg", "expected"), [
    ("EQ", 1, {"s2"}),
    ("NEQ", 1, {"s1", "s3", "s4"}),      # the complement of EQ: s4 has no such key
    ("GT", 1, {"s3"}),
    ("GTE", 1, {"s2", "s3"}),
    ("LT", 1, {"s1"}),
    ("LTE", 1, {"s1", "s2"}),
    ("IN", [0, 2], {"s1", "s3"}),
    ("NOT_IN", [0], {"s2", "s3", "s4"}),  # the complement of IN
    ("EXISTS", None, {"s1", "s2", "s3"}),
    ("NOT_EXISTS", None, {"s4"}),
])
def test_ops_on_promoted_and_unpromoted_keys(stack, data, key, op, arg, expected) -> None:
    flt = {"key": key, "op": op}
    if isinstance(arg, list):
        flt["values"] = [VALUES[key][i] for i in arg]
    elif arg is not None:
        flt["value"] = VALUES[key][arg]
    assert names(stack, data, flt) == expected


@pytest.mark.parametrize(("key", "op", "value", "expected"), [
    ("http.route", "CONTAINS", "items", {"s2"}),
    ("custom.s", "CONTAINS", "mm", {"s3"}),
    ("http.route", "REGEX", "^/[ab]", {"s1", "s2"}),
    ("custom.s", "REGEX", "^(alpha|beta)$", {"s1", "s2"}),
    ("custom.arr", "CONTAINS", "x", {"s1"}),
    ("custom.arr", "CONTAINS", "y", {"s1", "s2"}),
    ("custom.b", "EQ", True, {"s1"}),
    ("custom.b", "NEQ", True, {"s2", "s3", "s4"}),
    ("custom.i", "EQ", 10.0, {"s2"}),           # numbers compare as numbers
    ("http.status_code", "EQ", 404.0, {"s2"}),
    ("custom.d", "EQ", 2, {"s2"}),
    ("gen_ai.usage.cost", "GT", 0.75, {"s2", "s3"}),
    ("custom.i", "GT", 9, {"s2", "s3"}),
])
def test_contains_regex_and_mixed_types(stack, data, key, op, value, expected) -> None:
    assert names(stack, data, {"key": key, "op": op, "value": value}) == expected


@pytest.mark.parametrize("key", ["http.route", "custom.s"])
def test_neq_with_exists_keeps_rows_that_have_the_key(stack, data, key) -> None:
    has_key = {"key": key, "op": "EXISTS"}
    assert names(stack, data, has_key, {"key": key, "op": "NEQ", "value": VALUES[key][1]}) == {
        "s1", "s3"}
    assert names(stack, data, has_key, {"key": key, "op": "NOT_IN",
                                        "values": list(VALUES[key][:2])}) == {"s3"}


def test_scopes(stack, data) -> None:
    everything = {"s1", "s2", "s3", "s4"}
    env = {"key": "deployment.environment", "value": "filters-env", "scope": "RESOURCE"}
    assert names(stack, data, env) == everything
    assert names(stack, data, {**env, "value": "other"}) == set()
    team = {"key": "custom.team", "value": "payments", "scope": "RESOURCE"}
    assert names(stack, data, team) == everything
    assert names(stack, data, {"key": "event.kind", "value": "backoff", "scope": "EVENT"}) == {"s1"}
    assert names(stack, data, {"key": "nope", "op": "NOT_EXISTS", "scope": "SCOPE"}) == everything
    messages = stack.errors("{ spans(filter: {attributes: [{key: \"a\", scope: LOG}]}) "
                            "{ nodes { name } } }")
    assert messages and "scope LOG does not apply" in messages[0]


def test_span_filter_arguments(stack, data) -> None:
    assert names(stack, data, kind="SERVER") == {"s4"}
    assert names(stack, data, rootOnly=True) == {"s4"}
    assert names(stack, data, name="s2") == {"s2"}
    assert names(stack, data, service="filters") == {"s1", "s2", "s3", "s4"}
    assert names(stack, data, service="elsewhere") == set()
    assert names(stack, data, minDurationMs=5) == {"s4"}
    assert names(stack, data, maxDurationMs=1) == {"s1", "s2", "s3"}
    assert names(stack, data, semanticType="AI_AGENT") == {"s1", "s2", "s3"}
    assert names(stack, data, semanticType="DB") == set()
    assert names(stack, data, status="UNSET") == {"s1", "s2", "s3", "s4"}
    t0 = data["t0"]
    assert names(stack, data, timeRange={"last": "1h"}) == {"s1", "s2", "s3", "s4"}
    window = {"from": _ts(t0 + 1_500_000), "to": _ts(t0 + 3_000_000)}
    assert names(stack, data, timeRange=window) == {"s2", "s3"}


def test_trace_filter_needs_one_span_with_all_span_conditions(stack, data) -> None:
    query = """query ($f: TraceFilter) { traces(filter: $f) { nodes { traceId } } }"""
    base = {"timeRange": {"last": "1h"}, "service": "filters"}

    def found(**flt) -> bool:
        nodes = stack.gql(query, f={**base, **flt})["traces"]["nodes"]
        return data["trace_id"] in {n["traceId"] for n in nodes}

    same_span = [{"key": "http.route", "value": "/c"}, {"key": "custom.i", "op": "GTE",
                                                         "value": 100}]
    split = [{"key": "http.route", "value": "/a"}, {"key": "custom.i", "value": 100}]
    assert found(attributes=same_span)
    assert not found(attributes=split)
    assert found(spanName="s3", kind="CLIENT", semanticType="HTTP")
    assert not found(spanName="s3", kind="SERVER")
    assert found(rootName="s4", rootService="filters", status="OK", minDurationMs=9)
    assert not found(status="ERROR")
    assert not found(maxDurationMs=5)


def test_log_filters(stack, data) -> None:
    query = """query ($f: LogFilter) { logs(filter: $f) { nodes { body } } }"""

    def bodies(*attributes, **flt) -> set[str]:
        flt = {"traceId": data["trace_id"], **flt}
        if attributes:
            flt["attributes"] = list(attributes)
        return {n["body"] for n in stack.gql(query, f=flt)["logs"]["nodes"]}

    everything = {"log of s1", "log of s2", "log of s3"}
    assert bodies() == everything
    assert bodies({"key": "custom.order", "op": "GTE", "value": 1}) == {"log of s2", "log of s3"}
    assert bodies({"key": "log.logger", "value": "s1"}) == {"log of s1"}
    assert bodies({"key": "log.logger", "op": "IN", "values": ["s1", "s3"]}) == {
        "log of s1", "log of s3"}
    assert bodies({"key": "custom.team", "value": "payments", "scope": "RESOURCE"}) == everything
    assert bodies(minSeverity=13, service="filters", bodyContains="s2") == {"log of s2"}
    assert bodies(minSeverity=17) == set()


def _ts(unix_nano: int) -> str:
    from gateway import scalars

    return scalars.format_timestamp(unix_nano)
