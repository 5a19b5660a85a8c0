"""Per-request loaders of traces, spans and what hangs off spans.

Each loader returns one result per key, in key order; see gateway.loaders.
"""

from __future__ import annotations

from typing import Any

from gateway import attrsql, cost, db, inputs, loaders, semantic, sqlparts
from gateway.traces import analysis, analysis_types, filters, types
from ollygraph import store

SQL = filters.SQL
MAX_SPANS_PER_TRACE = 10_000
SPAN = store.OWNER["span"]
_K = loaders.KeyColumn


def _fixed(database: db.Db, query: str, names: list[str], params: list[Any], *,
           many: bool = False, shape: Any = None,
           slots: dict[str, str] | None = None) -> loaders.KeyedLoader:
    sql = sqlparts.numbered(query, names, slots)
    return loaders.KeyedLoader(database, sql, loaders.with_keys(params), many=many, shape=shape)


_SPAN_KEY_TABLES = {
    "typed_keys": "\nUNION ALL ".join(
        sqlparts.fill(SQL.span_key_ids, {"table": SPAN.attribute_table(t.name)})
        for t in store.VALUE_TYPES),
    "other": SPAN.attribute_table(store.OTHER)}


def _span_items_params(keys: Any) -> list[Any]:
    starts = [k[1] for k in keys]
    return [[k[0] for k in keys], starts, *loaders.day_bounds(starts)]


def _items(database: db.Db, owner: store.Owner, source: str,
           shape: Any) -> loaders.KeyedLoader:
    """(span_pk, start_ns) -> the span's events or links with their attributes, in order
    (of the owner's key column that the span's key lacks: its index in the span)."""
    index = next(c for c in owner.key_names if c not in SPAN.key_names)
    sql = attrsql.owned_sql(owner, source, f"src.k, src.{index}",
                            ["pks", "starts", "lo", "hi"])
    return loaders.KeyedLoader(database, sql, _span_items_params, many=True, shape=shape)


class Loaders:
    """traces: trace_id -> Trace | None; spans: (trace_id, span_id) -> Span | None;
    children: (trace_id, span_id) -> [Span]; attributes / events / links:
    (span_pk, start_ns) -> dict / [row] / [row]; linked_from: (trace_id, span_id) -> the
    links to that span, oldest holder first; semantic_types: trace_id -> [SemanticType];
    spans_of_traces(filter, first): trace_id -> [Span]; analysis(trace_id) -> the
    Analysis of its spans; usage / subtree_usage(trace_id) -> span id ->
    its own / its subtree's gen_ai Usage."""

    def __init__(self, database: db.Db) -> None:
        self.db = database
        span_cols = {"columns": SQL.span_columns}
        self.traces = _fixed(database, SQL.traces_by_id, ["ids"], [_K()],
                             shape=types.Trace.from_row, slots={"columns": SQL.trace_columns})
        self.spans = _fixed(database, SQL.spans_by_id, ["trace_ids", "span_ids"],
                            [_K(0), _K(1)], shape=types.Span.from_row, slots=span_cols)
        self.children = _fixed(database, SQL.children_of_spans, ["trace_ids", "span_ids"],
                               [_K(0), _K(1)], many=True, shape=types.Span.from_row,
                               slots=span_cols)
        self.attributes = loaders.owner_attributes(database, attrsql.attributes_sql(SPAN))
        self.events = _items(database, store.OWNER["span_event"], SQL.events_of_spans,
                             types.SpanEvent.from_row)
        self.links = _items(database, store.OWNER["span_link"], SQL.links_of_spans,
                            types.SpanLink.from_row)
        self.linked_from = loaders.KeyedLoader(
            database, attrsql.owned_sql(
                store.OWNER["span_link"], SQL.links_to_spans,
                "src.k, src.start_time_unix_nano, src.span_pk, src.link_index",
                ["trace_ids", "span_ids"], bounded=False),
            loaders.with_keys([_K(0), _K(1)]), many=True, shape=types.SpanLink.from_row)
        prefixes, priorities = semantic.priority_table()
        self.semantic_types = _fixed(
            database, SQL.semantic_types_of_traces, ["ids", "prefixes", "priorities"],
            [_K(), prefixes, priorities], slots=_SPAN_KEY_TABLES,
            shape=lambda row: [semantic.from_priority(p) for p in row["priorities"]])
        self._spans_of_traces: dict[str, loaders.KeyedLoader] = {}
        self.analyses: dict[bytes, analysis.Analysis] = {}
        self._usages: dict[bytes, dict[bytes, analysis.Usage]] = {}
        self.subtree_usages: dict[bytes, dict[bytes, analysis.Usage]] = {}

    async def analysis(self, trace_id: bytes) -> analysis.Analysis:
        """The analysis of the trace's spans, made once per request (kept in `analyses`).
        Its spans come from the loader of `Trace.spans` with its default `first`, so a
        query that selects the trace's spans too runs no statement more; a trace with more
        spans than that is loaded again whole (up to MAX_SPANS_PER_TRACE)."""
        found = self.analyses.get(trace_id)
        if found is None:
            fetch = cost.TRACE_SPANS.default
            spans = await self.spans_of_traces(None, fetch).load(trace_id)
            if len(spans) >= fetch:
                spans = await self.spans_of_traces(None, MAX_SPANS_PER_TRACE).load(trace_id)
            found = self.analyses.get(trace_id)  # made by a concurrent caller meanwhile
            if found is None:
                found = self.analyses[trace_id] = analysis.Analysis(spans, lambda s: s.row)
        return found

    async def analyses_of(self, trace_ids: list[bytes]) -> list[analysis.Analysis]:
        """`analysis` of each trace, their spans loaded in one batch."""
        await self.spans_of_traces(None, cost.TRACE_SPANS.default).load_many(trace_ids)
        return [await self.analysis(trace_id) for trace_id in trace_ids]

    async def usage(self, trace_id: bytes) -> dict[bytes, analysis.Usage]:
        """span id -> the span's own gen_ai usage (spans without any left out), from the
        attributes of the trace's spans (one batched load; none for spans whose attributes
        the request loaded already)."""
        found = self._usages.get(trace_id)
        if found is None:
            spans = list((await self.analysis(trace_id)).items.values())
            attrs = await self.attributes.load_many([span.owner for span in spans])
            own = {span.row["span_id"]: analysis_types.usage(a or {})
                   for span, a in zip(spans, attrs, strict=True)}
            found = self._usages.setdefault(
                trace_id, {k: u for k, u in own.items() if u is not analysis.NO_USAGE})
        return found

    async def subtree_usage(self, trace_id: bytes) -> dict[bytes, analysis.Usage]:
        """span id -> the gen_ai usage of the span's subtree (computed once per request)."""
        found = self.subtree_usages.get(trace_id)
        if found is None:
            tree, own = await self.analysis(trace_id), await self.usage(trace_id)
            found = self.subtree_usages.setdefault(trace_id, tree.subtree_usage(own))
        return found

    def spans_of_traces(self, flt: inputs.SpanFilter | None,
                        first: int | None) -> loaders.KeyedLoader:
        """trace_id -> the trace's spans matching `flt` (oldest first, at most `first`)."""
        memo = repr((flt, first))
        loader = self._spans_of_traces.get(memo)
        if loader is None:
            stmt = sqlparts.Statement()
            where = sqlparts.conjunction(filters.span_conditions(stmt, flt))
            cap = MAX_SPANS_PER_TRACE
            limit = cap if first is None else max(0, min(first, cap))
            sql = stmt.render(SQL.spans_of_traces, {"columns": SQL.span_columns, "where": where},
                              ids=_K(), limit=limit)
            loader = loaders.KeyedLoader(self.db, sql, loaders.with_keys(stmt.params), many=True,
                                         shape=types.Span.from_row)
            self._spans_of_traces[memo] = loader
        return loader
