"""OTLP requests that use every field the store keeps, built by hand (times relative to
`base_ns`, so each test has its own window)."""

from __future__ import annotations

import os
from typing import Any

from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2

# keys the override file promotes to the bool and bytes tables (the base config has none)
OVERRIDES = """
promote:
  resource: {bool: [x.bool], bytes: [x.bytes]}
  scope: {bool: [x.bool], bytes: [x.bytes]}
  spans: {bool: [x.bool], bytes: [x.bytes]}
  logs: {bool: [x.bool], bytes: [x.bytes]}
  metrics: {bool: [x.bool], bytes: [x.bytes], int: [x.int], double: [x.double]}
"""


def value(v: Any) -> common_pb2.AnyValue:
    if v is None:
        return common_pb2.AnyValue()
    if isinstance(v, bool):
        return common_pb2.AnyValue(bool_value=v)
    if isinstance(v, int):
        return common_pb2.AnyValue(int_value=v)
    if isinstance(v, float):
        return common_pb2.AnyValue(double_value=v)
    if isinstance(v, str):
        return common_pb2.AnyValue(string_value=v)
    if isinstance(v, bytes):
        return common_pb2.AnyValue(bytes_value=v)
    if isinstance(v, list):
        return common_pb2.AnyValue(array_value=common_pb2.ArrayValue(values=[value(x) for x in v]))
    return common_pb2.AnyValue(kvlist_value=common_pb2.KeyValueList(values=kvs(v)))


def kvs(d: dict[str, Any]) -> list[common_pb2.KeyValue]:
    return [common_pb2.KeyValue(key=k, value=value(v)) for k, v in d.items()]


# promoted (typed tables) and not promoted (JSONB) values of every kind
ATTRIBUTES = {
    "http.method": "GET", "http.status_code": 503, "http.response.size": 12.5,
    "x.bool": True, "x.bytes": b"\x00\xffraw", "x.int": -(2**63), "x.double": 1e-300,
    "plain.string": "ünïcode ✓", "plain.int": 2**63 - 1, "plain.double": -2.5e300,
    "plain.bool": False, "plain.bytes": b"\x01\x02", "plain.empty": None,
    "plain.array": [1, "two", 3.0, True, b"4", [5, {"six": 6}], None],
    "plain.kvlist": {"a": {"b": [1, 2]}, "c": "d", "e": None},
}


def resource(service: str) -> dict[str, Any]:
    return {"attributes": kvs({"service.name": service, "service.port": 8080,
                               "x.bool": False, "x.bytes": b"r", "host.labels": ["a", "b"]}),
            "dropped_attributes_count": 3,
            "entity_refs": [{"schema_url": "https://schema/entities", "type": "service",
                             "id_keys": ["service.name"], "description_keys": ["x.bool"]},
                            {"type": "host", "id_keys": ["host.labels", "x.bytes"]}]}


def scope(name: str) -> dict[str, Any]:
    return {"name": name, "version": "1.2.3", "attributes": kvs({"x.bool": True, "k": 1}),
            "dropped_attributes_count": 1}


def ids(n: int) -> tuple[bytes, bytes]:
    return os.urandom(16), n.to_bytes(8, "big")


def traces(service: str, base_ns: int, n: int = 6) -> trace_service_pb2.ExportTraceServiceRequest:
    trace_id = os.urandom(16)
    spans = []
    for i in range(n):
        start = base_ns + i * 1_000_000
        span = {
            "trace_id": trace_id, "span_id": (i + 1).to_bytes(8, "big"),
            "parent_span_id": b"" if i == 0 else (1).to_bytes(8, "big"),
            "trace_state": "vendor=1,other=x" if i % 2 else "", "flags": 0x101 if i % 2 else 1,
            "name": f"op-{i}", "kind": i % 6, "start_time_unix_nano": start,
            "end_time_unix_nano": start + 5_000_000 + i,
            "attributes": kvs({**ATTRIBUTES, "i": i}) if i < 3 else kvs({"i": i}),
            "dropped_attributes_count": i, "dropped_events_count": 2 * i,
            "dropped_links_count": 3 * i,
            "status": {"code": i % 3, "message": "boom" if i % 3 == 2 else ""},
            "events": [{"time_unix_nano": start + j, "name": f"ev-{j}",
                        "attributes": kvs({"j": j, "exception.type": "E", "x.bool": True}),
                        "dropped_attributes_count": j} for j in range(i % 3)],
            "links": [{"trace_id": os.urandom(16), "span_id": os.urandom(8),
                       "trace_state": "l=1" if j else "", "flags": j,
                       "attributes": kvs({"link.j": j, "x.bytes": b"l"}),
                       "dropped_attributes_count": j} for j in range(i % 2 + (i == 4))],
        }
        spans.append(span)
    return trace_service_pb2.ExportTraceServiceRequest(resource_spans=[
        {"resource": resource(service), "schema_url": "https://opentelemetry.io/schemas/1.21.0",
         "scope_spans": [
             {"scope": scope("lib.a"), "schema_url": "https://scope/1", "spans": spans[:4]},
             {"scope": {"name": "lib.b"}, "spans": spans[4:]}]},
        {"resource": {"attributes": kvs({"service.name": service + "-other"})},
         "scope_spans": [{"scope": scope("lib.c"), "spans": traces_other(base_ns)}]}])


def traces_other(base_ns: int) -> list[dict[str, Any]]:
    trace_id = os.urandom(16)
    return [{"trace_id": trace_id, "span_id": os.urandom(8), "name": "lonely",
             "start_time_unix_nano": base_ns + 7, "end_time_unix_nano": base_ns + 9}]


def logs(service: str, base_ns: int) -> logs_service_pb2.ExportLogsServiceRequest:
    bodies = ["text", 42, 2.5, True, b"\x00b", ["a", 1, {"k": [None]}], {"msg": "m", "n": 1},
              None]
    records = []
    for i, body in enumerate(bodies):
        record: dict[str, Any] = {
            "time_unix_nano": base_ns + i if i != 3 else 0,
            "observed_time_unix_nano": base_ns + 100 + i, "severity_number": i * 3,
            "severity_text": f"S{i}" if i % 2 else "", "flags": i,
            "attributes": kvs({**ATTRIBUTES, "log.line": i}) if i < 2 else kvs({"n": i}),
            "dropped_attributes_count": i, "event_name": "ev.name" if i == 2 else ""}
        if body is not None:
            record["body"] = value(body)
        if i % 2:
            record["trace_id"], record["span_id"] = os.urandom(16), os.urandom(8)
        records.append(record)
    return logs_service_pb2.ExportLogsServiceRequest(resource_logs=[
        {"resource": resource(service), "schema_url": "https://schema/logs",
         "scope_logs": [{"scope": scope("log.lib"), "schema_url": "https://s",
                         "log_records": records[:5]},
                        {"scope": {}, "log_records": records[5:]}]}])


def exemplars(base_ns: int) -> list[dict[str, Any]]:
    return [{"time_unix_nano": base_ns + 1, "as_double": 0.25, "span_id": os.urandom(8),
             "trace_id": os.urandom(16),
             "filtered_attributes": kvs({"f": "v", "g": [1, 2], "h": 1.5})},
            {"time_unix_nano": base_ns + 2, "as_int": -7}]


def metrics(service: str, base_ns: int) -> metrics_service_pb2.ExportMetricsServiceRequest:
    point = {"start_time_unix_nano": base_ns - 1000, "time_unix_nano": base_ns}
    attrs = kvs({"endpoint": "/a", "x.int": 5, "x.double": 0.5, "x.bool": True,
                 "x.bytes": b"m", "deep": {"l": [1.5, "x"]}})
    meta = kvs({"meta.k": "v", "meta.n": 3})
    metric_list = [
        metrics_pb2.Metric(name="g.int", unit="1", description="gauge", metadata=meta,
                           gauge={"data_points": [
                               {**point, "as_int": -5, "attributes": attrs, "flags": 1,
                                "exemplars": exemplars(base_ns)},
                               {**point, "time_unix_nano": base_ns + 1, "as_double": 3.25}]}),
        metrics_pb2.Metric(name="s.mono", unit="By", sum={
            "aggregation_temporality": 2, "is_monotonic": True,
            "data_points": [{**point, "as_double": 1e20, "attributes": attrs}]}),
        metrics_pb2.Metric(name="s.delta", sum={
            "aggregation_temporality": 1, "is_monotonic": False,
            "data_points": [{**point, "as_int": 9}]}),
        metrics_pb2.Metric(name="h", unit="ms", histogram={
            "aggregation_temporality": 1, "data_points": [
                {**point, "count": 6, "sum": 21.5, "min": 0.5, "max": 9.0,
                 "explicit_bounds": [1.0, 5.0], "bucket_counts": [1, 3, 2], "attributes": attrs,
                 "exemplars": exemplars(base_ns)},
                {**point, "time_unix_nano": base_ns + 5, "count": 0, "explicit_bounds": [],
                 "bucket_counts": []}]}),
        metrics_pb2.Metric(name="eh", exponential_histogram={
            "aggregation_temporality": 2, "data_points": [
                {**point, "count": 10, "sum": 3.5, "min": 0.1, "max": 2.0, "scale": -3,
                 "zero_count": 2, "zero_threshold": 1e-9,
                 "positive": {"offset": -2, "bucket_counts": [1, 0, 4]},
                 "negative": {"offset": 1, "bucket_counts": [3]}, "attributes": attrs,
                 "exemplars": exemplars(base_ns)},
                {**point, "time_unix_nano": base_ns + 3, "count": 0, "scale": 2}]}),
        metrics_pb2.Metric(name="sm", description="summary", summary={"data_points": [
            {**point, "count": 4, "sum": 10.0, "attributes": attrs, "flags": 1,
             "quantile_values": [{"quantile": 0.0, "value": 1.0},
                                 {"quantile": 0.99, "value": 4.0}]}]}),
    ]
    return metrics_service_pb2.ExportMetricsServiceRequest(resource_metrics=[
        {"resource": resource(service), "schema_url": "https://schema/m",
         "scope_metrics": [{"scope": scope("meter"), "schema_url": "https://ms",
                            "metrics": metric_list[:4]},
                           {"scope": scope("meter2"), "metrics": metric_list[4:]}]}])
