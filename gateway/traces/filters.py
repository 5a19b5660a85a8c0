"""TraceFilter and SpanFilter -> SQL conditions on otel_trace_summary (t) / otel_spans_fact (s)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gateway import enums, filters, ids, inputs, sqlparts, starting, textmatch
from gateway.traces import matching
from ollygraph.sql import Queries

SQL = Queries(Path(__file__).with_name("sql"))


def span_conditions(stmt: sqlparts.Statement, flt: inputs.SpanFilter | None,
                    bounds: tuple[int, int] | None = None,
                    keys: filters.KeyIds | None = None,
                    start: starting.Start | None = None) -> list[str]:
    """Conditions on `s` for a SpanFilter; `bounds` (from the filter's range) prune partitions,
    `keys` are the attribute filters' key ids (`filters.key_ids`) when resolved, `start`
    the attribute filter the search starts from (gateway.starting)."""
    if flt is None:
        return []
    out: list[str] = []
    own = filters.time_bounds(flt.time_range)
    out += filters.between(stmt, SQL.span_time_from, SQL.span_time_to, own)
    bounds = own or bounds
    if flt.trace_id is not None:
        trace = ids.trace_id(flt.trace_id)
        out += [stmt.render(SQL.span_trace, v=trace), stmt.render(SQL.span_trace_window, v=trace)]
    if start is not None:
        out.append(stmt.render(SQL.span_among, pks=start.pks, parts=start.parts))
    out += matching.span_level(stmt, flt.name, flt.kind, flt.semantic_type, flt.attributes,
                               bounds, keys, start)
    if flt.service is not None:
        out.append(filters.service_condition(stmt, "s.resource_id", flt.service))
    if flt.status is not None:
        out.append(stmt.render(SQL.span_status, v=flt.status.value))
    if flt.root_only:
        out.append(SQL.span_root)
    out += textmatch.conditions(stmt, "s.name", flt.name_match, "nameMatch")
    out += filters.between(stmt, SQL.span_min_duration, SQL.span_max_duration,
                           filters.duration_bounds(flt))
    return out


async def search_conditions(db: Any, stmt: sqlparts.Statement,
                            flt: inputs.TraceFilter | None) -> list[str]:
    """`trace_conditions` after resolving the attribute keys and choosing where to start
    (see gateway.traces.matching); at most two statements, only with attribute filters."""
    if flt is None or not flt.attributes:
        return trace_conditions(stmt, flt)
    keys = await filters.key_ids(db, flt.attributes)
    start = await matching.start_filter(db, flt, keys)
    return trace_conditions(stmt, flt, keys, start)


def trace_conditions(stmt: sqlparts.Statement, flt: inputs.TraceFilter | None,
                     keys: filters.KeyIds | None = None,
                     start: starting.Start | None = None) -> list[str]:
    """Conditions on `t`; the span-level ones must hold together on one span of the trace
    (`start`: the attribute filter the search starts from, see gateway.traces.matching)."""
    if flt is None:
        return []
    out: list[str] = []
    bounds = filters.time_bounds(flt.time_range)
    out += filters.between(stmt, SQL.trace_time_from, SQL.trace_time_to, bounds)
    if flt.service is not None:
        out.append(stmt.render(SQL.trace_service, v=flt.service))
    if flt.root_service is not None:
        out.append(stmt.render(SQL.trace_root_service, v=flt.root_service))
    if flt.root_name is not None:
        out.append(stmt.render(SQL.trace_root_name, v=flt.root_name))
    out += textmatch.conditions(stmt, "t.root_span_name", flt.root_name_match, "rootNameMatch")
    if flt.status is enums.StatusCode.ERROR:
        out.append(SQL.trace_has_error)
    elif flt.status is not None:
        out.append(SQL.trace_no_error)
    out += filters.between(stmt, SQL.trace_min_duration, SQL.trace_max_duration,
                           filters.duration_bounds(flt))
    span_level = matching.span_condition(stmt, flt, bounds, keys, start)
    if span_level is not None:
        out.append(span_level)
    return out
