"""LogFilter -> SQL conditions on otel_logs_fact (l)."""

from __future__ import annotations

from pathlib import Path

from gateway import filters, ids, inputs, sqlparts
from ollygraph.sql import Queries

SQL = Queries(Path(__file__).with_name("sql"))


def log_conditions(stmt: sqlparts.Statement, flt: inputs.LogFilter | None) -> list[str]:
    if flt is None:
        return []
    out: list[str] = []
    bounds = filters.time_bounds(flt.time_range)
    if bounds is not None:
        out += [stmt.render(SQL.log_time_from, v=bounds[0]),
                stmt.render(SQL.log_time_to, v=bounds[1])]
    if flt.trace_id is not None:
        out.append(stmt.render(SQL.log_trace, v=ids.trace_id(flt.trace_id)))
    if flt.span_id is not None:
        out.append(stmt.render(SQL.log_span, v=ids.span_id(flt.span_id)))
    if flt.service is not None:
        out.append(filters.service_condition(stmt, "l.resource_id", flt.service))
    if flt.min_severity is not None:
        out.append(stmt.render(SQL.log_min_severity, v=flt.min_severity))
    if flt.severity_text is not None:
        out.append(stmt.render(SQL.log_severity_text, v=flt.severity_text))
    if flt.body_contains is not None:
        out.append(stmt.render(SQL.log_body_contains, v=flt.body_contains))
    for attr in flt.attributes or ():
        out.append(filters.attribute_condition(stmt, attr, "log", "l", bounds))
    return out
