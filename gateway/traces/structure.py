"""Structural and boolean filters -> SQL, inside the one compiler of SpanFilter and
TraceFilter (gateway.traces.filters).

A SpanFilter can name a relative of the span that must satisfy another SpanFilter
(`hasParent`, `hasChild`, `hasAncestor`, `hasDescendant`), and both filters compose:
`not`, `anyOf`, `allOf`. A TraceFilter's `spans` match different spans of the trace, its
`notSpans` none. Relatives are found inside the trace by the (trace_id, span_id) index: a
point lookup per level of the tree (sql/traces.sql, span_has_*), so a probe costs about
the depth of the trace, or its size for `hasDescendant` (whose filter is checked on the
trace's spans, then walked up).

The cost of one filter grows with its nesting, so a filter nests at most `MAX_DEPTH`
levels and holds at most `MAX_FILTERS` filters in all; beyond that it is a user error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from gateway import errors, filters, inputs, sqlparts, starting

SQL = sqlparts.Queries(Path(__file__).with_name("sql"))       # the span and trace fragments
BOOL_SQL = filters.SQL                                       # none_of, any_of, never
MAX_DEPTH = 4       # levels of filters below the top one
MAX_FILTERS = 16    # filters nested in one filter, at every level
# field -> (the fragment probing per span, the one looking the span up among the relatives
# of a started set)
RELATIVES = {"has_parent": ("span_has_parent", "span_parent_among"),
             "has_child": ("span_has_child", "span_child_among"),
             "has_ancestor": ("span_has_ancestor", "span_ancestor_among"),
             "has_descendant": ("span_has_descendant", "span_descendant_among")}
BOOLEAN = ("not_", "any_of", "all_of")
SPAN_LISTS = ("spans", "not_spans")
GRAPHQL = {"has_parent": "hasParent", "has_child": "hasChild", "has_ancestor": "hasAncestor",
           "has_descendant": "hasDescendant", "not_": "not", "any_of": "anyOf",
           "all_of": "allOf", "spans": "spans", "not_spans": "notSpans"}
Build = Callable[[Any], list[str]]
Starts = dict[int, starting.Start]      # id() of a nested SpanFilter -> where it starts


def nested(flt: Any) -> Iterator[tuple[str, Any]]:
    """(field, filter) of each filter directly nested in `flt` (a SpanFilter or a
    TraceFilter), in field order."""
    for name in (*RELATIVES, *BOOLEAN, *SPAN_LISTS):
        value = getattr(flt, name, None)
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                yield name, item


def check(flt: Any) -> None:
    """A UserError when `flt` nests deeper than MAX_DEPTH or holds more than MAX_FILTERS
    filters; iterative, so any depth is safe to look at."""
    count, stack = 0, [(flt, 0, "filter")]
    while stack:
        item, depth, path = stack.pop()
        for name, sub in nested(item):
            count += 1
            where = f"{path}.{GRAPHQL[name]}"
            if depth + 1 > MAX_DEPTH:
                raise errors.UserError(
                    f"{where}: filters nest at most {MAX_DEPTH} levels deep", limit=MAX_DEPTH)
            if count > MAX_FILTERS:
                raise errors.UserError(
                    f"{where}: a filter holds at most {MAX_FILTERS} nested filters",
                    limit=MAX_FILTERS)
            stack.append((sub, depth + 1, where))


def is_structural(flt: Any) -> bool:
    """Whether `flt` has nested filters (structural or boolean)."""
    return flt is not None and next(nested(flt), None) is not None


def relative_filters(flt: Any) -> Iterator[inputs.SpanFilter]:
    """The filters of hasParent/hasChild/hasAncestor/hasDescendant anywhere in `flt`."""
    stack = [flt]
    while stack:
        item = stack.pop()
        for name, sub in nested(item):
            if name in RELATIVES:
                yield sub
            stack.append(sub)


def relatives(stmt: sqlparts.Statement, flt: inputs.SpanFilter,
              build: Callable[[inputs.SpanFilter, starting.Start | None], list[str]],
              starts: Starts) -> list[str]:
    """Conditions on the span `s` for `flt`'s hasParent/hasChild/hasAncestor/hasDescendant;
    `build(filter, start)` gives a nested SpanFilter's conditions on `s`, `starts` the
    nested filters that start from the spans of an attribute filter (`relative_starts`):
    their relatives form a set read once, the others are probed per span."""
    out = []
    for name, (probe, among) in RELATIVES.items():
        sub = getattr(flt, name)
        if sub is not None:
            start = starts.get(id(sub))
            fragment = getattr(SQL, probe if start is None else among)
            out.append(stmt.render(fragment, {"where": sqlparts.conjunction(build(sub, start))}))
    return out


async def relative_starts(db: Any, flt: Any, keys: filters.KeyIds) -> Starts:
    """For each relative's filter in `flt` whose attribute filters can start a search with
    few enough spans (gateway.starting), where it starts; a statement per such filter."""
    out: Starts = {}
    for sub in relative_filters(flt):
        if sub.attributes:
            start = await starting.start_filter(db, sub.attributes, "span",
                                                filters.time_bounds(sub.time_range), keys)
            if start is not None:
                out[id(sub)] = start
    return out


def boolean(stmt: sqlparts.Statement, flt: Any, build: Build) -> list[str]:
    """Conditions for `flt`'s not/anyOf/allOf (on a span or a trace alike); `build` gives a
    nested filter's conditions."""
    out = []
    if flt.not_ is not None:
        out.append(stmt.render(BOOL_SQL.none_of, {"condition": sqlparts.conjunction(
            build(flt.not_))}))
    if flt.any_of is not None:
        alternatives = [sqlparts.conjunction(build(sub)) for sub in flt.any_of]
        out.append(stmt.render(BOOL_SQL.any_of, {"conditions": "\nOR ".join(
            f"({c})" for c in alternatives)}) if alternatives else BOOL_SQL.never)
    for sub in flt.all_of or ():
        out.append(sqlparts.conjunction(build(sub)))
    return out


def trace_spans(stmt: sqlparts.Statement, flt: inputs.TraceFilter, build: Build,
                starts: Starts) -> list[str]:
    """Conditions on the trace `t` for `flt.spans` (each matched by a different span of
    it: nested probes that exclude the spans taken before; first, for each of their
    relatives that starts from few spans, that the trace holds one of them) and
    `flt.not_spans`."""
    out = [stmt.render(SQL.trace_holds_started, pks=start.pks, parts=start.parts)
           for item in flt.spans or () for name in RELATIVES
           if (start := starts.get(id(getattr(item, name)))) is not None]
    if flt.spans:
        where: str | None = None
        for level in reversed(range(len(flt.spans))):
            conditions = build(flt.spans[level])
            if where is not None:
                conditions.append(where)
            taken = SQL.no_spans_taken if level == 0 else SQL.spans_taken
            where = stmt.render(SQL.trace_has_spans_apart, {
                "taken": taken, "where": sqlparts.conjunction(conditions)})
        out.append(where)
    for sub in flt.not_spans or ():
        out.append(stmt.render(SQL.trace_without_span, {
            "where": sqlparts.conjunction(build(sub))}))
    return out
