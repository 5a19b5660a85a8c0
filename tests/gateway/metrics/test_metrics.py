"""Metrics end to end: the OpenTelemetry SDK (and hand-built OTLP) -> ingest -> GraphQL over
HTTP; series values, increases, rates and quantiles compared with what was recorded."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest
from opentelemetry.metrics import Observation
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.resource.v1 import resource_pb2
from opentelemetry.sdk.metrics import view

from gateway import scalars
from tests.gateway.metrics import conftest as metrics_conftest

pytestmark = pytest.mark.db
Temporality = metrics_conftest.Temporality
S = 1_000_000_000
BOUNDS = [10.0 * i for i in range(1, 11)]  # 10 .. 100

SERIES = """
query ($name: String!, $range: TimeRange, $step: String, $agg: Aggregation, $groupBy: [String!],
       $filter: [AttributeFilter!], $service: String, $q: Float) {
  metric(name: $name) {
    name type unit temporality isMonotonic
    series(timeRange: $range, step: $step, aggregation: $agg, groupBy: $groupBy,
           filter: $filter, service: $service, quantile: $q) {
      labels resource service
      points { time value count sum min max quantiles quantileValues
               buckets { lower upper count } }
    }
  }
}
"""


def _kv(key: str, value: str) -> common_pb2.KeyValue:
    return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(string_value=value))


def _request(service: str, metric: metrics_pb2.Metric) -> Any:
    return metrics_service_pb2.ExportMetricsServiceRequest(resource_metrics=[
        metrics_pb2.ResourceMetrics(
            resource=resource_pb2.Resource(attributes=[_kv("service.name", service)]),
            scope_metrics=[metrics_pb2.ScopeMetrics(metrics=[metric])])])


@pytest.fixture(scope="module")
def sent(metrics_stack):
    """Everything recorded, with the time range around it."""
    lo = time.time_ns() - 60 * S
    views = (view.View(instrument_name="t.latency*",
                       aggregation=view.ExplicitBucketHistogramAggregation(BOUNDS)),
             view.View(instrument_name="t.size",
                       aggregation=view.ExponentialBucketHistogramAggregation()))
    temps = iter([10.0, 20.0])
    with metrics_stack.meter("metrics-cum", Temporality.CUMULATIVE, views) as (meter, reader,
                                                                                tracer):
        requests = meter.create_counter("t.requests", unit="1", description="Requests")
        queue = meter.create_up_down_counter("t.queue")
        latency = meter.create_histogram("t.latency", unit="ms")
        size = meter.create_histogram("t.size", unit="By")
        meter.create_observable_gauge(
            "t.temp", callbacks=[lambda options: [Observation(v, {"sensor": "a"})
                                       for v in itertools.islice(temps, 1)]])
        with tracer.start_as_current_span("handle /a") as span:
            requests.add(5, {"route": "/a"})
            span_id = span.get_span_context().span_id
        requests.add(2, {"route": "/b"})
        queue.add(5)
        queue.add(-2)
        for i in range(50):
            latency.record(i + 0.5)
        for i in range(1, 501):
            size.record(i)
        reader.force_flush()
        requests.add(3, {"route": "/a"})
        queue.add(-1)
        for i in range(50, 100):
            latency.record(i + 0.5)
        for i in range(501, 1001):
            size.record(i)
        reader.force_flush()
    with metrics_stack.meter("metrics-delta", Temporality.DELTA, views) as (meter, reader, _):
        deltas = meter.create_counter("t.delta_requests")
        latency = meter.create_histogram("t.latency_delta", unit="ms")
        deltas.add(4, {"route": "/a"})
        for i in range(0, 100, 2):
            latency.record(i + 0.5)
        reader.force_flush()
        deltas.add(6, {"route": "/a"})
        for i in range(1, 100, 2):
            latency.record(i + 0.5)
        reader.force_flush()
    # a process restart: same counter and attributes, a new start time
    for value in (7, 2):
        with metrics_stack.meter("metrics-restart", Temporality.CUMULATIVE) as (meter, reader, _):
            meter.create_counter("t.restarts").add(value, {"route": "/r"})
            reader.force_flush()
    now = time.time_ns()
    # a counter reset within one run (same start time, the value drops) and a summary
    start = now - 10 * S
    reset = metrics_pb2.Metric(name="t.reset", sum=metrics_pb2.Sum(
        aggregation_temporality=metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE,
        is_monotonic=True, data_points=[
            metrics_pb2.NumberDataPoint(start_time_unix_nano=start,
                                        time_unix_nano=now - (4 - i) * S, as_int=v,
                                        attributes=[_kv("route", "/x")])
            for i, v in enumerate([10, 15, 3, 7])]))
    summary = metrics_pb2.Metric(name="t.summary", unit="s", summary=metrics_pb2.Summary(
        data_points=[metrics_pb2.SummaryDataPoint(
            start_time_unix_nano=start, time_unix_nano=now - (2 - i) * S, count=c, sum=s,
            quantile_values=[metrics_pb2.SummaryDataPoint.ValueAtQuantile(quantile=q, value=v)
                             for q, v in qs],
            attributes=[_kv("route", "/s")])
            for i, (c, s, qs) in enumerate([(10, 5.0, [(0.5, 0.4), (0.99, 0.9)]),
                                            (20, 11.0, [(0.5, 0.45), (0.99, 1.2)])])]))
    for metric in (reset, summary):
        assert metrics_stack.post_otlp(_request("metrics-hand", metric)).status_code == 200
    hi = time.time_ns() + 60 * S
    return {"range": {"from": scalars.format_timestamp(lo), "to": scalars.format_timestamp(hi)},
            "span_id": format(span_id, "016x")}


def series(stack, sent, name, **variables):
    variables = {"range": sent["range"], "step": "1w", **variables}
    return stack.gql(SERIES, name=name, **variables)["metric"]


def total(points):
    return sum(p["value"] or 0 for p in points)


def test_catalog(metrics_stack, sent):
    query = """query ($f: MetricFilter, $after: String) {
      metrics(filter: $f, first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        nodes { name type unit description temporality isMonotonic services attributeKeys }
      }
    }"""
    page = metrics_stack.gql(query, f={"namePrefix": "t."})["metrics"]
    names = [n["name"] for n in page["nodes"]]
    while page["pageInfo"]["hasNextPage"]:
        page = metrics_stack.gql(query, f={"namePrefix": "t."},
                                 after=page["pageInfo"]["endCursor"])["metrics"]
        names += [n["name"] for n in page["nodes"]]
    assert names == sorted(["t.delta_requests", "t.latency", "t.latency_delta", "t.queue",
                            "t.requests", "t.reset", "t.restarts", "t.size", "t.summary",
                            "t.temp"])
    sums = metrics_stack.gql(query, f={"type": "SUM", "service": "metrics-cum"})["metrics"]
    assert sums["totalCount"] == 2
    requests = next(n for n in sums["nodes"] if n["name"] == "t.requests")
    assert requests == {"name": "t.requests", "type": "SUM", "unit": "1",
                        "description": "Requests", "temporality": "CUMULATIVE",
                        "isMonotonic": True, "services": ["metrics-cum"],
                        "attributeKeys": ["route"]}
    assert metrics_stack.gql('{ metric(name: "nope") { name } }')["metric"] is None


def test_attribute_keys_and_values_of_the_metric_scope(metrics_stack, sent):
    data = metrics_stack.gql("""{
      attributeKeys(scope: METRIC) { key promoted }
      attributeValues(scope: METRIC, key: "route")
    }""")
    keys = {k["key"]: k["promoted"] for k in data["attributeKeys"]}
    assert {"route", "sensor"} <= set(keys) and keys["route"] is False
    assert {"/a", "/b", "/r", "/x", "/s"} <= set(data["attributeValues"])


def test_cumulative_counter_increase_rate_and_group_by(metrics_stack, sent):
    per_route = series(metrics_stack, sent, "t.requests", agg="INCREASE")["series"]
    got = {s["labels"]["route"]: total(s["points"]) for s in per_route}
    assert got == {"/a": 8, "/b": 2}
    assert all(s["resource"]["service.name"] == "metrics-cum" for s in per_route)
    grouped = series(metrics_stack, sent, "t.requests", agg="INCREASE",
                     groupBy=["service.name"])["series"]
    assert [(s["labels"], total(s["points"]), s["resource"]) for s in grouped] == \
        [({"service.name": "metrics-cum"}, 10, None)]
    rate = series(metrics_stack, sent, "t.requests", agg="RATE", step="1m",
                  filter=[{"key": "route", "value": "/a"}])["series"]
    assert len(rate) == 1
    assert total(rate[0]["points"]) * 60 == pytest.approx(8)
    last = series(metrics_stack, sent, "t.requests", agg="SUM", groupBy=[])["series"]
    assert [total(s["points"]) for s in last] == [10]


def test_delta_counter_added_up(metrics_stack, sent):
    for agg in ("SUM", "INCREASE"):
        got = series(metrics_stack, sent, "t.delta_requests", agg=agg)
        assert got["temporality"] == "DELTA"
        assert [total(s["points"]) for s in got["series"]] == [10]


def test_counter_restart_and_reset(metrics_stack, sent):
    restarts = series(metrics_stack, sent, "t.restarts", agg="INCREASE")["series"]
    assert [total(s["points"]) for s in restarts] == [9]  # 7, then a new run with 2
    reset = series(metrics_stack, sent, "t.reset", agg="INCREASE")["series"]
    assert [total(s["points"]) for s in reset] == [10 + 5 + 3 + 4]


def test_up_down_counter_and_gauge(metrics_stack, sent):
    queue = series(metrics_stack, sent, "t.queue", agg="LAST")
    assert queue["isMonotonic"] is False
    assert [total(s["points"]) for s in queue["series"]] == [2]
    assert [total(s["points"]) for s in series(metrics_stack, sent, "t.queue",
                                               agg="INCREASE")["series"]] == [2]
    expected = {"AVG": 15, "MIN": 10, "MAX": 20, "LAST": 20, "COUNT": 2}
    for agg, value in expected.items():
        got = series(metrics_stack, sent, "t.temp", agg=agg)
        assert got["type"] == "GAUGE"
        assert [(s["labels"], total(s["points"])) for s in got["series"]] == \
            [({"sensor": "a"}, value)], agg


@pytest.mark.parametrize("name", ["t.latency", "t.latency_delta"])
def test_explicit_histogram_quantiles(metrics_stack, sent, name):
    for q, expected in ((0.5, 50), (0.9, 90), (0.99, 99)):
        (one,) = series(metrics_stack, sent, name, q=q)["series"]
        (point,) = one["points"]
        assert point["value"] == pytest.approx(expected)
        assert point["count"] == 100
        assert point["sum"] == pytest.approx(sum(i + 0.5 for i in range(100)))
        assert [b["count"] for b in point["buckets"]] == [10] * 10 + [0]
    (one,) = series(metrics_stack, sent, name, agg="AVG")["series"]
    assert one["points"][0]["value"] == pytest.approx(50)


def test_exponential_histogram_quantiles(metrics_stack, sent):
    for q in (0.5, 0.9, 0.99):
        (one,) = series(metrics_stack, sent, "t.size", q=q)["series"]
        (point,) = one["points"]
        assert point["count"] == 1000
        assert point["value"] == pytest.approx(q * 1000, rel=0.06)
        assert sum(b["count"] for b in point["buckets"]) == 1000


def test_summary_quantiles(metrics_stack, sent):
    got = series(metrics_stack, sent, "t.summary", q=0.99)
    assert got["type"] == "SUMMARY"
    (one,) = got["series"]
    (point,) = one["points"]
    assert (point["value"], point["quantiles"], point["quantileValues"], point["count"]) == \
        (1.2, [0.5, 0.99], [0.45, 1.2], 20)
    raw = metrics_stack.gql("""{ metric(name: "t.summary") { points { nodes {
        count sum quantiles quantileValues attributes } } } }""")["metric"]["points"]["nodes"]
    assert [(p["count"], p["quantileValues"]) for p in raw] == [("20", [0.45, 1.2]),
                                                                ("10", [0.4, 0.9])]


def test_points_with_attributes_and_exemplar_spans(metrics_stack, sent):
    query = """{ metric(name: "t.requests") { points(first: 10) {
        nodes { time value attributes exemplars { value traceId spanId span { spanId name } } }
    } } }"""
    body = metrics_stack.post(query)
    nodes = body["data"]["metric"]["points"]["nodes"]
    # two flushes and the final export at shutdown
    assert {(n["attributes"]["route"], n["value"]) for n in nodes} == {("/a", 5), ("/a", 8),
                                                                      ("/b", 2)}
    spans = [e["span"] for n in nodes for e in n["exemplars"] if e["span"]]
    assert spans and all(s == {"spanId": sent["span_id"], "name": "handle /a"} for s in spans)
    # metric, points, point attributes, spans: bounded by depth, not by the number of points
    assert body["extensions"]["sqlStatements"] <= 4


def test_seed_003_metrics_series(metrics_stack, sent):
    """GET /api/metrics/series?name=&start_time=&end_time=&service=&aggregation=&group_by=
    &attr.<key>= as one GraphQL query."""
    got = series(metrics_stack, sent, "t.latency", agg="SUM", service="metrics-cum",
                 groupBy=["service.name"], filter=[{"key": "service.name", "value": "metrics-cum",
                                                    "scope": "RESOURCE"}])
    assert (got["name"], got["unit"], got["type"]) == ("t.latency", "ms", "HISTOGRAM")
    (one,) = got["series"]
    assert one["labels"] == {"service.name": "metrics-cum"}
    assert one["points"][0]["count"] == 100


def test_seed_003_metric_labels(metrics_stack, sent):
    """GET /api/metrics/{metric_name}/labels?attribute=<key> as one GraphQL query."""
    got = metrics_stack.gql("""{ metric(name: "t.requests") {
        name labelValues(key: "route") } }""")["metric"]
    assert got == {"name": "t.requests", "labelValues": ["/a", "/b"]}


def test_bad_arguments(metrics_stack, sent):
    errors = metrics_stack.errors(
        """{ metric(name: "t.latency") { series(step: "soon") { labels } } }""")
    assert errors and "step" in errors[0]
    errors = metrics_stack.errors(
        """{ metric(name: "t.latency") { series(aggregation: LAST) { labels } } }""")
    assert errors and "LAST" in errors[0]
