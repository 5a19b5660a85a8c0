"""Per-request loaders of logs; each returns one result per key, in key order."""

from __future__ import annotations

from gateway import attrsql, db, inputs, loaders, sqlparts
from gateway.logs import filters, types
from ollygraph import store

SQL = filters.SQL
MAX_LOGS_PER_KEY = 10_000
_K = loaders.KeyColumn


class Loaders:
    """attributes: (log_pk, ts) -> dict; logs_of_spans(filter, first): (trace_id, span_id)
    -> [Log]; logs_of_traces(filter, first): trace_id -> [Log] (oldest first)."""

    def __init__(self, database: db.Db) -> None:
        self.db = database
        self.attributes = loaders.owner_attributes(
            database, attrsql.attributes_sql(store.OWNER["log"]))
        self._memo: dict[str, loaders.KeyedLoader] = {}

    def _related(self, query: str, keys: dict[str, _K], flt: inputs.LogFilter | None,
                 first: int | None) -> loaders.KeyedLoader:
        memo = repr((query, flt, first))
        loader = self._memo.get(memo)
        if loader is None:
            stmt = sqlparts.Statement()
            where = sqlparts.conjunction(filters.log_conditions(stmt, flt))
            limit = MAX_LOGS_PER_KEY if first is None else max(0, min(first, MAX_LOGS_PER_KEY))
            sql = stmt.render(SQL[query], {"columns": SQL.log_columns, "where": where},
                              limit=limit, **keys)
            loader = loaders.KeyedLoader(self.db, sql, loaders.with_keys(stmt.params),
                                         many=True, shape=types.Log.from_row)
            self._memo[memo] = loader
        return loader

    def logs_of_spans(self, flt: inputs.LogFilter | None,
                      first: int | None) -> loaders.KeyedLoader:
        return self._related("logs_of_spans", {"trace_ids": _K(0), "span_ids": _K(1)},
                             flt, first)

    def logs_of_traces(self, flt: inputs.LogFilter | None,
                       first: int | None) -> loaders.KeyedLoader:
        return self._related("logs_of_traces", {"trace_ids": _K()}, flt, first)
