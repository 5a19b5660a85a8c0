"""Per-request loaders of traces, spans and what hangs off spans.

Each loader returns one result per key, in key order; see gateway.loaders.
"""

from __future__ import annotations

from typing import Any

from gateway import attrsql, db, inputs, loaders, semantic, sqlparts
from gateway.traces import filters, types
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
    spans_of_traces(filter, first): trace_id -> [Span]."""

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
