"""The composed statements of spanStats, the RED rollups read and facets, checked in whole
(statements/*.sql) so that a change of composition shows in review.
`python -m tests.gateway.stats.test_statements --write` rewrites them."""

from __future__ import annotations

import sys
from pathlib import Path

from gateway import enums, inputs, sqlparts
from gateway.stats import cover, facets, graph, queries, query, red, types
from gateway.traces import filters as trace_filters
from gateway.traces import ordering

HERE = Path(__file__).with_name("statements")
RANGE = inputs.TimeRange(from_=1_700_000_000_000_000_000, to=1_700_000_600_000_000_000)
KEYS = {"http.route": 7}       # registered (promoted) key ids; other keys are JSONB-only


def _measures(*specs: tuple) -> list[types.StatMeasure]:
    return [types.StatMeasure(op=types.StatOp[op], key=key) for op, key in specs]


def span_stats() -> str:
    flt = inputs.SpanFilter(time_range=RANGE, service="checkout")
    p = query.plan(queries.SPAN, RANGE, ["service", "http.route", "resource:host.name"], "1m",
                   _measures(("COUNT", None), ("RATE", None), ("ERROR_RATE", None),
                             ("P95", None), ("SUM", "gen_ai.usage.input_tokens"),
                             ("COUNT_DISTINCT", "tenant")), 10)
    stmt = sqlparts.Statement()
    conditions = trace_filters.span_conditions(stmt, flt)
    return query.statement(queries.SPAN, p, conditions, stmt, KEYS)


def span_stats_top_k() -> str:
    measures = [types.StatMeasure(op=types.StatOp.TOP_K, key="http.route", k=5),
                types.StatMeasure(op=types.StatOp.TOP_K, key="name")]
    p = query.plan(queries.SPAN, RANGE, ["semanticType"], None, measures, 10)
    stmt = sqlparts.Statement()
    conditions = trace_filters.span_conditions(stmt, inputs.SpanFilter(time_range=RANGE))
    return query.statement(queries.SPAN, p, conditions, stmt, KEYS)


def red_read() -> str:
    flt = inputs.SpanFilter(time_range=RANGE, kind=None, service="checkout")
    p = query.plan(queries.SPAN, RANGE, ["service", "name"], "5m",
                   _measures(("COUNT", None), ("P99", None)), 20)
    lo = 1_700_000_000_000_000_000
    return red.statement(sqlparts.Statement(), flt, p, cover.plan(
        (lo + 1, lo + 600_000_000_000 - 5), (lo + 60_000_000_000, lo + 540_000_000_000), None,
        [lo + 120_000_000_000]))


def edge_read() -> str:
    lo = 1_700_000_000_000_000_000
    hour = cover.HOUR    # minutes before the first whole hour, three hours, minutes after
    return graph.statement(sqlparts.Statement(), inputs.SpanFilter(service="checkout"),
                           cover.plan((lo + 1, lo + 4 * hour - 5),
                                      (lo + 60_000_000_000, lo + 4 * hour - 60_000_000_000),
                                      lo, [lo + 2 * hour + 120_000_000_000]), None)


def edge_read_filtered() -> str:
    lo = 1_700_000_000_000_000_000
    stmt = sqlparts.Statement()
    flt = inputs.SpanFilter(time_range=RANGE, kind=enums.SpanKind.SERVER)
    conditions = trace_filters.span_conditions(stmt, flt)
    return graph.statement(stmt, flt, cover.raw_only(lo, lo + 600_000_000_001), conditions)


def span_facets() -> str:
    stmt = sqlparts.Statement()
    where = sqlparts.conjunction(trace_filters.span_conditions(
        stmt, inputs.SpanFilter(time_range=RANGE)))
    return facets.statement(stmt, ordering.SPAN_FACETS, ["service", "http.route", "tenant"],
                            10, where, KEYS)


STATEMENTS = {"span_stats": span_stats, "span_stats_top_k": span_stats_top_k,
              "red_read": red_read, "span_facets": span_facets, "edge_read": edge_read,
              "edge_read_filtered": edge_read_filtered}


def test_statements_are_the_checked_in_ones() -> None:
    for name, make in STATEMENTS.items():
        assert make() + "\n" == (HERE / f"{name}.sql").read_text(), name


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    for name, make in STATEMENTS.items():
        (HERE / f"{name}.sql").write_text(make() + "\n")
