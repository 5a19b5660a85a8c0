"""serviceGraph over whole hours: the spans of test_graph sent across an hour boundary a few
hours ago, the range read from the edges and spans before the rollup job ran, then from the
hourly rollups, from the minute rollups (a range that starts inside an hour), and from
both with pending minutes; every answer is the same and exact (quantiles within the
histograms' error). A late span marks its hour, which the job computes again; retention
drops the hourly rollups with their day. Ingest runs with its rollup job off: the tests
roll."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from opentelemetry.trace import SpanKind

from gateway import scalars
from ollygraph import span_rollups
from tests.gateway.stats import known
from tests.gateway.stats.test_graph import EDGES, GRAPH, NODES, Sender, check
from tests.gateway.stats.test_red import roll

pytestmark = pytest.mark.db

HOUR = span_rollups.HOUR_NS
MINUTE = known.MINUTE
HOURS = 3


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    return {"OLLYGRAPH_ROLLUP_INTERVAL": "off"}


@pytest.fixture(scope="module")
def hour(stack) -> int:
    """The first of the HOURS whole hours the range covers: the spans start two minutes
    before its end; one span a minute before it (outside the range) makes the rollups start
    before the hour."""
    first = (known.base_time() // HOUR - HOURS) * HOUR
    early = Sender(stack.otlp)
    early.base = first
    span = early.start("early", "warm-up", SpanKind.INTERNAL, -60_000)
    early.end(span, -59_990)
    for provider in early.providers.values():
        provider.shutdown()
    Sender(stack.otlp).send(first + 58 * MINUTE)
    return first


def graph(stack, lo: int, hi: int) -> dict:
    r = {"from": scalars.format_timestamp(lo), "to": scalars.format_timestamp(hi - 1)}
    return stack.gql(GRAPH, r=r, f=None)["serviceGraph"]


def run_sql(stack, statement: str, *args) -> list:
    async def run() -> list:
        conn = await asyncpg.connect(stack.database_url,
                                     server_settings={"search_path": stack.schema})
        try:
            return await conn.fetch(statement, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


def hourly_calls(stack, hour: int) -> dict[int, int]:
    rows = run_sql(stack, "SELECT hour_unix_nano, sum(n)::bigint "
                          "FROM otel_service_edge_hour_rollups WHERE hour_unix_nano >= $1 "
                          "GROUP BY 1", hour)
    return {r[0] - hour: r[1] for r in rows}


def without_rates(edges: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if k != "rate"} for e in edges]


def test_edges_minutes_and_hours_answer_the_same(stack, hour) -> None:
    lo, hi = hour, hour + HOURS * HOUR
    raw = graph(stack, lo, hi)
    assert raw["source"] == "spans"
    check(raw, EDGES, NODES, HOURS * 3600)
    roll(stack, hi)
    # traces A and B start in the first hour, C and the links in the second (from 60:05)
    assert hourly_calls(stack, hour) == {0: 3, HOUR: 3}
    hours = graph(stack, lo, hi)
    assert hours["source"] == "rollups"
    check(hours, EDGES, NODES, HOURS * 3600)
    assert hours["edges"] == raw["edges"]
    assert [(n["service"], n["spanCount"], n["errorCount"]) for n in hours["nodes"]] == [
        (n["service"], n["spanCount"], n["errorCount"]) for n in raw["nodes"]]
    # the first hour from its minutes (the range starts inside it), the rest from hours
    minutes = graph(stack, lo + MINUTE, hi)
    assert minutes["source"] == "rollups"
    check(minutes, EDGES, NODES, HOURS * 3600 - 60)
    assert without_rates(minutes["edges"]) == without_rates(hours["edges"])
    # without the minute rollups of the two hours the hours alone answer
    run_sql(stack, "DELETE FROM otel_service_edge_rollups WHERE minute_unix_nano >= $1", lo)
    run_sql(stack, "DELETE FROM otel_span_red_rollups WHERE minute_unix_nano >= $1", lo)
    assert graph(stack, lo, hi) == hours
    # minutes marked pending: their hours are read from the other minutes and the spans
    # and edges of the pending ones, until the job computes the minutes and hours again
    run_sql(stack, "INSERT INTO otel_span_rollup_pending (minute_unix_nano) "
                   "SELECT generate_series($1::bigint, $2::bigint, $3::bigint)",
        hour + 58 * MINUTE, hour + 62 * MINUTE, MINUTE)
    assert graph(stack, lo, hi)["edges"] == hours["edges"]
    roll(stack, hi)
    assert hourly_calls(stack, hour) == {0: 3, HOUR: 3}
    assert graph(stack, lo, hi) == hours
    assert graph(stack, lo + MINUTE, hi) == minutes


def test_a_late_span_marks_its_hour_for_the_job(stack, hour) -> None:
    lo, hi = hour, hour + HOURS * HOUR
    roll(stack, hi)
    late = Sender(stack.otlp)
    late.base = hour + 30 * MINUTE
    call = late.start("frontend", "POST /refund", SpanKind.CLIENT, 0)
    refund = late.start("ledger", "refund", SpanKind.SERVER, 5, call)
    late.end(refund, 25)
    late.end(call, 30)
    for provider in late.providers.values():
        provider.shutdown()
    edges = {**EDGES, ("frontend", "ledger", "CLIENT_SERVER"): ([20], 0)}
    nodes = {**NODES, "frontend": (NODES["frontend"][0] + [30], NODES["frontend"][1]),
             "ledger": ([20], 0)}
    pending = graph(stack, lo, hi)          # the hour holds a pending minute
    assert pending["source"] == "rollups"
    check(pending, edges, nodes, HOURS * 3600)
    assert hourly_calls(stack, hour)[0] == 3
    roll(stack, hi)
    assert hourly_calls(stack, hour) == {0: 4, HOUR: 3}
    assert graph(stack, lo, hi) == pending


def test_hourly_rollups_go_with_their_partitions(migrated_schema, sql) -> None:
    sql.execute(f'SET search_path TO "{migrated_schema}"')
    yesterday = sql.execute(
        "SELECT (otel_day_bounds(current_date - 1)).lower_ns").fetchone()[0]
    sql.execute("INSERT INTO otel_span_red_hour_rollups VALUES "
                "(%s, 's', 'n', 1, 0, 1, 5, 5, 5, '{9}', '{1}')", (yesterday,))
    sql.execute("INSERT INTO otel_service_edge_hour_rollups VALUES "
                "(%s, 'a', 'b', 1, 1, 0, 5, 5, 5, '{9}', '{1}')", (yesterday,))
    today = sql.execute("SELECT (otel_day_bounds(current_date)).lower_ns").fetchone()[0]
    assert sql.execute("SELECT otel_drop_partitions_before(%s)", (today,)).fetchone()[0] > 0
    for table in ("otel_span_red_hour_rollups", "otel_service_edge_hour_rollups"):
        assert sql.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
