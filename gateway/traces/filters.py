"""TraceFilter and SpanFilter -> SQL conditions on otel_trace_summary (t) / otel_spans_fact (s)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gateway import enums, filters, ids, inputs, sqlparts, starting, textmatch
from gateway.traces import matching, structure

SQL = sqlparts.Queries(Path(__file__).with_name("sql"))


def span_conditions(stmt: sqlparts.Statement, flt: inputs.SpanFilter | None,
                    bounds: tuple[int, int] | None = None,
                    keys: filters.KeyIds | None = None,
                    start: starting.Start | None = None,
                    starts: structure.Starts | None = None) -> list[str]:
    """Conditions on `s` for a SpanFilter; `bounds` (from the filter's range) prune partitions,
    `keys` are the attribute filters' key ids (`filters.key_ids`) when resolved, `start`
    the attribute filter the search starts from (gateway.starting), `starts` those of the
    nested filters (`structure.relative_starts`). Nested filters are checked against the
    limits of gateway.traces.structure first."""
    if flt is None:
        return []
    structure.check(flt)
    return _span_conditions(stmt, flt, bounds, keys, start, starts or {})


def _span_conditions(stmt: sqlparts.Statement, flt: inputs.SpanFilter,
                     bounds: tuple[int, int] | None, keys: filters.KeyIds | None,
                     start: starting.Start | None, starts: structure.Starts) -> list[str]:
    own = filters.time_bounds(flt.time_range)
    time_from, time_to = own or (None, None)
    min_duration, max_duration = filters.duration_bounds(flt)
    out = stmt.conditions(
        SQL.span_filter, time_from=time_from, time_to=time_to,
        trace_id=ids.trace_id(flt.trace_id) if flt.trace_id is not None else None,
        pks=start.pks if start is not None else None,
        parts=start.parts if start is not None else None,
        name=flt.name, kind=flt.kind.value if flt.kind is not None else None,
        service=flt.service, status=flt.status.value if flt.status is not None else None,
        root_only=flt.root_only, min_duration=min_duration, max_duration=max_duration,
        event_name=flt.event_name,
        linked_trace_id=(ids.trace_id(flt.linked_trace_id)
                         if flt.linked_trace_id is not None else None),
        **textmatch.fields(flt.name_match, "name", "nameMatch"))
    out += matching.attribute_level(stmt, flt.semantic_type, flt.attributes,
                                    own or bounds, keys, start)

    def build(sub: inputs.SpanFilter, sub_start: starting.Start | None = None) -> list[str]:
        return _span_conditions(stmt, sub, None, keys, sub_start, starts)

    return (out + structure.relatives(stmt, flt, build, starts)
            + structure.boolean(stmt, flt, build))


async def span_search_conditions(db: Any, stmt: sqlparts.Statement,
                                 flt: inputs.SpanFilter | None) -> list[str]:
    """`span_conditions` after resolving the attribute keys and choosing where the search
    and each relative's filter start (gateway.starting); statements only with attribute
    filters."""
    return await starting.conditions(db, stmt, flt, "span", span_conditions,
                                     more=_relative_starts)


async def _relative_starts(db: Any, flt: Any, keys: filters.KeyIds) -> dict[str, Any]:
    return {"starts": await structure.relative_starts(db, flt, keys)}


async def search_conditions(db: Any, stmt: sqlparts.Statement,
                            flt: inputs.TraceFilter | None) -> list[str]:
    """`trace_conditions` after resolving the attribute keys and choosing where to start
    (see gateway.traces.matching); at most two statements, only with attribute filters."""
    every = filters.every_attribute(flt)
    if not every:
        return trace_conditions(stmt, flt)
    keys = await filters.key_ids(db, every)
    start = await matching.start_filter(db, flt, keys) if flt.attributes else None
    starts = await structure.relative_starts(db, flt, keys)
    return trace_conditions(stmt, flt, keys, start, starts)


def trace_conditions(stmt: sqlparts.Statement, flt: inputs.TraceFilter | None,
                     keys: filters.KeyIds | None = None,
                     start: starting.Start | None = None,
                     starts: structure.Starts | None = None) -> list[str]:
    """Conditions on `t`; the span-level ones must hold together on one span of the trace
    (`start`: the attribute filter the search starts from, see gateway.traces.matching);
    nested filters (gateway.traces.structure) are checked against its limits first."""
    if flt is None:
        return []
    structure.check(flt)
    return _trace_conditions(stmt, flt, keys, start, starts or {})


def _trace_conditions(stmt: sqlparts.Statement, flt: inputs.TraceFilter,
                      keys: filters.KeyIds | None, start: starting.Start | None,
                      starts: structure.Starts) -> list[str]:
    bounds = filters.time_bounds(flt.time_range)
    time_from, time_to = bounds or (None, None)
    min_duration, max_duration = filters.duration_bounds(flt)
    out = stmt.conditions(
        SQL.trace_filter, time_from=time_from, time_to=time_to, service=flt.service,
        root_service=flt.root_service, root_name=flt.root_name,
        has_error=flt.status is enums.StatusCode.ERROR,
        no_error=flt.status is not None and flt.status is not enums.StatusCode.ERROR,
        min_duration=min_duration, max_duration=max_duration,
        **textmatch.fields(flt.root_name_match, "root_name", "rootNameMatch"))
    span_level = matching.span_condition(stmt, flt, bounds, keys, start)
    if span_level is not None:
        out.append(span_level)
    out += structure.trace_spans(
        stmt, flt, lambda sub: _span_conditions(stmt, sub, None, keys, None, starts), starts)
    return out + structure.boolean(
        stmt, flt, lambda sub: _trace_conditions(stmt, sub, keys, None, starts))
