"""The subscription types: which fact table's commits each follows, its filter's SQL and
how a row becomes a node. Symmetric across signals; only what differs is declared here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from gateway import filters, sqlparts
from gateway.logs import filters as log_filters
from gateway.logs import queries as log_queries
from gateway.metrics import filters as metric_filters
from gateway.metrics import points as metric_points
from gateway.traces import filters as trace_filters
from gateway.traces import queries as trace_queries
from ollygraph import store

SQL = sqlparts.Queries(Path(__file__).with_name("sql"))
TABLES = {t.name: t for signal in store.SIGNALS for t in signal.tables}


class Kind(NamedTuple):
    name: str  # the subscription field: spans, logs, traces
    table: store.Table  # the fact table whose commits it follows
    alias: str  # of that table in the filter's SQL
    query: str  # the batch read (gateway/live/sql/live.sql)
    columns: str  # select list, as the query's listing
    shape: Callable[[Any], Any]
    # (statement, filter, key ids, the batch's partition bounds) -> conditions
    conditions: Callable[[sqlparts.Statement, Any, filters.KeyIds, Any], list[str]]

    def slots(self) -> dict[str, str]:
        return {
            "table": self.table.name,
            "alias": self.alias,
            "key": self.table.columns[0].name,
            "partition": self.table.partition or "",
            "sequence": self.table.sequence or "",
        }


SPANS = Kind(
    "spans",
    TABLES["otel_spans_fact"],
    "s",
    "live_rows",
    trace_queries.SPANS.columns,
    trace_queries.SPANS.shape,
    lambda stmt, flt, keys, bounds: trace_filters.span_conditions(stmt, flt, bounds, keys),
)
TRACES = Kind(
    "traces",
    TABLES["otel_spans_fact"],
    "s",
    "live_traces",
    trace_queries.TRACES.columns,
    trace_queries.TRACES.shape,
    lambda stmt, flt, keys, bounds: trace_filters.trace_conditions(stmt, flt, keys),
)
LOGS = Kind(
    "logs",
    TABLES["otel_logs_fact"],
    "l",
    "live_rows",
    log_queries.LOGS.columns,
    log_queries.LOGS.shape,
    lambda stmt, flt, keys, bounds: log_filters.log_conditions(stmt, flt, keys),
)


class PointFilter(NamedTuple):
    """A metricPoints subscription's filter: its metric's descriptors (by name, as they
    were at the start) and the point filters of `Metric.series`."""

    kind: str  # the point kind: number, histogram, exp_histogram, summary
    ids: tuple[int, ...]
    attributes: list[Any] | None
    service: str | None


def _point_conditions(stmt: sqlparts.Statement, flt: PointFilter, bounds: Any) -> list[str]:
    return [
        *stmt.conditions(metric_filters.SQL.point_filter, ids=list(flt.ids)),
        *metric_filters.point_conditions(stmt, flt.kind, bounds, flt.attributes, flt.service),
    ]


def _points(point_kind: store.PointKind) -> Kind:
    listing = metric_points.LISTINGS[point_kind.name]
    return Kind(
        f"metricPoints.{point_kind.name}",
        TABLES[point_kind.table],
        "p",
        "live_rows",
        listing.columns,
        listing.shape,
        lambda stmt, flt, keys, bounds: _point_conditions(stmt, flt, bounds),
    )


POINTS = {k.name: _points(k) for k in store.POINT_KINDS}
KINDS = (SPANS, TRACES, LOGS, *POINTS.values())


def batch_sql(
    kind: Kind,
    filters_and_keys: list[tuple[Any, filters.KeyIds]],
    runs: list[tuple[int, int]],
    time_from: int,
    time_to: int,
) -> tuple[str, list[Any]]:
    """The one statement reading the rows of the committed `runs` for every subscriber of
    `kind` (by position in `filters_and_keys`), with its parameters."""
    stmt = sqlparts.Statement()
    sql = stmt.render(
        SQL[kind.query],
        _matches(stmt, kind, filters_and_keys, (time_from, time_to)),
        time_from=time_from,
        time_to=time_to,
        key_from=runs[0][0],
        key_to=runs[-1][1],
        lo=[r[0] for r in runs],
        hi=[r[1] for r in runs],
    )
    return sql, stmt.params


def quiet_traces_sql(
    filters_and_keys: list[tuple[Any, filters.KeyIds]], ids: list[bytes]
) -> tuple[str, list[Any]]:
    """The one statement reading the traces of `ids` again (after a quiet period) for
    every `traces` subscriber (by position in `filters_and_keys`), with its parameters."""
    stmt = sqlparts.Statement()
    slots = _matches(stmt, TRACES, filters_and_keys, None)
    return stmt.render(SQL.live_quiet_traces, slots, ids=ids), stmt.params


def _matches(
    stmt: sqlparts.Statement,
    kind: Kind,
    filters_and_keys: list[tuple[Any, filters.KeyIds]],
    bounds: Any,
) -> dict[str, str]:
    """The slots of a batch read: `kind`'s, its columns and one CASE per filter."""
    matches = [
        f"CASE WHEN {sqlparts.conjunction(kind.conditions(stmt, flt, keys, bounds))} THEN {n} END"
        for n, (flt, keys) in enumerate(filters_and_keys)
    ]
    return {**kind.slots(), "columns": kind.columns, "matches": ",\n".join(matches)}


def committed_sql(
    kind: Kind, since: int, after: int, runs: list[tuple[int, int]], limit: int
) -> tuple[str, list[Any]]:
    """The statement listing the runs of keys committed above `after` and outside `runs`
    (rows with the partition column at least `since`), with its parameters."""
    stmt = sqlparts.Statement()
    sql = stmt.render(
        SQL.live_committed,
        kind.slots(),
        since=since,
        after=after,
        lo=[r[0] for r in runs],
        hi=[r[1] for r in runs],
        limit=limit,
    )
    return sql, stmt.params


def allocated_sql(kind: Kind) -> str:
    return sqlparts.fill(SQL.live_allocated, kind.slots())
