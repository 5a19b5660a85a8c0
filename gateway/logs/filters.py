"""LogFilter -> SQL conditions on otel_logs_fact (l)."""

from __future__ import annotations

from pathlib import Path

from gateway import filters, ids, inputs, sqlparts, starting, textmatch

SQL = sqlparts.Queries(Path(__file__).with_name("sql"))


def log_conditions(stmt: sqlparts.Statement, flt: inputs.LogFilter | None,
                   keys: filters.KeyIds | None = None,
                   start: starting.Start | None = None) -> list[str]:
    """Conditions on `l`; `keys` are the attribute filters' key ids when resolved, `start`
    the attribute filter the search starts from (gateway.starting)."""
    if flt is None:
        return []
    bounds = filters.time_bounds(flt.time_range)
    time_from, time_to = bounds or (None, None)
    out = stmt.conditions(
        SQL.log_filter, time_from=time_from, time_to=time_to,
        trace_id=ids.trace_id(flt.trace_id) if flt.trace_id is not None else None,
        span_id=ids.span_id(flt.span_id) if flt.span_id is not None else None,
        service=flt.service, min_severity=flt.min_severity, severity_text=flt.severity_text,
        body_contains=flt.body_contains,
        body_trigrams=textmatch.required_trigrams(flt.body_match, flt.body_contains),
        **textmatch.fields(flt.body_match, "body_match", "bodyMatch"),
        pks=start.pks if start is not None else None,
        parts=start.parts if start is not None else None)
    return out + starting.attribute_conditions(stmt, flt.attributes, "log", "l", bounds, keys,
                                               start)
