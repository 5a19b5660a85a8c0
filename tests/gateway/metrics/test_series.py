"""Step series over hand-built OTLP points: every aggregation of gauges and sums checked
against values computed here, the look-back before a range, descriptors that change."""

from __future__ import annotations

import time
from typing import Any

import pytest
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.resource.v1 import resource_pb2

from gateway import scalars

pytestmark = pytest.mark.db
S = 1_000_000_000
CUMULATIVE = metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE
DELTA = metrics_pb2.AGGREGATION_TEMPORALITY_DELTA

SERIES = """
query ($name: String!, $range: TimeRange, $step: String, $agg: Aggregation, $groupBy: [String!]) {
  metric(name: $name) {
    series(timeRange: $range, step: $step, aggregation: $agg, groupBy: $groupBy) {
      labels points { time value }
    }
  }
}
"""


def _kv(key: str, value: str) -> common_pb2.KeyValue:
    return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(string_value=value))


def _points(start: int, values: list[tuple[int, float]], route: str) -> list:
    return [metrics_pb2.NumberDataPoint(start_time_unix_nano=start, time_unix_nano=t, as_double=v,
                                        attributes=[_kv("route", route)]) for t, v in values]


def _send(stack, *metrics: metrics_pb2.Metric) -> None:
    request = metrics_service_pb2.ExportMetricsServiceRequest(resource_metrics=[
        metrics_pb2.ResourceMetrics(
            resource=resource_pb2.Resource(attributes=[_kv("service.name", "series-tests")]),
            scope_metrics=[metrics_pb2.ScopeMetrics(metrics=list(metrics))])])
    assert stack.post_otlp(request).status_code == 200


def _range(lo: int, hi: int) -> dict:
    return {"from": scalars.format_timestamp(lo), "to": scalars.format_timestamp(hi)}


def _values(stack, name: str, lo: int, hi: int, agg: str, step: str = "1w",
            group_by: list[str] | None = None) -> dict:
    got = stack.gql(SERIES, name=name, range=_range(lo, hi), step=step, agg=agg,
                    groupBy=group_by)["metric"]["series"]
    return {s["labels"].get("route", ""): sum(p["value"] or 0 for p in s["points"])
            for s in got}


@pytest.fixture(scope="module")
def base(metrics_stack) -> int:
    """A minute-aligned time a few minutes ago; the points below are around it."""
    base = (time.time_ns() - 10 * 60 * S) // (60 * S) * (60 * S)
    start = base - 3600 * S
    # a cumulative counter: two routes, /b resets (value drops with the same start time)
    counter = metrics_pb2.Metric(name="s.counter", sum=metrics_pb2.Sum(
        aggregation_temporality=CUMULATIVE, is_monotonic=True,
        data_points=_points(start, [(base + i * 10 * S, 100 + 5 * i) for i in range(12)], "/a")
        + _points(start, [(base + i * 10 * S, v) for i, v in
                          enumerate([50, 60, 70, 5, 15, 25, 35, 45, 55, 65, 75, 85])], "/b")))
    gauge = metrics_pb2.Metric(name="s.gauge", gauge=metrics_pb2.Gauge(
        data_points=_points(0, [(base + i * 10 * S, float(v)) for i, v in
                                enumerate([4, 8, 2, 6, 10, 1, 3, 9, 7, 5, 11, 0])], "/a")))
    deltas = metrics_pb2.Metric(name="s.delta", sum=metrics_pb2.Sum(
        aggregation_temporality=DELTA, is_monotonic=True,
        data_points=_points(base, [(base + i * 10 * S, 2.0) for i in range(12)], "/a")))
    _send(metrics_stack, counter, gauge, deltas)
    # the same counter name under a second descriptor (a new description) continues /c
    for description, values in (("first", [(0, 10), (10, 20)]), ("second", [(20, 25), (30, 40)])):
        _send(metrics_stack, metrics_pb2.Metric(
            name="s.described", description=description, sum=metrics_pb2.Sum(
                aggregation_temporality=CUMULATIVE, is_monotonic=True,
                data_points=_points(start, [(base + t * S, v) for t, v in values], "/c"))))
    return base


def test_order_free_aggregations_per_step(metrics_stack, base):
    lo, hi = base, base + 120 * S
    gauge = [4, 8, 2, 6, 10, 1, 3, 9, 7, 5, 11, 0]
    minutes = [gauge[:6], gauge[6:]]
    got = metrics_stack.gql(SERIES, name="s.gauge", range=_range(lo, hi - 1), step="1m",
                            agg="AVG", groupBy=None)["metric"]["series"]
    assert [p["value"] for p in got[0]["points"]] == [sum(m) / 6 for m in minutes]
    for agg, pick in (("MIN", min), ("MAX", max), ("COUNT", len), ("LAST", lambda m: m[-1]),
                      ("SUM", lambda m: m[-1])):
        got = metrics_stack.gql(SERIES, name="s.gauge", range=_range(lo, hi - 1), step="1m",
                                agg=agg)["metric"]["series"]
        assert [p["value"] for p in got[0]["points"]] == [pick(m) for m in minutes], agg
    assert _values(metrics_stack, "s.delta", lo, hi, "SUM") == {"/a": 24}
    assert _values(metrics_stack, "s.counter", lo, hi, "SUM") == {"/a": 155, "/b": 85}
    assert _values(metrics_stack, "s.counter", lo, hi, "SUM", group_by=["service.name"]) == \
        {"": 240}


def test_increase_across_resets_and_steps(metrics_stack, base):
    lo, hi = base, base + 120 * S
    # the runs began before the range: the first point in range adds nothing
    assert _values(metrics_stack, "s.counter", lo, hi, "INCREASE") == \
        {"/a": 55, "/b": 20 + 5 + 80}
    per_minute = metrics_stack.gql(SERIES, name="s.counter", range=_range(lo, hi - 1),
                                   step="1m", agg="INCREASE",
                                   groupBy=["route"])["metric"]["series"]
    assert {s["labels"]["route"]: [p["value"] for p in s["points"]] for s in per_minute} == \
        {"/a": [25, 30], "/b": [20 + 5 + 20, 60]}
    assert _values(metrics_stack, "s.delta", lo, hi, "INCREASE") == {"/a": 24}
    assert _values(metrics_stack, "s.gauge", lo, hi, "INCREASE") == {"/a": 0 - 4}


def test_look_back_before_the_range(metrics_stack, base):
    """A range that starts between two points: its first point is compared with the one
    before the range."""
    lo, hi = base + 35 * S, base + 120 * S
    # /a: 115 (at 30 s) -> 120 (at 40 s) ... 155; /b: 5 (at 30 s) -> 15 ... 85
    assert _values(metrics_stack, "s.counter", lo, hi, "INCREASE") == {"/a": 40, "/b": 80}
    rate = _values(metrics_stack, "s.counter", lo, hi, "RATE", step="1m")
    assert rate["/a"] * 60 == pytest.approx(40)
    assert _values(metrics_stack, "s.gauge", lo, hi, "INCREASE") == {"/a": 0 - 6}
    assert _values(metrics_stack, "s.delta", lo, hi, "INCREASE") == {"/a": 16}


def test_a_new_descriptor_continues_the_series(metrics_stack, base):
    lo, hi = base, base + 120 * S
    assert _values(metrics_stack, "s.described", lo, hi, "INCREASE") == {"/c": 30}
    assert _values(metrics_stack, "s.described", lo + 15 * S, hi, "INCREASE") == {"/c": 20}
    assert _values(metrics_stack, "s.described", lo, hi, "LAST") == {"/c": 40}


def test_catalog_sees_every_series(metrics_stack, base):
    """A series whose only point is older than 10,000 newer points of another series is
    still in the catalog fields."""
    cold = _points(base - 3600 * S, [(base - 600 * S, 1.0)], "/cold")
    hot = _points(base - 3600 * S, [(base + i * 1_000_000, float(i)) for i in range(10_050)],
                  "/hot")
    for points in (cold, hot):
        _send(metrics_stack, metrics_pb2.Metric(name="s.catalog", gauge=metrics_pb2.Gauge(
            data_points=points)))
    got = metrics_stack.gql("""{ metric(name: "s.catalog") {
        services attributeKeys labelValues(key: "route") } }""")["metric"]
    assert got == {"services": ["series-tests"], "attributeKeys": ["route"],
                   "labelValues": ["/cold", "/hot"]}
    assert metrics_stack.gql("""{ metric(name: "s.catalog") {
        labelValues(key: "service.name") } }""")["metric"]["labelValues"] == ["series-tests"]


def test_explicit_histograms_with_different_bounds_merge_on_shared_bounds(metrics_stack, base):
    def point(route: str, bounds: list[float], counts: list[int]) -> metrics_pb2.HistogramDataPoint:
        return metrics_pb2.HistogramDataPoint(
            start_time_unix_nano=base, time_unix_nano=base + 5 * S, count=sum(counts),
            sum=10.0 * sum(counts), explicit_bounds=bounds, bucket_counts=counts,
            attributes=[_kv("route", route)])

    _send(metrics_stack, metrics_pb2.Metric(name="s.hist", histogram=metrics_pb2.Histogram(
        aggregation_temporality=DELTA,
        data_points=[point("/x", [10, 20, 30], [1, 2, 3, 4]), point("/y", [10, 30], [5, 6, 7])])))
    query = """query ($range: TimeRange) { metric(name: "s.hist") {
        series(timeRange: $range, step: "1w", groupBy: ["service.name"], aggregation: COUNT) {
          points { value buckets { lower upper count } } } } }"""
    (one,) = metrics_stack.gql(query, range=_range(base, base + 60 * S))["metric"]["series"]
    (got,) = one["points"]
    assert got["value"] == 28
    assert got["buckets"] == [{"lower": None, "upper": 10, "count": 6},
                              {"lower": 10, "upper": 30, "count": 11},
                              {"lower": 30, "upper": None, "count": 11}]


def test_summaries_merged_across_series(metrics_stack, base):
    def point(route: str, count: int, total: float, quantiles: list) -> Any:
        return metrics_pb2.SummaryDataPoint(
            start_time_unix_nano=base, time_unix_nano=base + 5 * S, count=count, sum=total,
            quantile_values=[metrics_pb2.SummaryDataPoint.ValueAtQuantile(quantile=q, value=v)
                             for q, v in quantiles], attributes=[_kv("route", route)])

    _send(metrics_stack, metrics_pb2.Metric(name="s.summary", summary=metrics_pb2.Summary(
        data_points=[point("/s1", 10, 5.0, [(0.5, 0.4), (0.99, 0.9)]),
                     point("/s2", 20, 11.0, [(0.5, 0.45), (0.9, 0.8), (0.99, 1.2)])])))
    query = """query ($range: TimeRange, $groupBy: [String!], $q: Float) {
      metric(name: "s.summary") {
        series(timeRange: $range, step: "1w", groupBy: $groupBy, quantile: $q) {
          labels points { value count sum quantiles quantileValues } } } }"""
    window = _range(base, base + 60 * S)
    (one,) = metrics_stack.gql(query, range=window, groupBy=["service.name"],
                               q=0.99)["metric"]["series"]
    assert one["points"] == [{"value": 1.2, "count": 30, "sum": 16.0, "quantiles": [0.5, 0.99],
                              "quantileValues": [0.45, 1.2]}]
    each = metrics_stack.gql(query, range=window)["metric"]["series"]
    assert {s["labels"]["route"]: (s["points"][0]["value"], s["points"][0]["quantiles"])
            for s in each} == {"/s1": (0.5, [0.5, 0.99]), "/s2": (0.55, [0.5, 0.9, 0.99])}


def test_histograms_look_back_before_the_range(metrics_stack, base):
    start = base - 3600 * S
    explicit = metrics_pb2.Metric(name="s.hist_cum", histogram=metrics_pb2.Histogram(
        aggregation_temporality=CUMULATIVE, data_points=[
            metrics_pb2.HistogramDataPoint(
                start_time_unix_nano=start, time_unix_nano=base + t * S, count=sum(counts),
                sum=float(total), explicit_bounds=[10, 20], bucket_counts=counts,
                attributes=[_kv("route", "/h")])
            for t, counts, total in ((0, [1, 2, 3], 100), (30, [4, 6, 5], 260))]))
    buckets = metrics_pb2.ExponentialHistogramDataPoint.Buckets
    exponential = metrics_pb2.Metric(
        name="s.exp_cum", exponential_histogram=metrics_pb2.ExponentialHistogram(
            aggregation_temporality=CUMULATIVE, data_points=[
                metrics_pb2.ExponentialHistogramDataPoint(
                    start_time_unix_nano=start, time_unix_nano=base + t * S, count=sum(counts),
                    sum=float(total), scale=0, positive=buckets(offset=0, bucket_counts=counts),
                    attributes=[_kv("route", "/e")])
                for t, counts, total in ((0, [1, 2], 5), (30, [3, 7], 20))]))
    _send(metrics_stack, explicit, exponential)
    query = """query ($name: String!, $range: TimeRange) { metric(name: $name) {
        series(timeRange: $range, step: "1w", aggregation: COUNT) {
          points { value sum buckets { count } } } } }"""
    window = _range(base + 10 * S, base + 60 * S)
    (hist,) = metrics_stack.gql(query, name="s.hist_cum", range=window)["metric"]["series"]
    assert hist["points"] == [{"value": 9, "sum": 160,
                               "buckets": [{"count": 3}, {"count": 4}, {"count": 2}]}]
    (exp,) = metrics_stack.gql(query, name="s.exp_cum", range=window)["metric"]["series"]
    assert [(p["value"], p["sum"], [b["count"] for b in p["buckets"]])
            for p in exp["points"]] == [(7, 15, [2, 5])]
    # without a point before it, a run that began before the range adds nothing
    assert metrics_stack.gql(query, name="s.hist_cum", range=_range(
        base - 10 * S, base + 60 * S))["metric"]["series"][0]["points"][0]["value"] == 9


def test_histogram_points_without_buckets(metrics_stack, base):
    _send(metrics_stack, metrics_pb2.Metric(name="s.hist_bare", histogram=metrics_pb2.Histogram(
        aggregation_temporality=DELTA, data_points=[
            metrics_pb2.HistogramDataPoint(start_time_unix_nano=base, time_unix_nano=base + t * S,
                                           count=5, sum=10.0, attributes=[_kv("route", "/b")])
            for t in (1, 2)])))
    query = """query ($range: TimeRange) { metric(name: "s.hist_bare") {
        series(timeRange: $range, step: "1w", aggregation: AVG) {
          points { value count sum buckets { count } } } } }"""
    (one,) = metrics_stack.gql(query, range=_range(base, base + 60 * S))["metric"]["series"]
    assert one["points"] == [{"value": 2, "count": 10, "sum": 20, "buckets": []}]
