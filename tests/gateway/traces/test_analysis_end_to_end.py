"""Trace analysis end to end: the hand-built traces of hand_trace sent with the
OpenTelemetry SDK (three services) to `ollygraph ingest`, read through the gateway's
GraphQL: the critical path, self times, service breakdown, propagated errors, gen_ai
rollups and the comparison of two traces, each with exact expected values."""

from __future__ import annotations

import contextlib
import time
from typing import Any

import pytest
from opentelemetry import trace as otel_trace
from opentelemetry.trace import Status, StatusCode

from tests.gateway.traces import hand_trace

pytestmark = pytest.mark.db

MS = 1_000_000
USAGE = "{ spanCount inputTokens outputTokens totalTokens cost }"
TRACE = f"""query ($id: ID!) {{ trace(traceId: $id) {{
  spans {{ spanId attributes selfTimeMs onCriticalPath subtreeErrorCount subtreeStatus
          subtreeGenAiUsage {USAGE} }}
  criticalPath {{ spanId startTime startTimeUnixNano endTimeUnixNano durationMs span {{ name }} }}
  serviceBreakdown {{ service spanCount errorCount selfTimeMs criticalPathMs }}
  genAiUsage {USAGE} }} }}"""
PLAIN = """query ($id: ID!) { trace(traceId: $id) { spans { spanId attributes } } }"""
COMPARE = """query ($a: ID!, $b: ID!) { compareTraces(a: $a, b: $b) {
  a { traceId } b { traceId } durationDeltaMs addedCount removedCount
  nodes { path { service name } service name depth change countA countB
          durationMsA durationMsB durationDeltaMs } } }"""


def send(stack, specs: list[hand_trace.Spec], t0: int) -> tuple[str, dict[str, str]]:
    """Send the spans of `specs` (starting at t0 ns); (trace id, key -> span id), hex."""
    ids: dict[str, str] = {}
    spans: dict[str, Any] = {}
    with contextlib.ExitStack() as exits:
        tracers = {name: exits.enter_context(stack.sdk(name))[0]
                   for name in sorted({s.service for s in specs})}
        for spec in specs:
            context = (otel_trace.set_span_in_context(spans[spec.parent])
                       if spec.parent else None)
            span = tracers[spec.service].start_span(
                spec.name, context=context, start_time=t0 + spec.start_ms * MS,
                attributes=spec.attributes or None)
            if spec.error:
                span.set_status(Status(StatusCode.ERROR, "failed"))
            spans[spec.key] = span
            ids[spec.key] = format(span.get_span_context().span_id, "016x")
        for spec in reversed(specs):
            spans[spec.key].end(end_time=t0 + spec.end_ms * MS)
        trace_id = format(spans[specs[0].key].get_span_context().trace_id, "032x")
    return trace_id, ids


@pytest.fixture(scope="module")
def traces(stack) -> dict[str, Any]:
    t0 = time.time_ns() - 120_000 * MS
    a, a_ids = send(stack, hand_trace.TRACE, t0)
    b, _ = send(stack, hand_trace.OTHER, t0 + 1_000 * MS)
    return {"a": a, "b": b, "ids": a_ids, "keys": {v: k for k, v in a_ids.items()}, "t0": t0}


def test_critical_path_self_times_and_rollups(stack, traces) -> None:
    trace = stack.gql(TRACE, id=traces["a"])["trace"]
    keys, t0 = traces["keys"], traces["t0"]
    assert [(keys[s["spanId"]], (int(s["startTimeUnixNano"]) - t0) / MS,
             (int(s["endTimeUnixNano"]) - t0) / MS) for s in trace["criticalPath"]] \
        == hand_trace.CRITICAL_PATH
    assert [s["durationMs"] for s in trace["criticalPath"]] == [5, 25, 15, 15, 10, 10, 10, 10]
    assert [s["span"]["name"] for s in trace["criticalPath"]][:2] == ["warmup", "GET /checkout"]
    spans = {keys[s["spanId"]]: s for s in trace["spans"]}
    assert {k: s["selfTimeMs"] for k, s in spans.items()} == hand_trace.SELF_TIME_MS
    assert sorted(k for k, s in spans.items() if s["onCriticalPath"]) == [
        "B", "B2", "C", "C1", "D", "R"]
    assert {k: (s["subtreeErrorCount"], s["subtreeStatus"]) for k, s in spans.items()
            if s["subtreeErrorCount"]} == {"R": (1, "ERROR"), "B": (1, "ERROR"),
                                           "B1": (1, "ERROR")}
    assert spans["A"]["subtreeStatus"] == "OK"
    assert trace["serviceBreakdown"] == [
        {"service": "frontend", "spanCount": 4, "errorCount": 0, "selfTimeMs": 70.0,
         "criticalPathMs": 45.0},
        {"service": "backend", "spanCount": 4, "errorCount": 1, "selfTimeMs": 55.0,
         "criticalPathMs": 45.0},
        {"service": "worker", "spanCount": 1, "errorCount": 0, "selfTimeMs": 35.0,
         "criticalPathMs": 10.0}]
    whole = {"spanCount": 2, "inputTokens": "107", "outputTokens": "23", "totalTokens": "132",
             "cost": 0.75}
    assert trace["genAiUsage"] == whole
    assert spans["R"]["subtreeGenAiUsage"] == whole
    assert spans["B"]["subtreeGenAiUsage"] == {
        "spanCount": 1, "inputTokens": "100", "outputTokens": "20", "totalTokens": "120",
        "cost": 0.5}
    assert spans["C"]["subtreeGenAiUsage"] == {
        "spanCount": 1, "inputTokens": "7", "outputTokens": "3", "totalTokens": "12",
        "cost": 0.25}
    assert spans["A"]["subtreeGenAiUsage"] == {
        "spanCount": 0, "inputTokens": "0", "outputTokens": "0", "totalTokens": "0",
        "cost": None}


def test_analysis_adds_no_statement_to_the_trace_fetch(stack, traces) -> None:
    plain = stack.post(PLAIN, {"id": traces["a"]})
    analysed = stack.post(TRACE, {"id": traces["a"]})
    assert not plain.get("errors") and not analysed.get("errors")
    assert analysed["extensions"]["sqlStatements"] == plain["extensions"]["sqlStatements"]


def test_a_span_alone_is_analysed_with_its_trace(stack, traces) -> None:
    query = f"""query ($t: ID!, $s: ID!) {{ span(traceId: $t, spanId: $s) {{
      selfTimeMs onCriticalPath subtreeStatus subtreeGenAiUsage {USAGE} }} }}"""
    span = stack.gql(query, t=traces["a"], s=traces["ids"]["C"])["span"]
    assert span == {"selfTimeMs": 15.0, "onCriticalPath": True, "subtreeStatus": "OK",
                    "subtreeGenAiUsage": {"spanCount": 1, "inputTokens": "7",
                                          "outputTokens": "3", "totalTokens": "12",
                                          "cost": 0.25}}


def test_compare_traces(stack, traces) -> None:
    got = stack.gql(COMPARE, a=traces["a"], b=traces["b"])["compareTraces"]
    assert (got["a"]["traceId"], got["b"]["traceId"]) == (traces["a"], traces["b"])
    # a runs from -5 to 130 ms, b from 0 to 120 ms
    assert got["durationDeltaMs"] == -15.0
    assert (got["addedCount"], got["removedCount"]) == (1, 5)
    rows = [(n["service"], n["name"], n["depth"], n["change"], n["countA"], n["countB"],
             n["durationMsA"], n["durationMsB"], n["durationDeltaMs"]) for n in got["nodes"]]
    assert rows == [
        ("frontend", "GET /checkout", 0, "MATCHED", 1, 1, 100.0, 120.0, 20.0),
        ("backend", "warmup", 1, "REMOVED", 1, 0, 10.0, 0.0, -10.0),
        ("frontend", "auth", 1, "MATCHED", 1, 1, 30.0, 40.0, 10.0),
        ("backend", "orders", 1, "MATCHED", 1, 1, 40.0, 60.0, 20.0),
        ("backend", "SELECT orders", 2, "MATCHED", 1, 2, 15.0, 30.0, 15.0),
        ("backend", "chat", 2, "REMOVED", 1, 0, 15.0, 0.0, -15.0),
        ("frontend", "notify", 1, "REMOVED", 1, 0, 50.0, 0.0, -50.0),
        ("worker", "send email", 2, "REMOVED", 1, 0, 35.0, 0.0, -35.0),
        ("frontend", "audit", 1, "REMOVED", 1, 0, 10.0, 0.0, -10.0),
        ("frontend", "cache get", 1, "ADDED", 0, 1, 0.0, 3.0, 3.0),
    ]
    assert got["nodes"][4]["path"] == [
        {"service": "frontend", "name": "GET /checkout"}, {"service": "backend", "name": "orders"},
        {"service": "backend", "name": "SELECT orders"}]
    missing = stack.gql(COMPARE, a=traces["a"], b="0" * 31 + "1")["compareTraces"]
    assert missing is None
