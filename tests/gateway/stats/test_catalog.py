"""The catalog end to end: operations, the attribute key registry (value types, counts,
last seen; JSONB-stored keys included) before and after the rollup job, value counts."""

from __future__ import annotations

from collections import Counter

import pytest

from gateway import scalars
from tests.gateway.stats import known
from tests.gateway.stats.test_red import roll

pytestmark = pytest.mark.db

OPERATIONS = """query ($service: String, $range: TimeRange) {
  operations(service: $service, timeRange: $range) {
    service name kind spanCount errorCount } }"""
KEYS = """query ($scope: AttributeScope!, $range: TimeRange, $prefix: String) {
  attributeKeys(scope: $scope, timeRange: $range, prefix: $prefix) {
    key promoted count lastSeen valueTypes { type count } } }"""
VALUES = """query ($scope: AttributeScope!, $key: String!, $range: TimeRange) {
  attributeValueCounts(scope: $scope, key: $key, timeRange: $range) { value count } }"""


@pytest.fixture(scope="module")
def base(stack):
    base = known.base_time()
    known.send(stack.otlp, base)
    return base


def expected_operations(service=None):
    counts: Counter = Counter()
    errors: Counter = Counter()
    for s in known.SPANS:
        if service in (None, s.service):
            counts[(s.service, s.name, s.kind)] += 1
            errors[(s.service, s.name, s.kind)] += s.error
    ordered = sorted(counts, key=lambda k: -counts[k])
    return {(k, counts[k], errors[k]) for k in ordered}


def expected_keys(items, base):
    """key -> (count, {type: count}, last minute) of the attributes of `items`."""
    out: dict[str, list] = {}
    types = {str: "string", int: "int", float: "double", bool: "bool"}
    for item in items:
        for key, value in item.attributes.items():
            entry = out.setdefault(key, [0, Counter(), 0])
            entry[0] += 1
            entry[1][types[type(value)]] += 1
            entry[2] = max(entry[2], base + item.at_ms // 60_000 * known.MINUTE)
    return {k: (n, dict(t), scalars.format_timestamp(m)) for k, (n, t, m) in out.items()}


def got_keys(stack, scope, base):
    keys = stack.gql(KEYS, scope=scope, range=known.time_range(base))["attributeKeys"]
    assert [k["key"] for k in keys] == sorted(k["key"] for k in keys)
    return {k["key"]: (k["count"], {t["type"]: t["count"] for t in k["valueTypes"]},
                       k["lastSeen"]) for k in keys}


def test_operations(stack, base) -> None:
    got = stack.gql(OPERATIONS, service="checkout", range=known.time_range(base))
    rows = {((o["service"], o["name"], o["kind"]), o["spanCount"], o["errorCount"])
            for o in got["operations"]}
    assert rows == expected_operations("checkout")
    assert got["operations"][0]["name"] == "GET /a"       # most spans first
    everything = stack.gql(OPERATIONS)["operations"]
    assert {((o["service"], o["name"], o["kind"]), o["spanCount"], o["errorCount"])
            for o in everything} == expected_operations()


def test_attribute_keys_from_the_spans_then_from_the_registry(stack, base) -> None:
    spans = expected_keys(known.SPANS, base)
    logs = expected_keys(known.LOGS, base)
    before = got_keys(stack, "SPAN", base), got_keys(stack, "LOG", base)
    roll(stack, base + 5 * known.MINUTE)
    after = got_keys(stack, "SPAN", base), got_keys(stack, "LOG", base)
    assert before == after == (spans, logs)
    assert spans["custom.cost"] == (3, {"double": 3}, scalars.format_timestamp(
        base + 2 * known.MINUTE))                       # stored in JSONB
    prefixed = stack.gql(KEYS, scope="SPAN", range=known.time_range(base), prefix="gen_ai.")
    assert [(k["key"], k["promoted"]) for k in prefixed["attributeKeys"]] == [
        ("gen_ai.request.model", True), ("gen_ai.usage.input_tokens", True)]


def test_attribute_value_counts(stack, base) -> None:
    got = stack.gql(VALUES, scope="SPAN", key="tenant", range=known.time_range(base))
    assert got["attributeValueCounts"] == [{"value": "t1", "count": 4},
                                           {"value": "t2", "count": 2}]
    env = stack.gql(VALUES, scope="RESOURCE", key="deployment.environment",
                    range=known.time_range(base))
    assert env["attributeValueCounts"] == [{"value": "test", "count": len(known.SPANS)}]
    logs = stack.gql(VALUES, scope="LOG", key="bytes", range=known.time_range(base))
    assert logs["attributeValueCounts"] == [{"value": v, "count": 1} for v in (10, 30, 50)]
