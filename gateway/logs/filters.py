"""LogFilter -> SQL conditions on otel_logs_fact (l)."""

from __future__ import annotations

from pathlib import Path

from gateway import filters, ids, inputs, sqlparts, starting
from ollygraph.sql import Queries

SQL = Queries(Path(__file__).with_name("sql"))


def log_conditions(stmt: sqlparts.Statement, flt: inputs.LogFilter | None,
                   keys: filters.KeyIds | None = None,
                   start: starting.Start | None = None) -> list[str]:
    """Conditions on `l`; `keys` are the attribute filters' key ids when resolved, `start`
    the attribute filter the search starts from (gateway.starting)."""
    if flt is None:
        return []
    out: list[str] = []
    bounds = filters.time_bounds(flt.time_range)
    out += filters.between(stmt, SQL.log_time_from, SQL.log_time_to, bounds)
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
    if start is not None:
        out.append(stmt.render(SQL.log_among, pks=start.pks, parts=start.parts))
    return out + starting.attribute_conditions(stmt, flt.attributes, "log", "l", bounds, keys,
                                               start)
