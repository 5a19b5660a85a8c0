"""Trace and span search find the same traces and spans whichever plan they take (walking
in page order, or starting from the spans of any EQ/IN attribute filter), and the ones a
plain model of the data says: the spans that satisfy every attribute filter, and the
traces with one such span."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import pytest
from opentelemetry import trace as otel_trace

from gateway import db, enums, filters, inputs, sqlparts, starting
from gateway.traces import filters as trace_filters
from gateway.traces import matching

pytestmark = pytest.mark.db

TRACES = 16
SPAN_IDS: dict[str, tuple[int, int]] = {}      # span id (hex) -> (t, j), filled by `traces`
QUERY = """query ($f: TraceFilter) { traces(filter: $f, first: 100) { nodes { traceId } } }"""
SPANS = """query ($f: SpanFilter) { spans(filter: $f, first: 100) { nodes { spanId } } }"""
RESOURCE = {"deployment.environment": "matching-env", "custom.team": "payments"}
# attribute filters (JSON as a client sends them); http.* are promoted, custom.* JSONB
CASES = [
    [{"key": "http.route", "value": "/r1"}, {"key": "custom.tier", "value": "gold"}],
    [{"key": "http.status_code", "value": 500},
     {"key": "http.route", "op": "IN", "values": ["/r0", "/r2"]}],
    [{"key": "custom.tier", "op": "NEQ", "value": "gold"}, {"key": "http.route", "value": "/r2"}],
    [{"key": "http.route", "op": "NOT_IN", "values": ["/r0"]},
     {"key": "custom.n", "op": "GT", "value": 30}],
    [{"key": "custom.tier", "op": "EXISTS"}, {"key": "http.status_code", "value": 500}],
    [{"key": "custom.tier", "op": "NOT_EXISTS"}, {"key": "http.route", "value": "/r0"}],
    [{"key": "http.route", "op": "CONTAINS", "value": "1"},
     {"key": "custom.tier", "op": "REGEX", "value": "^go"}],
    [{"key": "event.kind", "value": "retry", "scope": "EVENT"},
     {"key": "http.route", "value": "/r1"}],
    [{"key": "deployment.environment", "value": "matching-env", "scope": "RESOURCE"},
     {"key": "custom.n", "op": "LTE", "value": 5}],
    [{"key": "custom.team", "value": "payments", "scope": "RESOURCE"},
     {"key": "custom.n", "value": 7}],
    [{"key": "custom.tier", "value": "platinum"}, {"key": "http.route", "value": "/r1"}],
]


def span_attributes(t: int, j: int) -> dict[str, Any]:
    attrs: dict[str, Any] = {"http.route": f"/r{(t + j) % 3}",
                             "http.status_code": 500 if (3 * t + j) % 4 == 0 else 200,
                             "custom.n": 3 * t + j}
    if j != 2:
        attrs["custom.tier"] = "gold" if (t + 2 * j) % 5 == 0 else "silver"
    return attrs


def event_attributes(t: int, j: int) -> dict[str, Any] | None:
    return {"event.kind": "retry" if t % 2 else "timeout"} if j == 1 else None


@pytest.fixture(scope="module")
def traces(stack) -> dict[str, int]:
    """trace id (hex) -> its number t; the spans' ids are in SPAN_IDS."""
    t0 = time.time_ns() - 60_000_000_000
    found: dict[str, int] = {}
    SPAN_IDS.clear()  # the spans of this stack only (the module runs once per executor)
    with stack.sdk("matching", batch=True, **RESOURCE) as (tracer, _):
        for t in range(TRACES):
            start = t0 + t * 1_000_000
            root = tracer.start_span("root", start_time=start, attributes=span_attributes(t, 0))
            ctx = otel_trace.set_span_in_context(root)
            for j in (1, 2):
                span = tracer.start_span(f"child-{j}", context=ctx, start_time=start + j,
                                         attributes=span_attributes(t, j))
                if event_attributes(t, j):
                    span.add_event("e", event_attributes(t, j), timestamp=start + j)
                span.end(end_time=start + 10)
                SPAN_IDS[span.get_span_context().span_id.to_bytes(8, "big").hex()] = (t, j)
            root.end(end_time=start + 20)
            SPAN_IDS[root.get_span_context().span_id.to_bytes(8, "big").hex()] = (t, 0)
            found[format(root.get_span_context().trace_id, "032x")] = t
    return found


def holds(flt: dict[str, Any], attrs: dict[str, Any]) -> bool:
    key, op, value = flt["key"], flt.get("op", "EQ"), flt.get("value")
    present = key in attrs
    got = attrs.get(key)
    tests = {
        "EQ": lambda: present and got == value,
        "NEQ": lambda: not (present and got == value),
        "IN": lambda: present and got in flt["values"],
        "NOT_IN": lambda: not (present and got in flt["values"]),
        "GT": lambda: present and got > value,
        "LTE": lambda: present and got <= value,
        "EXISTS": lambda: present,
        "NOT_EXISTS": lambda: not present,
        "CONTAINS": lambda: present and value in got,
        "REGEX": lambda: present and re.search(value, got) is not None,
    }
    return bool(tests[op]())


def span_matches(case: list[dict[str, Any]], t: int, j: int) -> bool:
    for flt in case:
        scope = flt.get("scope", "SPAN")
        if scope == "EVENT":
            event = event_attributes(t, j)
            if event is None or not holds(flt, event):
                return False
        elif not holds(flt, RESOURCE if scope == "RESOURCE" else span_attributes(t, j)):
            return False
    return True


def expected(case: list[dict[str, Any]], traces: dict[str, int]) -> set[str]:
    return {trace for trace, t in traces.items()
            if any(span_matches(case, t, j) for j in range(3))}


def expected_spans(case: list[dict[str, Any]]) -> set[str]:
    return {span for span, (t, j) in SPAN_IDS.items() if span_matches(case, t, j)}


def trace_filter(case: list[dict[str, Any]]) -> inputs.TraceFilter:
    return inputs.TraceFilter(time_range=inputs.TimeRange(last="1h"), attributes=[
        inputs.AttributeFilter(key=f["key"], op=enums.AttributeOp[f.get("op", "EQ")],
                               value=f.get("value"), values=f.get("values"),
                               scope=enums.AttributeScope[f["scope"]] if "scope" in f else None)
        for f in case])


async def plans(stack, case: list[dict[str, Any]]) -> dict[str, set[str]]:
    """What each plan finds: traces (walking, starting from each EQ/IN filter, and as
    `matching.start_filter` chooses) and spans ("spans, ..." the same for a span search)."""
    pool = await db.create_pool(stack.database_url, stack.schema, max_size=1)
    try:
        database = db.Db(pool)
        flt = trace_filter(case)
        span_flt = inputs.SpanFilter(time_range=flt.time_range, attributes=flt.attributes)
        keys = await filters.key_ids(database, flt.attributes)
        bounds = matching.span_bounds(filters.time_bounds(flt.time_range))
        starts: dict[str, starting.Start | None] = {"walk": None}
        for i, attribute in enumerate(flt.attributes):
            stmt = sqlparts.Statement()
            match = filters.attribute_match(stmt, attribute, "span", bounds, keys)
            if match.can_start:
                rows = await database.fetch(match.sets.rows(), *stmt.params)
                starts[f"start at {i}"] = starting.Start(i, [r[0] for r in rows],
                                                         [r[1] for r in rows])
        found = {}
        for name, start in {**starts,
                            "chosen": await matching.start_filter(database, flt, keys)}.items():
            stmt = sqlparts.Statement()
            where = sqlparts.conjunction(trace_filters.trace_conditions(stmt, flt, keys, start))
            rows = await database.fetch(
                f"SELECT t.trace_id FROM otel_trace_summary AS t WHERE {where}", *stmt.params)
            found[name] = {r[0].hex() for r in rows}
        chosen = await starting.start_filter(database, span_flt.attributes, "span",
                                             filters.time_bounds(flt.time_range), keys)
        for name, start in {**starts, "chosen": chosen}.items():
            stmt = sqlparts.Statement()
            where = sqlparts.conjunction(trace_filters.span_conditions(
                stmt, span_flt, keys=keys, start=start))
            rows = await database.fetch(
                f"SELECT s.span_id FROM otel_spans_fact AS s WHERE {where}", *stmt.params)
            found[f"spans, {name}"] = {r[0].hex() for r in rows}
        return found
    finally:
        await pool.close()


@pytest.mark.parametrize("case", CASES, ids=lambda case: " & ".join(
    f"{f['key']} {f.get('op', 'EQ')}" for f in case))
def test_every_plan_finds_the_traces_of_the_model(stack, traces, case) -> None:
    want = expected(case, traces)
    nodes = stack.gql(QUERY, f={"timeRange": {"last": "1h"}, "attributes": case})
    assert {n["traceId"] for n in nodes["traces"]["nodes"]} & set(traces) == want
    nodes = stack.gql(SPANS, f={"timeRange": {"last": "1h"}, "attributes": case})
    assert {n["spanId"] for n in nodes["spans"]["nodes"]} & set(SPAN_IDS) == expected_spans(case)
    found = asyncio.run(plans(stack, case))
    assert len(found) >= 4
    for name, items in found.items():
        if name.startswith("spans"):
            assert items & set(SPAN_IDS) == expected_spans(case), name
        else:
            assert items & set(traces) == want, name


def test_cases_cover_matches_and_misses(traces) -> None:
    sizes = [len(expected(case, traces)) for case in CASES]
    assert 0 in sizes and any(0 < n < TRACES for n in sizes)


def test_the_smallest_filter_starts_unless_all_are_large(stack, traces) -> None:
    async def start(case: list[dict[str, Any]], limit: int) -> starting.Start | None:
        pool = await db.create_pool(stack.database_url, stack.schema, max_size=1)
        try:
            database, flt = db.Db(pool), trace_filter(case)
            keys = await filters.key_ids(database, flt.attributes)
            return await matching.start_filter(database, flt, keys, limit)
        finally:
            await pool.close()

    route, gold = CASES[0]
    golds = sum(span_attributes(t, j).get("custom.tier") == "gold"
                for t in range(TRACES) for j in range(3))
    assert golds < sum(span_attributes(t, j)["http.route"] == "/r1"
                       for t in range(TRACES) for j in range(3))
    chosen = asyncio.run(start([route, gold], 100))
    assert chosen is not None and chosen.position == 1 and len(chosen.pks) == golds
    assert asyncio.run(start([route, gold], golds - 1)) is None
    assert asyncio.run(start([{"key": "custom.tier", "op": "EXISTS"}, gold], 100)).position == 1
    assert asyncio.run(start([{"key": "custom.tier", "op": "EXISTS"}], 100)) is None
