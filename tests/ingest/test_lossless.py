"""Valid OTLP is stored as sent, over a running `ollygraph ingest`: open enum values and
uint32 counts kept, what the store truly cannot hold refused item by item (never a failed
export), identical items of one request kept apart while retries add nothing, the same
item in another valid encoding stored once, and resource entity refs kept."""

from __future__ import annotations

import uuid

import grpc
import httpx
import pytest
from google.protobuf import descriptor, message
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.logs.v1 import logs_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.resource.v1 import resource_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

from ingest import signals
from tests.ingest import receiver
from tests.ingest import storekit as kit

U32_MAX, U64_MAX, I32_MAX, I32_MIN = 2**32 - 1, 2**64 - 1, 2**31 - 1, -(2**31)
LOGS, TRACES, METRICS = (signals.BY_NAME[n] for n in ("logs", "traces", "metrics"))
PROTOBUF = {"content-type": "application/x-protobuf"}


@pytest.fixture
def channel(ingest):
    with grpc.insecure_channel(ingest.grpc_target) as chan:
        yield chan


def export(channel: grpc.Channel, signal: signals.Signal, request: message.Message | bytes):
    """One gRPC export (a message, or its bytes as they are); returns the response."""
    call = channel.unary_unary(
        signal.grpc_method,
        request_serializer=lambda m: m if isinstance(m, bytes) else m.SerializeToString(),
        response_deserializer=signal.response.FromString)
    return call(request, timeout=30)


def service() -> str:
    return "lossless-" + uuid.uuid4().hex[:8]


def resource(name: str, **fields) -> resource_pb2.Resource:
    return resource_pb2.Resource(attributes=kit.kvs({"service.name": name}), **fields)


def logs_request(name: str, records: list[logs_pb2.LogRecord], **resource_fields):
    return logs_service_pb2.ExportLogsServiceRequest(resource_logs=[logs_pb2.ResourceLogs(
        resource=resource(name, **resource_fields), scope_logs=[logs_pb2.ScopeLogs(
            scope=common_pb2.InstrumentationScope(name="lossless"), log_records=records)])])


def log(body: str | common_pb2.AnyValue = "hello", **fields) -> logs_pb2.LogRecord:
    now = kit.now_ns()
    values = dict(time_unix_nano=now, observed_time_unix_nano=now, severity_number=9,
                  body=body if isinstance(body, common_pb2.AnyValue) else kit.value(body),
                  attributes=kit.kvs({"k": "v", "n": 1}))
    values.update(fields)
    return logs_pb2.LogRecord(**values)


def stored_logs(sql, schema: str, name: str, columns: str = "body") -> list[tuple]:
    return receiver.query(sql, schema, f"SELECT {columns} FROM otel_logs_fact AS l JOIN "
                          "otel_resources_dim USING (resource_id) WHERE service_name = %s "
                          "ORDER BY log_pk", name)


def test_open_enums_and_uint32_counts_are_stored_as_sent(channel, sql, module_schema):
    name, now = service(), kit.now_ns()
    trace_id, span_id = kit.trace_id(), kit.span_id()
    span = trace_pb2.Span(
        trace_id=trace_id, span_id=span_id, name="open", kind=7, start_time_unix_nano=now,
        end_time_unix_nano=now + 1, status=trace_pb2.Status(code=3, message="new code"),
        dropped_attributes_count=U32_MAX, dropped_events_count=U32_MAX,
        dropped_links_count=U32_MAX,
        events=[trace_pb2.Span.Event(time_unix_nano=now, name="e",
                                     dropped_attributes_count=U32_MAX)],
        links=[trace_pb2.Span.Link(trace_id=kit.trace_id(), span_id=kit.span_id(),
                                   dropped_attributes_count=U32_MAX)])
    # a resource and scope dropped count of 2^32-1 once failed the whole export (INTERNAL)
    traces = trace_service_pb2.ExportTraceServiceRequest(resource_spans=[
        trace_pb2.ResourceSpans(
            resource=resource(name, dropped_attributes_count=U32_MAX),
            scope_spans=[trace_pb2.ScopeSpans(
                scope=common_pb2.InstrumentationScope(name="s", dropped_attributes_count=U32_MAX),
                spans=[span])])])
    assert not export(channel, TRACES, traces).HasField("partial_success")
    assert receiver.query(
        sql, module_schema,
        "SELECT s.kind_id, s.status_code_id, s.dropped_attributes_count, "
        "s.dropped_events_count, s.dropped_links_count, e.dropped_attributes_count, "
        "l.dropped_attributes_count, r.dropped_attributes_count, c.dropped_attributes_count "
        "FROM otel_spans_fact AS s JOIN otel_span_events AS e USING (span_pk) "
        "JOIN otel_span_links AS l USING (span_pk) JOIN otel_resources_dim AS r "
        "USING (resource_id) JOIN otel_scopes_dim AS c USING (scope_id) "
        "WHERE s.trace_id = %s", trace_id) == [(7, 3, *[U32_MAX] * 7)]
    (view,) = receiver.query(sql, module_schema, "SELECT kind_name, status_name FROM "
                             "v_otel_spans_enriched WHERE trace_id = %s", trace_id.hex())
    assert view == (None, None)  # no name for a value this version does not know

    reply = export(channel, LOGS, logs_request(name, [
        log(severity_number=25, dropped_attributes_count=U32_MAX),
        log(severity_number=I32_MAX), log(severity_number=I32_MIN)]))
    assert not reply.HasField("partial_success")
    assert stored_logs(sql, module_schema, name, "severity_number, l.dropped_attributes_count"
                       ) == [(25, U32_MAX), (I32_MAX, 0), (I32_MIN, 0)]

    metric = metrics_pb2.Metric(name=f"{name}.sum", sum=metrics_pb2.Sum(
        aggregation_temporality=I32_MAX, is_monotonic=True,
        data_points=[metrics_pb2.NumberDataPoint(time_unix_nano=now, as_int=5)]))
    metrics = metrics_service_pb2.ExportMetricsServiceRequest(resource_metrics=[
        metrics_pb2.ResourceMetrics(resource=resource(name), scope_metrics=[
            metrics_pb2.ScopeMetrics(metrics=[metric])])])
    assert not export(channel, METRICS, metrics).HasField("partial_success")
    assert receiver.query(sql, module_schema,
                          "SELECT aggregation_temporality_id FROM otel_metrics_dim WHERE name = %s",
                          metric.name) == [(I32_MAX,)]
    assert receiver.number_points(sql, module_schema, metric.name)[0][:3] == (5, "SUM", None)


def test_what_the_store_cannot_hold_is_refused_alone(channel, ingest, sql, module_schema):
    name = service()
    strindex = common_pb2.AnyValue(string_value_strindex=3)  # profiles only
    bad = [log(strindex),
           log(attributes=[common_pb2.KeyValue(key="s", value=strindex)]),
           log(time_unix_nano=U64_MAX)]
    request = logs_request(name, [log("first"), *bad, log("last")])
    reply = export(channel, LOGS, request)
    assert reply.partial_success.rejected_log_records == 3
    assert "string_value_strindex" in reply.partial_success.error_message
    assert "2262-04-11" in reply.partial_success.error_message
    assert stored_logs(sql, module_schema, name) == [({"stringValue": "first"},),
                                                     ({"stringValue": "last"},)]
    # the same over OTLP/HTTP: 200 with the partial success, not a failed export
    other = service()
    reply = httpx.post(ingest.http_url + LOGS.http_path, headers=PROTOBUF, timeout=30,
                       content=logs_request(other, [bad[0], log("kept")]).SerializeToString())
    assert reply.status_code == 200
    assert LOGS.response.FromString(reply.content).partial_success.rejected_log_records == 1
    assert stored_logs(sql, module_schema, other) == [({"stringValue": "kept"},)]


def test_identical_items_of_a_request_are_each_stored_once(channel, sql, module_schema):
    name, now = service(), kit.now_ns()
    timed = log("same", time_unix_nano=now, observed_time_unix_nano=now)
    untimed = log("same untimed", time_unix_nano=0, observed_time_unix_nano=0)
    request = logs_request(name, [timed, timed, timed, untimed, untimed])
    point = metrics_pb2.NumberDataPoint(time_unix_nano=now, start_time_unix_nano=now - 10,
                                        as_int=1)
    metric = metrics_pb2.Metric(name=f"{name}.delta", sum=metrics_pb2.Sum(
        aggregation_temporality=1, data_points=[point, point]))
    metrics = metrics_service_pb2.ExportMetricsServiceRequest(resource_metrics=[
        metrics_pb2.ResourceMetrics(resource=resource(name), scope_metrics=[
            metrics_pb2.ScopeMetrics(metrics=[metric])])])
    for _ in range(3):  # the first export and two retries of it
        assert not export(channel, LOGS, request).HasField("partial_success")
        assert not export(channel, METRICS, metrics).HasField("partial_success")
    assert stored_logs(sql, module_schema, name) == [({"stringValue": "same"},)] * 3 + [
        ({"stringValue": "same untimed"},)] * 2
    assert len(receiver.number_points(sql, module_schema, metric.name)) == 2


def reordered(msg: message.Message) -> bytes:
    """`msg` encoded validly but unlike any protobuf library: every message's fields in
    reverse order of their numbers, at every depth (attributes' KeyValues included)."""
    out = []
    for field, value in reversed(msg.ListFields()):
        if field.type != descriptor.FieldDescriptor.TYPE_MESSAGE:
            single = msg.__class__()
            single.MergeFrom(msg)
            for other, _ in msg.ListFields():
                if other is not field:
                    single.ClearField(other.name)
            out.append(single.SerializeToString())
            continue
        items = [value] if isinstance(value, message.Message) else value
        for item in items:
            body = reordered(item)
            out.append(_varint(field.number << 3 | 2) + _varint(len(body)) + body)
    return b"".join(out)


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def test_another_valid_encoding_is_the_same_record(channel, sql, module_schema):
    name, now = service(), kit.now_ns()
    record = log("reordered", attributes=kit.kvs({"a": "x", "b": 2, "c": [1, "y"]}))
    point = metrics_pb2.NumberDataPoint(time_unix_nano=now, as_double=1.5,
                                        attributes=kit.kvs({"a": "x", "b": 2}))
    logs = logs_request(name, [record])
    metrics = metrics_service_pb2.ExportMetricsServiceRequest(resource_metrics=[
        metrics_pb2.ResourceMetrics(resource=resource(name), scope_metrics=[
            metrics_pb2.ScopeMetrics(metrics=[metrics_pb2.Metric(
                name=f"{name}.gauge", gauge=metrics_pb2.Gauge(data_points=[point]))])])])
    for request, signal in ((logs, LOGS), (metrics, METRICS)):
        other = reordered(request)
        assert other != request.SerializeToString()
        assert signal.request.FromString(other) == request  # the same message
        for payload in (request, other):
            assert not export(channel, signal, payload).HasField("partial_success")
    assert stored_logs(sql, module_schema, name) == [({"stringValue": "reordered"},)]
    assert len(receiver.number_points(sql, module_schema, f"{name}.gauge")) == 1


def test_entity_refs_are_stored_and_tell_resources_apart(channel, sql, module_schema):
    name = service()
    ref = common_pb2.EntityRef(schema_url="https://s", type="host", id_keys=["host.id"],
                               description_keys=["host.name", "host.arch"])
    for refs in ([], [ref]):
        request = logs_request(name, [log("with refs" if refs else "without")],
                               entity_refs=refs)
        assert not export(channel, LOGS, request).HasField("partial_success")
    assert stored_logs(sql, module_schema, name, "body, entity_refs") == [
        ({"stringValue": "without"}, None),
        ({"stringValue": "with refs"}, [{"schemaUrl": "https://s", "type": "host",
                                         "idKeys": ["host.id"],
                                         "descriptionKeys": ["host.name", "host.arch"]}])]
