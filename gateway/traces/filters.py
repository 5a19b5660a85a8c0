"""TraceFilter and SpanFilter -> SQL conditions on otel_trace_summary (t) / otel_spans_fact (s)."""

from __future__ import annotations

from pathlib import Path

from gateway import enums, filters, ids, inputs, sqlparts
from ollygraph.sql import Queries

SQL = Queries(Path(__file__).with_name("sql"))


def span_conditions(stmt: sqlparts.Statement, flt: inputs.SpanFilter | None,
                    bounds: tuple[int, int] | None = None) -> list[str]:
    """Conditions on `s` for a SpanFilter; `bounds` (from the filter's range) prune partitions."""
    if flt is None:
        return []
    out: list[str] = []
    own = filters.time_bounds(flt.time_range)
    if own is not None:
        out += [stmt.render(SQL.span_time_from, v=own[0]), stmt.render(SQL.span_time_to, v=own[1])]
        bounds = own
    if flt.trace_id is not None:
        trace = ids.trace_id(flt.trace_id)
        out += [stmt.render(SQL.span_trace, v=trace), stmt.render(SQL.span_trace_window, v=trace)]
    out += _common(stmt, flt.name, flt.kind, flt.semantic_type, flt.attributes, bounds)
    if flt.service is not None:
        out.append(filters.service_condition(stmt, "s.resource_id", flt.service))
    if flt.status is not None:
        out.append(stmt.render(SQL.span_status, v=flt.status.value))
    if flt.root_only:
        out.append(SQL.span_root)
    low = filters.duration_ns(flt.min_duration_ms, "minDurationMs")
    high = filters.duration_ns(flt.max_duration_ms, "maxDurationMs")
    if low is not None:
        out.append(stmt.render(SQL.span_min_duration, v=low))
    if high is not None:
        out.append(stmt.render(SQL.span_max_duration, v=high))
    return out


def _common(stmt: sqlparts.Statement, name: str | None, kind: enums.SpanKind | None,
            semantic_type: enums.SemanticType | None,
            attributes: list[inputs.AttributeFilter] | None,
            bounds: tuple[int, int] | None) -> list[str]:
    out: list[str] = []
    if name is not None:
        out.append(stmt.render(SQL.span_name, v=name))
    if kind is not None:
        out.append(stmt.render(SQL.span_kind, v=kind.value))
    if semantic_type is not None:
        out.append(filters.semantic_condition(stmt, semantic_type, "s", bounds))
    for flt in attributes or ():
        out.append(filters.attribute_condition(stmt, flt, "span", "s", bounds))
    return out


def trace_conditions(stmt: sqlparts.Statement, flt: inputs.TraceFilter | None) -> list[str]:
    """Conditions on `t`; the span-level ones go into one EXISTS over the trace's spans."""
    if flt is None:
        return []
    out: list[str] = []
    bounds = filters.time_bounds(flt.time_range)
    if bounds is not None:
        out += [stmt.render(SQL.trace_time_from, v=bounds[0]),
                stmt.render(SQL.trace_time_to, v=bounds[1])]
    if flt.service is not None:
        out.append(stmt.render(SQL.trace_service, v=flt.service))
    if flt.root_service is not None:
        out.append(stmt.render(SQL.trace_root_service, v=flt.root_service))
    if flt.root_name is not None:
        out.append(stmt.render(SQL.trace_root_name, v=flt.root_name))
    if flt.status is enums.StatusCode.ERROR:
        out.append(SQL.trace_has_error)
    elif flt.status is not None:
        out.append(SQL.trace_no_error)
    low = filters.duration_ns(flt.min_duration_ms, "minDurationMs")
    high = filters.duration_ns(flt.max_duration_ms, "maxDurationMs")
    if low is not None:
        out.append(stmt.render(SQL.trace_min_duration, v=low))
    if high is not None:
        out.append(stmt.render(SQL.trace_max_duration, v=high))
    # spans of a trace start at or after the trace; their attribute partitions likewise
    span_bounds = (bounds[0], filters.MAX_NS) if bounds is not None else None
    span_level = _common(stmt, flt.span_name, flt.kind, flt.semantic_type, flt.attributes,
                         span_bounds)
    if span_level:
        out.append(stmt.render(SQL.trace_has_span, {"where": sqlparts.conjunction(span_level)}))
    return out
