"""Several descriptors of one metric name (two exporters sending the same name with another
unit, description, type, temporality, monotonicity and metadata), sent as OTLP protobuf
over real ingest: each point read back through GraphQL with its own descriptor, exactly."""

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
NAME = "d.shared"
QUERY = """
query ($name: String!, $range: TimeRange) {
  metric(name: $name) {
    name unit description
    points(timeRange: $range, first: 100) { nodes {
      timeUnixNano valueInt resource { attributes(keys: ["service.name"]) }
      descriptor { name type unit description temporality temporalityNumber isMonotonic
                   metadata plain: metadata(keys: ["owner"]) typed: metadata(typed: true) }
    } }
  }
}
"""


def _kv(key: str, **value: Any) -> common_pb2.KeyValue:
    return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(**value))


def _request(service: str, metric: metrics_pb2.Metric) -> Any:
    return metrics_service_pb2.ExportMetricsServiceRequest(resource_metrics=[
        metrics_pb2.ResourceMetrics(
            resource=resource_pb2.Resource(attributes=[_kv("service.name",
                                                           string_value=service)]),
            scope_metrics=[metrics_pb2.ScopeMetrics(metrics=[metric])])])


def _points(base: int, values: list[int]) -> list[metrics_pb2.NumberDataPoint]:
    return [metrics_pb2.NumberDataPoint(time_unix_nano=base + i * S, as_int=v)
            for i, v in enumerate(values)]


def test_each_point_with_its_own_descriptor(metrics_stack) -> None:
    now = time.time_ns()
    cumulative = metrics_pb2.Metric(
        name=NAME, unit="ms", description="from exporter a",
        metadata=[_kv("owner", string_value="a"), _kv("level", int_value=2**63 - 1)],
        sum=metrics_pb2.Sum(aggregation_temporality=metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE,
                            is_monotonic=True, data_points=_points(now - 30 * S, [1, 2])))
    unknown = metrics_pb2.Sum(aggregation_temporality=7, is_monotonic=False,  # an open enum
                              data_points=_points(now - 20 * S, [3]))
    delta = metrics_pb2.Metric(name=NAME, unit="s", description="from exporter b",
                               metadata=[_kv("owner", string_value="b")], sum=unknown)
    gauge = metrics_pb2.Metric(name=NAME, unit="1", gauge=metrics_pb2.Gauge(
        data_points=_points(now - 10 * S, [4])))
    for service, metric in (("desc-a", cumulative), ("desc-b", delta), ("desc-c", gauge)):
        assert metrics_stack.post_otlp(_request(service, metric)).status_code == 200
    span = {"from": scalars.format_timestamp(now - 60 * S),
            "to": scalars.format_timestamp(now + 60 * S)}

    metric = metrics_stack.gql(QUERY, name=NAME, range=span)["metric"]

    a = {"name": NAME, "type": "SUM", "unit": "ms", "description": "from exporter a",
         "temporality": "CUMULATIVE", "temporalityNumber": 2, "isMonotonic": True,
         "metadata": {"owner": "a", "level": 2**63 - 1}, "plain": {"owner": "a"},
         "typed": {"owner": {"stringValue": "a"}, "level": {"intValue": str(2**63 - 1)}}}
    b = {"name": NAME, "type": "SUM", "unit": "s", "description": "from exporter b",
         "temporality": "UNSPECIFIED", "temporalityNumber": 7, "isMonotonic": False,
         "metadata": {"owner": "b"}, "plain": {"owner": "b"},
         "typed": {"owner": {"stringValue": "b"}}}
    c = {"name": NAME, "type": "GAUGE", "unit": "1", "description": "",
         "temporality": None, "temporalityNumber": None, "isMonotonic": None,
         "metadata": {}, "plain": {}, "typed": {}}
    got = sorted((int(p["timeUnixNano"]), int(p["valueInt"]),
                  p["resource"]["attributes"]["service.name"], p["descriptor"])
                 for p in metric["points"]["nodes"])
    assert [g[:3] for g in got] == [(now - 30 * S, 1, "desc-a"), (now - 29 * S, 2, "desc-a"),
                                    (now - 20 * S, 3, "desc-b"), (now - 10 * S, 4, "desc-c")]
    assert [g[3] for g in got] == [a, a, b, c]
    # the metric itself shows one descriptor of the three (the newest)
    assert (metric["unit"], metric["description"]) in {("ms", "from exporter a"),
                                                       ("s", "from exporter b"), ("1", "")}
