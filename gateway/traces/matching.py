"""Which traces have one span that satisfies every span-level condition of a TraceFilter.

Two plans (see gateway.starting for the choice): start from the spans of the most
selective EQ/IN attribute filter, check every other condition per span with primary-key
probes, collect the trace ids and let the trace summary order and page them; or walk the
trace summary in page order and probe each trace's spans.

The attribute key ids are resolved first (`filters.key_ids`), so each typed table is
searched with a constant key id and the typed tables of keys never promoted are skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gateway import enums, filters, inputs, sqlparts, starting, textmatch

SQL = sqlparts.Queries(Path(__file__).with_name("sql"))


def span_bounds(bounds: tuple[int, int] | None) -> tuple[int, int] | None:
    """Spans of a trace start at or after the trace; their attribute partitions likewise."""
    return (bounds[0], filters.MAX_NS) if bounds is not None else None


async def start_filter(db: Any, flt: inputs.TraceFilter, keys: filters.KeyIds,
                       limit: int = starting.START_LIMIT) -> starting.Start | None:
    """The attribute filter to start from and its spans, or None to walk the traces."""
    bounds = span_bounds(filters.time_bounds(flt.time_range))
    return await starting.start_filter(db, flt.attributes, "span", bounds, keys, limit)


def attribute_level(stmt: sqlparts.Statement, semantic_type: enums.SemanticType | None,
                    attributes: list[inputs.AttributeFilter] | None,
                    bounds: tuple[int, int] | None, keys: filters.KeyIds | None,
                    start: starting.Start | None, keyed: str | None = None) -> list[str]:
    """Conditions on a span `s` by semantic type and attributes: probes per span (but for
    the attribute filter a search starts from), by the span keys of `keyed` when given
    (the rows a search starts from, `d`)."""
    out: list[str] = []
    if semantic_type is not None:
        out.append(filters.semantic_sets(stmt, semantic_type, bounds).probe(keyed or "s"))
    return out + starting.attribute_conditions(stmt, attributes, "span", "s", bounds, keys,
                                               start, keyed)


def span_condition(stmt: sqlparts.Statement, flt: inputs.TraceFilter,
                   trace_bounds: tuple[int, int] | None, keys: filters.KeyIds | None,
                   start: starting.Start | None) -> str | None:
    """The condition on `t` for the span-level conditions of `flt` (None if it has none);
    `trace_bounds` from its time range, `start` as returned by `start_filter`."""
    # starting from spans, probe their attributes before reading the spans themselves
    conditions = stmt.conditions(SQL.span_filter, name=flt.span_name,
                                 kind=flt.kind.value if flt.kind is not None else None,
                                 **textmatch.fields(flt.span_name_match, "name",
                                                    "spanNameMatch"))
    conditions += attribute_level(stmt, flt.semantic_type, flt.attributes,
                                  span_bounds(trace_bounds), keys, start,
                                  None if start is None else "d")
    if start is not None:
        return stmt.render(SQL.trace_of_spans, {"where": sqlparts.conjunction(conditions)},
                           pks=start.pks, parts=start.parts)
    if not conditions:
        return None
    return stmt.render(SQL.trace_has_span, {"where": sqlparts.conjunction(conditions)})
