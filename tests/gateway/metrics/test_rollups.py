"""Per-minute and fine (15 s) rollups (ollygraph.rollups): step series read from them give
what the points give, for every aggregation, step (whole minutes, and whole granules under
a minute), range, grouping and filter, over delta and cumulative sums with resets and
restarts and over gauges; a late point marks its minute and is counted at once (also
where a range's edge cuts the minute), and the next roll computes that minute again.

The ingest runs with its rollup job off (OLLYGRAPH_ROLLUP_INTERVAL=off) so that the test
decides when the job's code runs; points go through the real ingest over OTLP/HTTP and
series through the real gateway over HTTP.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterator

import asyncpg
import psycopg
import pytest
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.resource.v1 import resource_pb2

from gateway import scalars
from ollygraph import migrate, rollups
from tests.gateway.metrics.conftest import MetricsStack, running_stack

pytestmark = pytest.mark.db
S = 1_000_000_000
MINUTE = 60 * S
CUMULATIVE = metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE
DELTA = metrics_pb2.AGGREGATION_TEMPORALITY_DELTA
AGGREGATIONS = ("AVG", "SUM", "MIN", "MAX", "COUNT", "LAST", "RATE", "INCREASE")
METRICS = ("r.counter", "r.delta", "r.gauge")
STEPS = ("1m", "5m", "30s", "45s")  # minutes, and fine granules (15 s) under a minute

SERIES = """
query ($name: String!, $range: TimeRange, $step: String, $agg: Aggregation,
       $groupBy: [String!], $filter: [AttributeFilter!]) {
  metric(name: $name) {
    series(timeRange: $range, step: $step, aggregation: $agg, groupBy: $groupBy,
           filter: $filter) {
      labels points { time value }
    }
  }
}
"""


@pytest.fixture(scope="module")
def stack(database_url: str) -> Iterator[MetricsStack]:
    with running_stack(database_url, {"OLLYGRAPH_ROLLUP_INTERVAL": "off"}) as stack:
        yield stack


def _kv(key: str, value: str) -> common_pb2.KeyValue:
    return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(string_value=value))


def _number(start: int, t: int, value: float, route: str) -> metrics_pb2.NumberDataPoint:
    return metrics_pb2.NumberDataPoint(start_time_unix_nano=start, time_unix_nano=t,
                                       as_double=value, attributes=[_kv("route", route)])


def _send(stack: MetricsStack, *metrics: metrics_pb2.Metric) -> None:
    request = metrics_service_pb2.ExportMetricsServiceRequest(resource_metrics=[
        metrics_pb2.ResourceMetrics(
            resource=resource_pb2.Resource(attributes=[_kv("service.name", "rollup-tests")]),
            scope_metrics=[metrics_pb2.ScopeMetrics(metrics=list(metrics))])])
    assert stack.post_otlp(request).status_code == 200


def _metrics(base: int, times: list[int]) -> list[metrics_pb2.Metric]:
    """A cumulative counter (/b resets mid-minute, /a restarts with a new start time), a
    delta sum and a gauge, with points at `times` (offsets from `base`)."""
    rnd = random.Random(7)
    counter: list = []
    for route in ("/a", "/b"):
        value, start = 1000.0, base - 3600 * S
        for i, offset in enumerate(times):
            value += rnd.randint(0, 9)
            if route == "/b" and i == len(times) // 3:
                value = 3.0  # a reset, same start time
            if route == "/a" and i == len(times) // 2:
                start, value = base + offset * S - S, 1.0  # a restart
            counter.append(_number(start, base + offset * S, value, route))
    deltas = [_number(base + (o - 5) * S, base + o * S, float(rnd.randint(1, 4)), "/a")
              for o in times]
    gauge = [_number(0, base + o * S, rnd.uniform(-5, 5), route)
             for route in ("/a", "/b") for o in times]
    return [
        metrics_pb2.Metric(name="r.counter", sum=metrics_pb2.Sum(
            aggregation_temporality=CUMULATIVE, is_monotonic=True, data_points=counter)),
        metrics_pb2.Metric(name="r.delta", sum=metrics_pb2.Sum(
            aggregation_temporality=DELTA, is_monotonic=True, data_points=deltas)),
        metrics_pb2.Metric(name="r.gauge", gauge=metrics_pb2.Gauge(data_points=gauge)),
    ]


@pytest.fixture(scope="module")
def base(stack: MetricsStack) -> int:
    """A minute 40 minutes ago; points every 7 s for the 30 minutes after it."""
    base = (time.time_ns() - 40 * MINUTE) // MINUTE * MINUTE
    _send(stack, *_metrics(base, list(range(0, 30 * 60, 7))))
    return base


def _range(lo: int, hi: int) -> dict:
    return {"from": scalars.format_timestamp(lo), "to": scalars.format_timestamp(hi)}


def _all_series(stack: MetricsStack, base: int) -> dict[tuple, list]:
    """Every combination of metric, aggregation, step, range, grouping and filter."""
    ranges = [(base + 17 * S, base + 29 * MINUTE + 43 * S), (base - 5 * MINUTE, base + 7 * MINUTE)]
    shapes = [(["route"], None), (None, [{"key": "route", "value": "/a"}]),
              (["service.name"], [{"key": "route", "op": "NEQ", "value": "/a"}])]
    out = {}
    for name, agg, step, (lo, hi), (group_by, flt) in itertools.product(
            METRICS, AGGREGATIONS, STEPS, ranges, shapes):
        got = stack.gql(SERIES, name=name, range=_range(lo, hi), step=step, agg=agg,
                        groupBy=group_by, filter=flt)["metric"]["series"]
        key = (name, agg, step, lo, hi, repr(group_by), repr(flt))
        out[key] = sorted((repr(s["labels"]), [(p["time"], p["value"]) for p in s["points"]])
                          for s in got)
    return out


def _assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for key, series in want.items():
        assert [labels for labels, _ in got[key]] == [labels for labels, _ in series], key
        for (_, points), (_, expected) in zip(got[key], series, strict=True):
            assert [t for t, _ in points] == [t for t, _ in expected], key
            assert [v for _, v in points] == pytest.approx([v for _, v in expected],
                                                           rel=1e-9, abs=1e-6), key


async def _roll(stack: MetricsStack) -> int:
    conn = await asyncpg.connect(stack.database_url,
                                 server_settings={"search_path": f'"{stack.schema}"'})
    try:
        return await rollups.roll(conn)
    finally:
        await conn.close()


def _db(stack: MetricsStack) -> psycopg.Connection:
    conn = psycopg.connect(migrate.libpq_url(stack.database_url), autocommit=True)
    conn.execute(f'SET search_path TO "{stack.schema}"')
    return conn


def _from_points(stack: MetricsStack, base: int) -> dict:
    """The series as the points alone give them: without the rollup state for a while."""
    with _db(stack) as conn:
        state = conn.execute("DELETE FROM otel_metrics_rollup_state RETURNING rolled_from, "
                             "rolled, accepted").fetchone()
        try:
            return _all_series(stack, base)
        finally:
            if state:
                conn.execute("INSERT INTO otel_metrics_rollup_state (rolled_from, rolled, "
                             "accepted) VALUES (%s, %s, %s)", state)


async def test_rollups_give_what_the_points_give(stack, base):
    want = _from_points(stack, base)
    await _roll(stack)
    with _db(stack) as conn:
        rolled_from, rolled = conn.execute(
            "SELECT rolled_from, rolled FROM otel_metrics_rollup_state").fetchone()
        assert rolled_from == base and rolled >= base + 30 * MINUTE
        # one rollup per descriptor, series and minute, counting every point once
        for table, granule in (("otel_metrics_number_rollups", MINUTE),
                               ("otel_metrics_number_fine_rollups", rollups.FINE_NS)):
            assert conn.execute(f"SELECT count(*), sum(n) FROM {table}").fetchone() == \
                conn.execute("SELECT count(DISTINCT (metric_id, resource_id, scope_id, "
                             "attributes_hash, time_unix_nano / %(g)s)), count(*) "
                             "FROM otel_metrics_data_points_number "
                             "WHERE time_unix_nano >= %(a)s AND time_unix_nano < %(b)s",
                             {"g": granule, "a": rolled_from, "b": rolled}).fetchone()
    _assert_same(_all_series(stack, base), want)


async def test_a_late_point_counts_at_once_and_is_rolled_again(stack, base):
    await _roll(stack)
    # late points of new series in four rolled minutes: two the ranges' edges cut at steps
    # under a minute (the fine rollups read from base + 30 s to base + 29 min 30 s)
    late = _metrics(base, [20, 41, 10 * 60 + 3, 10 * 60 + 5, 21 * 60 + 1, 29 * 60 + 10,
                           29 * 60 + 35])
    for metric in late:
        for p in metric.sum.data_points if metric.HasField("sum") else metric.gauge.data_points:
            p.attributes[0].value.string_value += "-late"
    _send(stack, *late)
    with _db(stack) as conn:
        marks = conn.execute("SELECT count(*) FROM otel_metrics_rollup_pending").fetchone()[0]
    assert marks == 3 * 4  # three descriptors, four minutes
    want = _from_points(stack, base)
    _assert_same(_all_series(stack, base), want)  # read from the points of marked minutes
    assert await _roll(stack) >= marks
    with _db(stack) as conn:
        assert conn.execute("SELECT count(*) FROM otel_metrics_rollup_pending").fetchone() == (0,)
    _assert_same(_all_series(stack, base), want)
