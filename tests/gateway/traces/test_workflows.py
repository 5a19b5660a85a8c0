"""Junjo workflows (seed 004): the span view, Query.workflows, the state patches from
set_state events and the state replayed at each patch, through the OpenTelemetry SDK ->
ingest -> GraphQL, checked against hand-computed values."""

from __future__ import annotations

import json
import random
import time

import pytest
from opentelemetry import trace as otel_trace

from gateway import scalars

pytestmark = pytest.mark.db

SERVICE = "junjo-e2e"
START = {"items": [], "total": 0}
END = {"items": ["apple", "pear"], "total": 5, "status": "done"}
GRAPH = {"nodes": [{"id": "n-fetch", "label": "FetchItems"},
                   {"id": "n-price", "label": "PriceItems"}],
         "edges": [{"source": "n-fetch", "target": "n-price"}]}
ADD_ITEMS = [{"op": "add", "path": "/items/-", "value": "apple"},
             {"op": "add", "path": "/items/-", "value": "pear"}]
SET_TOTAL = [{"op": "replace", "path": "/total", "value": 5}]
SET_STATUS = [{"op": "add", "path": "/status", "value": "done"}]

RUNS = """
query ($first: Int, $after: String, $subflows: Boolean! = false, $range: TimeRange,
       $f: SpanFilter) {
  workflows(first: $first, after: $after, includeSubflows: $subflows, timeRange: $range,
            filter: $f) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      workflowId name service spanType startTime endTime durationMs storeId
      startState endState graphStructure
      span { name workflow { spanType junjoId } }
      statePatches { index workflowId nodeId spanId patchId storeId storeName action time
                     timeUnixNano patch }
      s0: stateAt(patchIndex: -1) s1: stateAt(patchIndex: 0) s2: stateAt(patchIndex: 1)
      s3: stateAt(patchIndex: 2) s4: stateAt(patchIndex: 3)
    }
  }
}
"""


def set_state(span, at: int, patch_id: str, store: str, action: str, patch) -> None:
    span.add_event("set_state", {
        "id": patch_id, "junjo.store.name": "CartStore", "junjo.store.id": store,
        "junjo.store.action": action,
        "junjo.state_json_patch": patch if isinstance(patch, str) else json.dumps(patch)},
        timestamp=at)


@pytest.fixture(scope="module")
def sent(stack):
    """wf-1: a workflow, two nodes and a subflow (a store of its own) with a node; wf-2 an
    empty workflow 1 s later in another trace."""
    t0 = time.time_ns() - 10_000_000_000
    ms = 1_000_000
    ids = {}
    with stack.sdk(SERVICE) as (tracer, _):
        wf = tracer.start_span("CartWorkflow", start_time=t0, attributes={
            "junjo.span_type": "workflow", "junjo.id": "wf-1",
            "junjo.workflow.store.id": "store-1",
            "junjo.workflow.state.start": json.dumps(START),
            "junjo.workflow.state.end": json.dumps(END),
            "junjo.workflow.graph_structure": json.dumps(GRAPH)})
        ctx = otel_trace.set_span_in_context(wf)
        fetch = tracer.start_span("FetchItems", context=ctx, start_time=t0 + ms, attributes={
            "junjo.span_type": "node", "junjo.id": "n-fetch", "junjo.parent_id": "wf-1"})
        # recorded out of time order: patches are ordered by time, not by span or event
        set_state(fetch, t0 + 2 * ms, "p-items", "store-1", "set_items", ADD_ITEMS)
        fetch.end(end_time=t0 + 3 * ms)
        price = tracer.start_span("PriceItems", context=ctx, start_time=t0 + 3 * ms,
                                  attributes={"junjo.span_type": "node", "junjo.id": "n-price",
                                              "junjo.parent_id": "wf-1"})
        set_state(price, t0 + 4 * ms, "p-total", "store-1", "set_total", SET_TOTAL)
        set_state(price, t0 + 5 * ms, "p-noop", "store-1", "set_total", "{}")
        price.end(end_time=t0 + 6 * ms)
        sub = tracer.start_span("AuditSubflow", context=ctx, start_time=t0 + 6 * ms, attributes={
            "junjo.span_type": "subflow", "junjo.id": "sub-1", "junjo.parent_id": "wf-1",
            "junjo.workflow.store.id": "store-2",
            "junjo.workflow.state.start": json.dumps({"audited": False}),
            "junjo.workflow.state.end": json.dumps({"audited": True})})
        legacy = tracer.start_span(
            "Audit", context=otel_trace.set_span_in_context(sub), start_time=t0 + 7 * ms,
            attributes={"node.id": "n-audit", "junjo.workflow_id": "wf-1"})
        set_state(legacy, t0 + 8 * ms, "p-audit", "store-2", "audit",
                  {"op": "replace", "path": "/audited", "value": True})
        legacy.end(end_time=t0 + 9 * ms)
        sub.end(end_time=t0 + 9 * ms)
        set_state(wf, t0 + 10 * ms, "p-status", "store-1", "finish", SET_STATUS)
        wf.end(end_time=t0 + 12 * ms)
        ids["wf"] = format(wf.get_span_context().span_id, "016x")
        ids["fetch"] = format(fetch.get_span_context().span_id, "016x")
        ids["price"] = format(price.get_span_context().span_id, "016x")
        ids["trace"] = format(wf.get_span_context().trace_id, "032x")
        wf2 = tracer.start_span("CartWorkflow", start_time=t0 + 1000 * ms, attributes={
            "junjo.span_type": "workflow", "junjo.id": "wf-2",
            "junjo.workflow.store.id": "store-3",
            "junjo.workflow.state.start": json.dumps(START),
            "junjo.workflow.state.end": json.dumps(START)})
        wf2.end(end_time=t0 + 1001 * ms)
    return {"t0": t0, "ms": ms, **ids}


def patch(sent, index, node, span, patch_id, action, at_ms, operations):
    at = sent["t0"] + at_ms * sent["ms"]
    return {"index": index, "workflowId": "wf-1", "nodeId": node, "spanId": sent[span],
            "patchId": patch_id, "storeId": "store-1", "storeName": "CartStore",
            "action": action, "time": scalars.format_timestamp(at), "timeUnixNano": str(at),
            "patch": operations}


def test_runs_newest_first_with_their_patches_and_replayed_states(stack, sent) -> None:
    newest = ("{ workflows(first: 1) { totalCount pageInfo { hasNextPage endCursor } "
              "nodes { workflowId statePatches { index } s0: stateAt(patchIndex: -1) } } }")
    page = stack.gql(newest)["workflows"]
    assert page["totalCount"] == 2 and page["pageInfo"]["hasNextPage"] is True
    assert page["nodes"] == [{"workflowId": "wf-2", "statePatches": [], "s0": START}]
    rest = stack.gql(RUNS, first=5, after=page["pageInfo"]["endCursor"])["workflows"]
    assert rest["pageInfo"]["hasNextPage"] is False
    (wf,) = rest["nodes"]
    t0, ms = sent["t0"], sent["ms"]
    assert {k: wf[k] for k in ("workflowId", "name", "service", "spanType", "storeId",
                               "startState", "endState", "graphStructure", "span")} == {
        "workflowId": "wf-1", "name": "CartWorkflow", "service": SERVICE,
        "spanType": "workflow", "storeId": "store-1", "startState": START, "endState": END,
        "graphStructure": GRAPH, "span": {"name": "CartWorkflow", "workflow": {
            "spanType": "workflow", "junjoId": "wf-1"}}}
    assert (wf["startTime"], wf["endTime"], wf["durationMs"]) == (
        scalars.format_timestamp(t0), scalars.format_timestamp(t0 + 12 * ms), 12.0)
    # the subflow's patch (store-2) is not the workflow's
    assert wf["statePatches"] == [
        patch(sent, 0, "n-fetch", "fetch", "p-items", "set_items", 2, ADD_ITEMS),
        patch(sent, 1, "n-price", "price", "p-total", "set_total", 4, SET_TOTAL),
        patch(sent, 2, "n-price", "price", "p-noop", "set_total", 5, []),
        patch(sent, 3, None, "wf", "p-status", "finish", 10, SET_STATUS)]
    assert wf["s0"] == START
    assert wf["s1"] == {"items": ["apple", "pear"], "total": 0}
    assert wf["s2"] == wf["s3"] == {"items": ["apple", "pear"], "total": 5}
    assert wf["s4"] == END  # replaying every patch gives the recorded end state


def test_subflows_on_request(stack, sent) -> None:
    query = ("query ($s: Boolean!) { workflows(includeSubflows: $s) { nodes { workflowId "
             "spanType storeId statePatches { nodeId storeId patch } } } }")
    nodes = stack.gql(query, s=True)["workflows"]["nodes"]
    assert [(n["workflowId"], n["spanType"]) for n in nodes] == [
        ("wf-2", "workflow"), ("sub-1", "subflow"), ("wf-1", "workflow")]
    sub = nodes[1]
    assert sub["statePatches"] == [{"nodeId": "n-audit", "storeId": "store-2", "patch": [
        {"op": "replace", "path": "/audited", "value": True}]}]
    replay = ('{ workflows(includeSubflows: true, filter: {attributes: [{key: "junjo.id", '
              'value: "sub-1"}]}) { nodes { startState stateAt(patchIndex: 0) endState } } }')
    assert stack.gql(replay)["workflows"]["nodes"] == [{
        "startState": {"audited": False}, "stateAt": {"audited": True},
        "endState": {"audited": True}}]


def test_time_range_and_filter(stack, sent) -> None:
    t0, ms = sent["t0"], sent["ms"]
    late = {"from": scalars.format_timestamp(t0 + 500 * ms)}
    ids = ("query ($range: TimeRange, $f: SpanFilter) { workflows(timeRange: $range, "
           "filter: $f) { nodes { workflowId } } }")
    assert stack.gql(ids, range=late)["workflows"]["nodes"] == [{"workflowId": "wf-2"}]
    only = {"attributes": [{"key": "junjo.id", "value": "wf-1"}]}
    assert stack.gql(ids, f=only)["workflows"]["nodes"] == [{"workflowId": "wf-1"}]
    assert stack.errors(ids, range=late, f={"timeRange": late}) == [
        "give timeRange or filter.timeRange, not both"]


def test_state_at_out_of_range(stack, sent) -> None:
    query = "{ workflows { nodes { workflowId stateAt(patchIndex: 4) } } }"
    assert stack.errors(query) == ["patchIndex 4 is outside -1..-1",
                                   "patchIndex 4 is outside -1..3"]


def test_span_workflow_view(stack, sent) -> None:
    query = """query ($t: ID!) { trace(traceId: $t) { spans { name workflow {
        spanType junjoId workflowId nodeId parentId storeId startState endState graphStructure
    } } } }"""
    spans = {s["name"]: s["workflow"] for s in stack.gql(query, t=sent["trace"])["trace"]["spans"]}
    assert spans["FetchItems"] == {
        "spanType": "node", "junjoId": "n-fetch", "workflowId": None, "nodeId": "n-fetch",
        "parentId": "wf-1", "storeId": None, "startState": None, "endState": None,
        "graphStructure": None}
    assert spans["Audit"] == {
        "spanType": None, "junjoId": None, "workflowId": "wf-1", "nodeId": "n-audit",
        "parentId": None, "storeId": None, "startState": None, "endState": None,
        "graphStructure": None}
    assert spans["AuditSubflow"]["workflowId"] == "sub-1"
    assert spans["CartWorkflow"]["graphStructure"] == GRAPH


def test_statements_do_not_grow_with_the_runs(stack, sent) -> None:
    query = ("query ($n: Int) { workflows(first: $n, includeSubflows: true) { nodes { "
             "workflowId statePatches { nodeId patch } stateAt(patchIndex: -1) } } }")

    def statements(n: int) -> int:
        body = stack.post(query, {"n": n})
        assert len(body["data"]["workflows"]["nodes"]) == n
        return body["extensions"]["sqlStatements"]

    assert statements(2) == statements(3)  # 1: its spans' attributes are all loaded already


def test_the_demo_runs_replay_to_their_end_state(stack, sent) -> None:
    from ollygraph import demo, demo_workflows

    service = demo.Service("triage-demo", stack.otlp, demo.Deliveries())
    try:
        demo_workflows.send(service, random.Random(3), runs=4)
    finally:
        service.shutdown()
    query = ('query ($f: SpanFilter) { workflows(filter: $f, first: 10) { nodes { workflowId '
             'graphStructure startState endState statePatches { index nodeId action } } } }')
    runs = stack.gql(query, f={"service": "triage-demo"})["workflows"]["nodes"]
    assert [r["workflowId"] for r in runs] == [f"wf-triage-{n}" for n in (9003, 9002, 9001, 9000)]
    replay = "query ($f: SpanFilter, $i: Int!) { workflows(filter: $f) { nodes { " \
             "stateAt(patchIndex: $i) } } }"
    for run in runs:
        assert run["graphStructure"] == demo_workflows.GRAPH
        assert [(p["nodeId"], p["action"]) for p in run["statePatches"]] == [
            ("n-load", "load"), ("n-classify", "classify"), ("n-draft", "draft")]
        assert run["startState"]["history"] == [] and run["endState"]["reply"]
        f = {"service": "triage-demo",
             "attributes": [{"key": "junjo.id", "value": run["workflowId"]}]}
        (got,) = stack.gql(replay, f=f, i=2)["workflows"]["nodes"]
        assert got["stateAt"] == run["endState"]
