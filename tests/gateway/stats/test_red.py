"""spanStats from the RED rollups end to end: the job rolls what ingest stored, the answer
reads whole minutes from the rollups and the edges and late minutes from the spans, and
matches the exact answer (quantiles within the documented error)."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import pytest
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

from gateway import scalars
from ollygraph import rollups, span_rollups
from tests.gateway.stats import known
from tests.gateway.stats.test_span_stats import STATS

pytestmark = pytest.mark.db

RED = [{"op": op} for op in ("COUNT", "ERROR_COUNT", "ERROR_RATE", "AVG", "MIN", "MAX",
                             "RATE", "P50", "P95", "P99")]
EXACT = 6  # the first measures are exact from the rollups; the quantiles are estimates


def roll(stack, upto: int) -> None:
    """Run the rollup job until it has rolled the minutes before `upto` (ingest runs it
    too, every 15 s: whichever holds the job lock rolls)."""
    async def run() -> None:
        conn = await asyncpg.connect(stack.database_url,
                                     server_settings={"search_path": stack.schema})
        try:
            for _ in range(100):
                await rollups.roll(conn, time.time_ns())
                rolled = await conn.fetchval("SELECT rolled FROM otel_span_rollup_state")
                pending = await conn.fetchval("SELECT count(*) FROM otel_span_rollup_pending")
                if rolled is not None and rolled >= upto and not pending:
                    return
                await asyncio.sleep(0.2)
            raise AssertionError("the rollups did not catch up")
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture(scope="module")
def base(stack):
    base = known.base_time()
    known.send(stack.otlp, base)
    roll(stack, base + 5 * known.MINUTE)
    return base


def both(stack, flt, group_by, step=None, measures=RED):
    args = {"filter": flt, "groupBy": group_by, "measures": measures, "step": step}
    return (stack.gql(STATS, exact=False, **args)["spanStats"],
            stack.gql(STATS, exact=True, **args)["spanStats"])


def assert_close(red, exact) -> None:
    """Counts, errors, averages, min and max equal; quantiles within the error bound."""
    assert [g["key"] for g in red["groups"]] == [g["key"] for g in exact["groups"]]
    for r, e in zip(red["groups"], exact["groups"], strict=True):
        assert r["values"][:EXACT] == pytest.approx(e["values"][:EXACT], rel=1e-12)
        for rv, ev in zip(r["values"][EXACT + 1:], e["values"][EXACT + 1:], strict=True):
            assert abs(rv - ev) <= span_rollups.RELATIVE_ERROR * ev + 1e-9, (rv, ev)
        assert [p["time"] for p in r["series"]] == [p["time"] for p in e["series"]]
        for rp, ep in zip(r["series"], e["series"], strict=True):
            assert rp["values"][:EXACT] == pytest.approx(ep["values"][:EXACT], rel=1e-12)


def test_red_per_service_and_operation_from_the_rollups(stack, base) -> None:
    flt = {"timeRange": known.time_range(base)}
    red, exact = both(stack, flt, ["service", "name", "kind", "status"])
    assert (red["source"], exact["source"]) == ("rollups", "spans")
    assert red["measures"] == exact["measures"]
    assert_close(red, exact)
    rate = {tuple(g["key"].values()): g["values"][6] for g in red["groups"]}
    assert rate[("checkout", "GET /a", "SERVER", "UNSET")] == pytest.approx(3 / 300)


def test_ragged_edges_are_read_from_the_spans(stack, base) -> None:
    flt = {"timeRange": {"from": scalars.format_timestamp(base + 10_000 * known.MS),
                         "to": scalars.format_timestamp(base + 125_500 * known.MS)},
           "service": "checkout"}
    red, exact = both(stack, flt, ["name"], step="1m")
    assert red["source"] == "rollups"
    assert_close(red, exact)
    counts = {g["key"]["name"]: g["values"][0] for g in red["groups"]}
    assert counts == {"GET /a": 3, "GET /b": 1, "chat": 1}


def test_late_spans_are_counted_before_and_after_the_job_rolls_them_again(stack, base) -> None:
    flt = {"timeRange": known.time_range(base), "name": "late job"}
    provider = TracerProvider(resource=Resource.create({"service.name": "checkout"}))
    provider.add_span_processor(SimpleSpanProcessor(
        OTLPSpanExporter(endpoint=stack.otlp, insecure=True)))
    span = provider.get_tracer("t").start_span("late job", start_time=base + 3_000 * known.MS)
    span.end(end_time=base + 3_000 * known.MS + 9 * known.MINUTE)
    provider.shutdown()
    measures = [{"op": "COUNT"}, {"op": "MAX"}]
    red, exact = both(stack, flt, ["service"], measures=measures)
    assert red["source"] == "rollups"
    assert red["groups"] == exact["groups"] == [
        {"key": {"service": "checkout"}, "other": False, "series": [],
         "values": [1, 9 * 60_000.0]}]
    roll(stack, base + 5 * known.MINUTE)
    red, _ = both(stack, flt, ["service"], measures=measures)
    assert red["groups"][0]["values"] == [1, 9 * 60_000.0] and red["source"] == "rollups"


def test_queries_the_rollups_cannot_answer_read_the_spans(stack, base) -> None:
    flt = {"timeRange": known.time_range(base)}
    for args in ({"groupBy": ["http.route"]}, {"measures": [{"op": "SUM", "key": "x"}]},
                 {"filter": {**flt, "attributes": [{"key": "tenant", "value": "t1"}]}},
                 {"step": "30s"}):
        body = {"filter": flt, "measures": [{"op": "COUNT"}], "exact": False, **args}
        assert stack.gql(STATS, **body)["spanStats"]["source"] == "spans", args


def test_rollups_go_with_their_partitions(migrated_schema, sql) -> None:
    sql.execute(f'SET search_path TO "{migrated_schema}"')
    yesterday = sql.execute(
        "SELECT (otel_day_bounds(current_date - 1)).lower_ns").fetchone()[0]
    sql.execute("INSERT INTO otel_span_red_rollups VALUES "
                "(%s, 's', 'n', 1, 0, 1, 5, 5, 5, '{9}', '{1}')", (yesterday,))
    today = sql.execute("SELECT (otel_day_bounds(current_date)).lower_ns").fetchone()[0]
    assert sql.execute("SELECT otel_drop_partitions_before(%s)", (today,)).fetchone()[0] > 0
    assert sql.execute("SELECT count(*) FROM otel_span_red_rollups").fetchone()[0] == 0
