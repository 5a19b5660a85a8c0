"""Junjo workflow runs (seed 004): `Query.workflows`, their state patches and the state
replayed at any patch.

A run is a span with `junjo.span_type` workflow (or subflow). Its state patches are the
`set_state` events of the run's span and the spans below it whose `junjo.store.id` is the
run's `junjo.workflow.store.id` (a subflow below has a store of its own), ordered by
time. `stateAt(patchIndex)` applies the patches up to that one, in order, as RFC 6902
JSON patches (the `jsonpatch` library) to the run's start state.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import jsonpatch
import strawberry

from gateway import (
    enums,
    errors,
    inputs,
    pagination,
    scalars,
    search,
    selection,
    sqlparts,
    starting,
)
from gateway.traces import filters, queries, types, views

SET_STATE = "set_state"
PATCH_KEY = "junjo.state_json_patch"
STORE_KEY = "junjo.store.id"
WORKFLOWS_FIRST = 20


@strawberry.type(description="One `set_state` event of a workflow run.")
class StatePatch:
    index: int = strawberry.field(description="Its position in the run's patches, from 0.")
    workflow_id: str | None
    node_id: str | None = strawberry.field(description="The node whose span emitted it.")
    span_id: strawberry.ID
    patch_id: str | None = strawberry.field(description="The event's `id` attribute.")
    store_id: str | None
    store_name: str | None
    action: str | None = strawberry.field(description="junjo.store.action.")
    time: scalars.Timestamp
    time_unix_nano: scalars.BigInt
    patch: scalars.JSON = strawberry.field(description="The RFC 6902 operations, parsed.")


def _operations(value: Any) -> list[Any]:
    """A patch attribute as a list of operations: Junjo sends "{}" for no change, and a
    single operation may come without its list."""
    parsed = json.loads(value) if isinstance(value, str) else value
    if parsed in ({}, None):
        return []
    return parsed if isinstance(parsed, list) else [parsed]


def _below(spans: list[types.Span], root: bytes) -> list[types.Span]:
    """The spans of `spans` at or below the span `root` (span ids), in their order."""
    children: dict[bytes, list[bytes]] = {}
    for span in spans:
        if span.row["parent_span_id"] is not None:
            children.setdefault(span.row["parent_span_id"], []).append(span.row["span_id"])
    inside, todo = set(), [root]
    while todo:
        span_id = todo.pop()
        if span_id not in inside:
            inside.add(span_id)
            todo.extend(children.get(span_id, ()))
    return [span for span in spans if span.row["span_id"] in inside]


@strawberry.type(description="A Junjo workflow run: a span with junjo.span_type workflow or "
                             "subflow.")
class Workflow:
    span: types.Span
    view: strawberry.Private[views.WorkflowView | None] = None  # set by Query.workflows
    patch_list: strawberry.Private[list[StatePatch] | None] = None

    @strawberry.field
    def workflow_id(self) -> str | None:
        return self.view.workflow_id

    @strawberry.field
    def name(self) -> str:
        return self.span.row["name"]

    @strawberry.field
    def service(self) -> str | None:
        return self.span.row["service_name"]

    @strawberry.field
    def span_type(self) -> str | None:
        return self.view.span_type

    @strawberry.field
    def start_time(self) -> scalars.Timestamp:
        return self.span.row["start_time_unix_nano"]

    @strawberry.field
    def end_time(self) -> scalars.Timestamp:
        return self.span.row["end_time_unix_nano"]

    @strawberry.field
    def duration_ms(self) -> float:
        row = self.span.row
        return (row["end_time_unix_nano"] - row["start_time_unix_nano"]) / 1e6

    @strawberry.field
    def store_id(self) -> str | None:
        return self.view.store_id

    @strawberry.field
    def start_state(self) -> scalars.JSON | None:
        return self.view.start_state

    @strawberry.field
    def end_state(self) -> scalars.JSON | None:
        return self.view.end_state

    @strawberry.field
    def graph_structure(self) -> scalars.JSON | None:
        return self.view.graph_structure

    @strawberry.field(description="The run's state patches, oldest first.")
    async def state_patches(self, info: strawberry.Info) -> list[StatePatch]:
        return await self._patches(info)

    @strawberry.field(description="The state after patch `patchIndex` (from 0; -1: the start "
                                  "state): startState with the patches up to it applied in "
                                  "order (RFC 6902).")
    async def state_at(self, info: strawberry.Info, patch_index: int) -> scalars.JSON | None:
        patches = await self._patches(info)
        if not -1 <= patch_index < len(patches):
            raise errors.UserError(f"patchIndex {patch_index} is outside -1..{len(patches) - 1}")
        state = copy.deepcopy(self.view.start_state if self.view.start_state is not None else {})
        for patch in patches[:patch_index + 1]:
            try:
                state = jsonpatch.apply_patch(state, patch.patch)
            except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
                raise errors.UserError(f"patch {patch.index} does not apply: {exc}") from exc
        return state

    async def _patches(self, info: strawberry.Info) -> list[StatePatch]:
        if self.patch_list is None:
            await load_patches(info, [self])
        return self.patch_list or []


PATCH_FIELDS = frozenset({"statePatches", "stateAt"})


async def load_patches(info: strawberry.Info, runs: list[Workflow]) -> None:
    """Set the state patches of `runs` with three batched loads whatever their number: the
    spans of their traces, then those spans' attributes and events."""
    context = info.context.traces
    trace_spans = await context.spans_of_traces(None, None).load_many(
        [run.span.row["trace_id"] for run in runs])
    below = [_below(spans or [], run.span.row["span_id"])
             for run, spans in zip(runs, trace_spans, strict=True)]
    owners = list(dict.fromkeys(span.owner for spans in below for span in spans))
    attrs = dict(zip(owners, await context.attributes.load_many(owners), strict=True))
    events = dict(zip(owners, await context.events.load_many(owners), strict=True))
    for run, spans in zip(runs, below, strict=True):
        run.patch_list = _patches_of(run, [(span, attrs[span.owner] or {},
                                            events[span.owner] or []) for span in spans])


def _patches_of(run: Workflow, spans: list[tuple[types.Span, dict[str, Any], list[Any]]],
                ) -> list[StatePatch]:
    """The run's set_state events among those of `spans` (span, attributes, events)."""
    found = []
    for span, span_attrs, span_events in spans:
        node = views.workflow(span_attrs)
        for event in span_events:
            store_id = event.attrs.get(STORE_KEY)
            if event.name != SET_STATE or (run.view.store_id is not None and store_id is not None
                                           and str(store_id) != run.view.store_id):
                continue
            found.append((event.time_unix_nano, len(found), span, node, event))
    found.sort(key=lambda item: item[:2])
    out = []
    for index, (_, _, span, node, event) in enumerate(found):
        a = event.attrs
        out.append(StatePatch(
            index=index, workflow_id=run.view.workflow_id,
            node_id=node.node_id if node is not None else None,
            span_id=strawberry.ID(span.row["span_id"].hex()),
            patch_id=_text(a.get("id")), store_id=_text(a.get(STORE_KEY)),
            store_name=_text(a.get("junjo.store.name")),
            action=_text(a.get("junjo.store.action")),
            time=event.time_unix_nano, time_unix_nano=event.time_unix_nano,
            patch=_operations(a.get(PATCH_KEY))))
    return out


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def from_row(row: Any) -> Workflow:
    return Workflow(span=types.Span.from_row(row))


# the spans' listing (newest first, keyset on start time and span), nodes made runs
WORKFLOWS = queries.SPANS._replace(kind="w", shape=from_row, facets=None)


@strawberry.type
class Query:
    @strawberry.field(description="Junjo workflow runs (spans with junjo.span_type workflow, "
                                  "and subflow with includeSubflows), newest first.")
    async def workflows(self, info: strawberry.Info, time_range: inputs.TimeRange | None = None,
                        filter: inputs.SpanFilter | None = None,
                        first: int | None = WORKFLOWS_FIRST, after: str | None = None,
                        include_subflows: bool = False) -> pagination.Connection[Workflow]:
        flt = filter or inputs.SpanFilter()
        if time_range is not None and flt.time_range is not None:
            raise errors.UserError("give timeRange or filter.timeRange, not both")
        span_types = list(views.RUN_TYPES if include_subflows else views.RUN_TYPES[:1])
        flt = dataclasses.replace(flt, time_range=time_range or flt.time_range, attributes=[
            *(flt.attributes or ()), inputs.AttributeFilter(
                key="junjo.span_type", op=enums.AttributeOp.IN, values=span_types)])
        stmt = sqlparts.Statement()
        conditions = await starting.conditions(info.context.db, stmt, flt, "span",
                                                filters.span_conditions)
        connection = await search.page(info, WORKFLOWS, stmt, conditions, first, after, "DESC")
        runs = [edge.node for edge in connection.edge_list]
        loaded = await info.context.traces.attributes.load_many([r.span.owner for r in runs])
        for run, attrs in zip(runs, loaded, strict=True):
            run.span.attrs = attrs or {}
            run.view = views.workflow(run.span.attrs)
        wanted = selection.names(info, "nodes") | selection.names(info, "edges", "node")
        if runs and wanted & PATCH_FIELDS:
            await load_patches(info, runs)
        return connection
