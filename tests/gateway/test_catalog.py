"""attributeKeys and attributeValues: promoted keys and their values are exact (read from
the typed tables' indexes), keys and values stored in JSONB come from the newest rows."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.db

ROUTES = [f"/r{i:03d}" for i in range(150)]         # http.route is promoted
COLORS = ["red", "green", "blue"]                     # custom.color is stored in JSONB
CODES = [200, 404, 500]                               # http.status_code, promoted int


@pytest.fixture(scope="module")
def data(stack):
    t0 = time.time_ns() - 5_000_000_000
    with stack.sdk("catalog", batch=True) as (tracer, _):
        for i, route in enumerate(ROUTES):
            span = tracer.start_span("op", start_time=t0 + i, attributes={
                "http.route": route, "http.status_code": CODES[i % 3],
                "custom.color": COLORS[i % 3], "custom.n": i % 4})
            span.end(end_time=t0 + i + 1)
    return True


def keys(stack, prefix: str) -> dict[str, bool]:
    query = "query ($p: String) { attributeKeys(scope: SPAN, prefix: $p) { key promoted } }"
    return {k["key"]: k["promoted"] for k in stack.gql(query, p=prefix)["attributeKeys"]}


def values(stack, key: str, prefix: str | None = None, first: int | None = None) -> list:
    query = """query ($k: String!, $p: String, $n: Int) {
        attributeValues(scope: SPAN, key: $k, prefix: $p, first: $n) }"""
    return stack.gql(query, k=key, p=prefix, n=first)["attributeValues"]


def test_keys_promoted_and_not(stack, data) -> None:
    assert keys(stack, "http.") == {"http.route": True, "http.status_code": True}
    assert keys(stack, "custom.") == {"custom.color": False, "custom.n": False}
    assert keys(stack, "nothing.") == {}


def test_values_of_a_promoted_key_are_all_there_in_order(stack, data) -> None:
    assert values(stack, "http.route") == ROUTES[:100]
    assert values(stack, "http.route", first=5) == ROUTES[:5]
    assert values(stack, "http.route", prefix="/r14") == [r for r in ROUTES if r[:4] == "/r14"]
    assert values(stack, "http.status_code") == CODES
    assert values(stack, "http.status_code", prefix="2") == []


def test_values_stored_in_jsonb(stack, data) -> None:
    assert values(stack, "custom.color") == sorted(COLORS)
    assert values(stack, "custom.color", prefix="g") == ["green"]
    assert values(stack, "custom.n") == [0, 1, 2, 3]
    assert values(stack, "no.such.key") == []
