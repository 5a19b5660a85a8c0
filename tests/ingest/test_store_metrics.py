"""Metrics through the Pipeline: the five point kinds with flags, exemplars and
attributes back exactly, the metric dimension, retries, bad points, and the SDK."""

from __future__ import annotations

import math

from opentelemetry.exporter.otlp.proto.common import metrics_encoder
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.sdk import metrics as sdk_metrics
from opentelemetry.sdk import resources
from opentelemetry.sdk.metrics import export as metric_export

from ollygraph import codecs
from tests.ingest import storekit as kit

POINT = "time_unix_nano, start_time_unix_nano, flags, exemplars, metric_id, point_pk"


def request(metrics: list[metrics_pb2.Metric]):
    return metrics_service_pb2.ExportMetricsServiceRequest(resource_metrics=[
        metrics_pb2.ResourceMetrics(
            resource={"attributes": kit.kvs({"service.name": "metricsvc"})},
            scope_metrics=[metrics_pb2.ScopeMetrics(scope={"name": "meter"}, metrics=metrics)])])


def exemplars(now: int) -> list[metrics_pb2.Exemplar]:
    return [metrics_pb2.Exemplar(time_unix_nano=now - 1, as_double=math.nan,
                                 span_id=kit.span_id(), trace_id=kit.trace_id(),
                                 filtered_attributes=kit.kvs({"user": "u1", "n": 2})),
            metrics_pb2.Exemplar(time_unix_nano=now - 2, as_int=-(2**63))]


def expected_exemplars(items: list[metrics_pb2.Exemplar]) -> list[dict]:
    out = []
    for e in items:
        item = {"timeUnixNano": str(e.time_unix_nano)}
        if e.WhichOneof("value") == "as_int":
            item["asInt"] = str(e.as_int)
        else:
            item["asDouble"] = kit.tagged(e.as_double)["doubleValue"]
        if e.span_id:
            item["spanId"], item["traceId"] = e.span_id.hex(), e.trace_id.hex()
        if e.filtered_attributes:
            item["filteredAttributes"] = [{"key": kv.key, "value": kit.tagged(
                kit.tagged_to_python_value(kv.value))} for kv in e.filtered_attributes]
        out.append(item)
    return out


def every_kind(name: str) -> list[metrics_pb2.Metric]:
    now = kit.now_ns()
    common = dict(time_unix_nano=now, start_time_unix_nano=now - 10**9, flags=1,
                  exemplars=exemplars(now),
                  attributes=kit.kvs({"method": "GET", "code": 200, "flag": True}))
    meta = kit.kvs({"source": "hand", "level": 3})
    return [
        metrics_pb2.Metric(name=f"{name}.gauge", description="g", unit="1", metadata=meta,
                           gauge={"data_points": [
                               metrics_pb2.NumberDataPoint(as_int=2**63 - 1, **common),
                               metrics_pb2.NumberDataPoint(
                                   as_double=-math.inf, **{**common, "time_unix_nano": now + 1})]}),
        metrics_pb2.Metric(name=f"{name}.sum", unit="By", sum={
            "aggregation_temporality": 1, "is_monotonic": True,
            "data_points": [metrics_pb2.NumberDataPoint(as_double=3.25, **common)]}),
        metrics_pb2.Metric(name=f"{name}.hist", unit="ms", histogram={
            "aggregation_temporality": 2, "data_points": [metrics_pb2.HistogramDataPoint(
                count=6, sum=12.5, min=0.5, max=9.0, bucket_counts=[1, 2, 3],
                explicit_bounds=[1.0, 5.0], **common),
                metrics_pb2.HistogramDataPoint(count=0, **{**common, "time_unix_nano": now + 2})]}),
        metrics_pb2.Metric(name=f"{name}.exp", exponential_histogram={
            "aggregation_temporality": 1, "data_points": [metrics_pb2.ExponentialHistogramDataPoint(
                count=9, sum=4.0, scale=-3, zero_count=2, zero_threshold=1e-9, min=-1.0, max=7.0,
                positive={"offset": -2, "bucket_counts": [1, 0, 4]},
                negative={"offset": 5, "bucket_counts": [2]}, **common)]}),
        metrics_pb2.Metric(name=f"{name}.summary", summary={"data_points": [
            metrics_pb2.SummaryDataPoint(
                count=4, sum=10.0, quantile_values=[{"quantile": 0.5, "value": 2.0},
                                                    {"quantile": 0.99, "value": 4.5}],
                **{k: v for k, v in common.items() if k != "exemplars"})]}),
    ]


def points(conn, table: str, metric_name: str, columns: str) -> list[tuple]:
    return kit.rows(conn, f"SELECT {POINT}, {columns} FROM otel_metrics_data_points_{table} AS p "
                          "JOIN otel_metrics_dim AS m USING (metric_id) WHERE m.name = %s "
                          "ORDER BY time_unix_nano", metric_name)


def assert_common(conn, row: tuple, p, owner: str) -> None:
    sent = getattr(p, "exemplars", ())  # summaries have none
    assert row[:4] == (p.time_unix_nano, p.start_time_unix_nano, p.flags,
                       expected_exemplars(sent) if len(sent) else None)
    attrs, _ = kit.stored_attributes(conn, owner, "point_pk = %s AND time_unix_nano = %s",
                                     row[5], row[0])
    assert attrs == kit.expected_attributes(p.attributes)


def assert_metrics_stored(conn, metrics: list[metrics_pb2.Metric]) -> None:
    for m in metrics:
        data = m.WhichOneof("data")
        body = getattr(m, data)
        (dim,) = kit.rows(conn, "SELECT m.description, m.unit, t.name, "
                                "m.aggregation_temporality_id, m.is_monotonic, m.metadata "
                                "FROM otel_metrics_dim AS m JOIN metric_types AS t "
                                "USING (metric_type_id) WHERE m.name = %s", m.name)
        assert dim == (m.description, m.unit,
                       {"exponential_histogram": "EXPONENTIAL_HISTOGRAM"}.get(data, data.upper()),
                       getattr(body, "aggregation_temporality", None),
                       body.is_monotonic if data == "sum" else None,
                       kit.expected_attributes(m.metadata) if len(m.metadata) else None)
        if data in ("gauge", "sum"):
            rows = points(conn, "number", m.name, "value_int, value_double")
            for row, p in zip(rows, body.data_points, strict=True):
                assert_common(conn, row, p, "metric_number")
                which = p.WhichOneof("value")
                assert row[6:] == (p.as_int if which == "as_int" else None,
                                   p.as_double if which == "as_double" else None)
        elif data == "histogram":
            rows = points(conn, "histogram", m.name,
                          "count, sum, min, max, explicit_bounds, bucket_counts")
            for row, p in zip(rows, body.data_points, strict=True):
                assert_common(conn, row, p, "metric_histogram")
                assert row[6:] == (p.count, *_optional(p, "sum", "min", "max"),
                                   list(p.explicit_bounds), list(p.bucket_counts))
        elif data == "exponential_histogram":
            rows = points(conn, "exp_histogram", m.name,
                          "count, sum, min, max, scale, zero_count, zero_threshold, "
                          "positive_offset, positive_bucket_counts, negative_offset, "
                          "negative_bucket_counts")
            for row, p in zip(rows, body.data_points, strict=True):
                assert_common(conn, row, p, "metric_exp_histogram")
                assert row[6:] == (p.count, *_optional(p, "sum", "min", "max"), p.scale,
                                   p.zero_count, p.zero_threshold, p.positive.offset,
                                   list(p.positive.bucket_counts), p.negative.offset,
                                   list(p.negative.bucket_counts))
        else:
            rows = points(conn, "summary", m.name, "count, sum, quantiles, quantile_values")
            for row, p in zip(rows, body.data_points, strict=True):
                assert_common(conn, row, p, "metric_summary")
                assert row[6:] == (p.count, p.sum, [q.quantile for q in p.quantile_values],
                                   [q.value for q in p.quantile_values])


def _optional(p, *names: str) -> list:
    return [getattr(p, n) if p.HasField(n) else None for n in names]


async def test_every_point_kind_is_stored_exactly(database_url, module_schema):
    metrics = every_kind("exact")
    async with kit.started(database_url, module_schema) as p:
        assert await p.export("metrics", request(metrics)) == (0, "")
    with kit.connect(database_url, module_schema) as conn:
        assert_metrics_stored(conn, metrics)
        _, promoted = kit.stored_attributes(conn, "metric_number", "true")
        assert promoted == {"method"}


async def test_retried_points_add_nothing(database_url, module_schema):
    metrics = every_kind("retry")
    async with kit.started(database_url, module_schema) as p:
        for _ in range(3):
            await p.export("metrics", request(metrics))
    with kit.connect(database_url, module_schema) as conn:
        assert kit.rows(conn, "SELECT count(*) FROM otel_metrics_dim WHERE name LIKE 'retry.%%'"
                        ) == [(5,)]
        counts = kit.rows(conn, """
            SELECT (SELECT count(*) FROM otel_metrics_data_points_number AS p JOIN otel_metrics_dim
                    USING (metric_id) WHERE name LIKE 'retry.%%'),
                   (SELECT count(*) FROM otel_metrics_data_points_histogram AS p
                    JOIN otel_metrics_dim USING (metric_id) WHERE name LIKE 'retry.%%')""")
        assert counts == [(3, 2)]


async def test_points_of_one_series_share_their_attributes_hash(database_url, module_schema):
    now = kit.now_ns()

    def point(i: int, attributes: dict) -> metrics_pb2.NumberDataPoint:
        return metrics_pb2.NumberDataPoint(time_unix_nano=now + i, as_int=i,
                                           attributes=kit.kvs(attributes))

    series = [point(0, {"a": "x", "n": 1}), point(1, {"a": "y", "n": 1}),
              point(2, {"n": 1, "a": "x"}), point(3, {"a": "x", "n": 1}), point(4, {})]
    metric = metrics_pb2.Metric(name="series.hash", gauge={"data_points": series})
    async with kit.started(database_url, module_schema) as p:
        await p.export("metrics", request([metric]))
        await p.export("metrics", request([metric]))  # a retry: the same points again
    with kit.connect(database_url, module_schema) as conn:
        hashes = [r[6] for r in points(conn, "number", "series.hash", "attributes_hash")]
    expected = [codecs.canonical_hash(codecs.keyvalues_to_tagged(p.attributes)) for p in series]
    assert hashes == expected
    assert hashes[0] == hashes[2] == hashes[3] and len(set(hashes)) == 3


async def test_bad_points_are_rejected_one_by_one(database_url, module_schema):
    now = kit.now_ns()
    good = metrics_pb2.NumberDataPoint(time_unix_nano=now, as_int=1)
    bad = metrics_pb2.NumberDataPoint(time_unix_nano=now + 1, as_int=2,
                                      attributes=kit.kvs({"k": "\x00"}))
    metrics = [metrics_pb2.Metric(name="bad.points", gauge={"data_points": [bad, good]}),
               metrics_pb2.Metric(name="bad\x00name", gauge={"data_points": [good, good]})]
    async with kit.started(database_url, module_schema) as p:
        result = await p.export("metrics", request(metrics))
    assert result.rejected == 3 and "NUL" in result.message
    with kit.connect(database_url, module_schema) as conn:
        assert [r[6] for r in points(conn, "number", "bad.points", "value_int")] == [1]


async def test_sdk_metrics_round_trip(database_url, module_schema):
    reader = metric_export.InMemoryMetricReader()
    provider = sdk_metrics.MeterProvider(
        metric_readers=[reader],
        resource=resources.Resource.create({"service.name": "sdk-metrics"}))
    meter = provider.get_meter("sdk.meter", "1.0")
    counter = meter.create_counter("sdk.requests", unit="1", description="requests")
    histogram = meter.create_histogram("sdk.latency", unit="ms")
    gauge = meter.create_up_down_counter("sdk.queue")
    for i in range(5):
        counter.add(1, {"method": "GET", "endpoint": "/a"})
        histogram.record(i * 10.5, {"endpoint": "/a"})
        gauge.add(-1 if i % 2 else 2, {"q": "jobs"})
    req = metrics_encoder.encode_metrics(reader.get_metrics_data())
    provider.shutdown()
    metrics = [m for rm in req.resource_metrics for sm in rm.scope_metrics for m in sm.metrics]
    assert {m.name for m in metrics} == {"sdk.requests", "sdk.latency", "sdk.queue"}
    async with kit.started(database_url, module_schema) as p:
        assert await p.export("metrics", req) == (0, "")
    with kit.connect(database_url, module_schema) as conn:
        assert_metrics_stored(conn, metrics)
