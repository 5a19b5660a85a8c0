"""Junjo-style workflow runs for `ollygraph demo` (seed 004's workflow spans).

A ticket-triage workflow as the Junjo library records it: a `workflow` span with its
start and end state, graph structure and store id; one `node` span per step whose store
updates are `set_state` events carrying the RFC 6902 patch from the state before to the
state after (made with `jsonpatch`, as Junjo does); and, for urgent tickets, an
escalation `subflow` with a store of its own. `Query.workflows`, `Workflow.statePatches`
and `stateAt` have these to show.
"""

from __future__ import annotations

import copy
import json
import random
import time
from typing import Any, Protocol

import jsonpatch
from opentelemetry.trace import SpanKind

GRAPH = {
    "nodes": [{"id": node, "type": "node", "label": label} for node, label in (
        ("n-load", "LoadTicket"), ("n-classify", "ClassifyTicket"),
        ("n-draft", "DraftReply"), ("sub-escalate", "EscalationSubflow"))],
    "edges": [{"source": "n-load", "target": "n-classify"},
              {"source": "n-classify", "target": "n-draft", "condition": "not urgent"},
              {"source": "n-classify", "target": "sub-escalate", "condition": "urgent"}],
}
CATEGORIES = ("billing", "shipping", "returns", "outage")


class HasTracer(Protocol):
    tracer: Any


class Store:
    """A workflow's state store: every update becomes a set_state event on the current
    span, with the patch from the old state to the new one."""

    def __init__(self, store_id: str, name: str, state: dict[str, Any]) -> None:
        self.id, self.name, self.state = store_id, name, state

    def update(self, span: Any, action: str, **changes: Any) -> None:
        new = {**copy.deepcopy(self.state), **changes}
        patch = jsonpatch.make_patch(self.state, new)
        span.add_event("set_state", {
            "id": f"{self.id}-{action}-{time.time_ns()}", "junjo.store.name": self.name,
            "junjo.store.id": self.id, "junjo.store.action": action,
            "junjo.state_json_patch": patch.to_string() if patch.patch else "{}"})
        self.state = new


def _node(service: HasTracer, name: str, node_id: str, parent_id: str) -> Any:
    return service.tracer.start_as_current_span(name, kind=SpanKind.INTERNAL, attributes={
        "junjo.span_type": "node", "junjo.id": node_id, "junjo.parent_id": parent_id})


def _run_span(service: HasTracer, name: str, span_type: str, run_id: str, store: Store,
              parent_id: str | None = None) -> Any:
    attributes = {"junjo.span_type": span_type, "junjo.id": run_id,
                  "junjo.workflow.store.id": store.id,
                  "junjo.workflow.state.start": json.dumps(store.state)}
    if span_type == "workflow":
        attributes["junjo.workflow.graph_structure"] = json.dumps(GRAPH)
    if parent_id is not None:
        attributes["junjo.parent_id"] = parent_id
    return service.tracer.start_as_current_span(name, kind=SpanKind.INTERNAL,
                                                attributes=attributes)


def triage(service: HasTracer, rng: random.Random, ticket: int) -> None:
    """One run of the triage workflow for `ticket`."""
    run_id = f"wf-triage-{ticket}"
    store = Store(f"store-{run_id}", "TriageStore", {
        "ticket_id": ticket, "category": None, "urgent": False, "reply": None, "history": []})
    with _run_span(service, "TriageWorkflow", "workflow", run_id, store) as workflow:
        with _node(service, "LoadTicket", "n-load", run_id) as span:
            store.update(span, "load", history=["loaded"])
        with _node(service, "ClassifyTicket", "n-classify", run_id) as span:
            category = rng.choice(CATEGORIES)
            store.update(span, "classify", category=category, urgent=category == "outage",
                         history=[*store.state["history"], "classified"])
        if store.state["urgent"]:
            sub_store = Store(f"store-sub-{run_id}", "EscalationStore",
                              {"ticket_id": ticket, "paged": None})
            with _run_span(service, "EscalationSubflow", "subflow", "sub-escalate", sub_store,
                           parent_id=run_id) as subflow:
                with _node(service, "PageOnCall", "n-page", "sub-escalate") as span:
                    sub_store.update(span, "page", paged="on-call-primary")
                subflow.set_attribute("junjo.workflow.state.end", json.dumps(sub_store.state))
            with _node(service, "DraftReply", "n-draft", run_id) as span:
                store.update(span, "draft", reply="We are on it: the on-call team is paged.",
                             history=[*store.state["history"], "escalated"])
        else:
            with _node(service, "DraftReply", "n-draft", run_id) as span:
                store.update(span, "draft", reply=f"About your {category} question: ...",
                             history=[*store.state["history"], "drafted"])
        workflow.set_attribute("junjo.workflow.state.end", json.dumps(store.state))


def send(service: HasTracer, rng: random.Random, runs: int) -> None:
    """`runs` triage runs from `service` (tickets 9000, 9001, ...)."""
    for i in range(runs):
        triage(service, rng, 9000 + i)
