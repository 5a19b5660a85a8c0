"""Keyset pagination: stable under inserts, deterministic, capped, counted on demand."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.db

PAGE = """query ($f: SpanFilter, $after: String, $order: SpanOrder) {
  spans(filter: $f, first: 3, after: $after, orderBy: $order) {
    edges { cursor node { name } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}"""


def _send(stack, service: str, items: list[tuple[str, int]]) -> None:
    with stack.sdk(service) as (tracer, _):
        for name, start in items:
            tracer.start_span(name, start_time=start).end(end_time=start + 1000)


def _pages(stack, flt, order, inserts=None) -> list[str]:
    seen, after = [], None
    while True:
        data = stack.gql(PAGE, f=flt, after=after, order=order)["spans"]
        seen += [e["node"]["name"] for e in data["edges"]]
        assert data["pageInfo"]["hasPreviousPage"] is (after is not None)
        if inserts:
            inserts.pop(0)()
        if not data["pageInfo"]["hasNextPage"]:
            return seen
        after = data["pageInfo"]["endCursor"]


@pytest.mark.parametrize("order", ["START_TIME_DESC", "START_TIME_ASC"])
def test_pages_stay_stable_when_rows_arrive_between_them(stack, order) -> None:
    service = f"paging-{order.lower()}"
    t0 = time.time_ns() - 60_000_000_000
    _send(stack, service, [(f"old-{i}", t0 + i * 1_000_000) for i in range(7)])
    # two spans share a start time: the id breaks the tie, deterministically
    _send(stack, service, [("old-tie", t0 + 3 * 1_000_000)])
    earlier = lambda: _send(stack, service, [("new-earlier", t0 - 5_000_000)])  # noqa: E731
    later = lambda: _send(stack, service, [("new-later", t0 + 50_000_000)])  # noqa: E731
    seen = _pages(stack, {"service": service}, order, inserts=[earlier, later])
    assert len(seen) == len(set(seen)), "a row showed up twice"
    originals = {f"old-{i}" for i in range(7)} | {"old-tie"}
    assert originals <= set(seen)
    # rows inserted behind the cursor are not shown, rows ahead of it are
    if order == "START_TIME_DESC":
        assert "new-later" not in seen and "new-earlier" in seen
    else:
        assert "new-earlier" not in seen and "new-later" in seen
    again = _pages(stack, {"service": service}, order)
    assert len(again) == 10 and again == _pages(stack, {"service": service}, order)


def test_trace_and_log_connections_paginate_and_count(stack) -> None:
    service = "paging-traces"
    t0 = time.time_ns() - 120_000_000_000
    _send(stack, service, [(f"trace-{i}", t0 + i * 1_000_000) for i in range(5)])
    query = """query ($after: String) {
      traces(filter: {service: "paging-traces"}, first: 2, after: $after) {
        totalCount nodes { rootName } pageInfo { hasNextPage endCursor } } }"""
    names, after = [], None
    while True:
        data = stack.gql(query, after=after)["traces"]
        assert data["totalCount"] == 5
        names += [n["rootName"] for n in data["nodes"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert names == [f"trace-{i}" for i in reversed(range(5))]
    # a cursor of one list is not accepted by another
    messages = stack.errors('query ($a: String) { logs(after: $a) { nodes { id } } }')
    assert messages == []
    messages = stack.errors('query ($a: String) { logs(after: $a) { nodes { id } } }',
                            a=after)
    assert messages and "invalid cursor" in messages[0]


def test_first_is_capped(stack) -> None:
    t0 = time.time_ns() - 180_000_000_000
    with stack.sdk("paging-cap", batch=True) as (tracer, _):
        for i in range(105):
            tracer.start_span(f"many-{i}", start_time=t0 + i).end(end_time=t0 + i + 10)
    query = """{ spans(filter: {service: "paging-cap"}, first: 1000) {
                 totalCount nodes { name } pageInfo { hasNextPage } } }"""
    data = stack.gql(query)["spans"]
    assert data["totalCount"] == 105
    assert len(data["nodes"]) == 100 and data["pageInfo"]["hasNextPage"] is True
    assert "must not be negative" in stack.errors("{ spans(first: -1) { nodes { name } } }")[0]
