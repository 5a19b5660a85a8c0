"""Extreme but valid OTLP values, sent as raw OTLP requests over gRPC to real ingest, read
back through the gateway over HTTP: the last day int64 nanoseconds reach and time 0, flags
of 0xFFFFFFFF, NaN/Infinity/-0.0 in metric numbers, exact integer exemplars, the typed
(tagged AnyValue) form of attribute maps, bodies and metadata, unset observed times, metric
metadata and the scope of metric points."""

from __future__ import annotations

import base64
import json
import math

import grpc
import httpx
import pytest
from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2 as logs_service
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2_grpc as logs_grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2 as metrics_service
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2_grpc as metrics_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2 as trace_service
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc as trace_grpc
from opentelemetry.proto.common.v1 import common_pb2 as common
from opentelemetry.proto.logs.v1 import logs_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.resource.v1 import resource_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

from gateway import scalars

pytestmark = pytest.mark.db

MAX_NS = 2**63 - 1
LAST_DAY = MAX_NS - 3_600 * 10**9          # 2262-04-11, an hour before int64 ends
INT_MAX, U32_MAX = 2**63 - 1, 0xFFFFFFFF
LATE_TRACE, EARLY_TRACE = bytes.fromhex("7f" * 16), bytes.fromhex("01" * 16)
SPAN_ID, LINKED_ID = bytes.fromhex("a1" * 8), bytes.fromhex("b2" * 8)


@pytest.fixture(scope="module")
def stack_env(tmp_path_factory) -> dict[str, str]:
    path = tmp_path_factory.mktemp("promotion") / "overrides.yaml"
    path.write_text(OVERRIDES)
    return {"OLLYGRAPH_ATTRIBUTE_OVERRIDES": str(path)}


def av(value: object) -> common.AnyValue:
    """A Python value as an AnyValue (bytes, bool, int, float, str, list, dict)."""
    if isinstance(value, bytes):
        return common.AnyValue(bytes_value=value)
    if isinstance(value, bool):
        return common.AnyValue(bool_value=value)
    if isinstance(value, int):
        return common.AnyValue(int_value=value)
    if isinstance(value, float):
        return common.AnyValue(double_value=value)
    if isinstance(value, list):
        return common.AnyValue(array_value=common.ArrayValue(values=[av(v) for v in value]))
    if isinstance(value, dict):
        return common.AnyValue(kvlist_value=common.KeyValueList(values=kvs(value)))
    return common.AnyValue(string_value=value)


def kvs(values: dict[str, object]) -> list[common.KeyValue]:
    return [common.KeyValue(key=k, value=av(v)) for k, v in values.items()]


# attribute values whose plain JSON loses their type, and what their typed form must be
# (-0.0 everywhere: a double column keeps it, the JSONB catch-all and log bodies keep it as
# OTLP/JSON's string "-0", since JSONB numbers have no negative zero)
EXTREME = {"x.nan": math.nan, "x.inf": -math.inf, "x.big": 1e16, "x.negzero": -0.0,
           "x.int": INT_MAX, "x.bytes": b"\x00\xffraw" * 30, "x.text": "NaN", "x.bool": False,
           "x.nested": [b"\x01\x02", {"deep": [math.inf, -1e-300]}, 1.5]}
TAGGED = {
    "x.nan": {"doubleValue": "NaN"}, "x.inf": {"doubleValue": "-Infinity"},
    "x.big": {"doubleValue": 1e16}, "x.negzero": {"doubleValue": -0.0},
    "x.int": {"intValue": str(INT_MAX)},
    "x.bytes": {"bytesValue": base64.b64encode(b"\x00\xffraw" * 30).decode()},
    "x.text": {"stringValue": "NaN"}, "x.bool": {"boolValue": False},
    "x.nested": {"arrayValue": {"values": [
        {"bytesValue": "AQI="},
        {"kvlistValue": {"values": [{"key": "deep", "value": {"arrayValue": {"values": [
            {"doubleValue": "Infinity"}, {"doubleValue": -1e-300}]}}}]}},
        {"doubleValue": 1.5}]}}}
# span attributes promoted to the typed double table (attribute-promotion.yaml); the
# module's stack also promotes the EXTREME scalars of spans (events, links) and metric points
# (OVERRIDES), so those come from the typed tables and the logs', resources' and scopes'
# from the JSONB catch-all
PROMOTED = {"gen_ai.usage.cost": -0.0, "http.request.size": math.nan}
OVERRIDES = """
promote:
  spans: &typed
    string: [x.text]
    int: [x.int]
    double: [x.nan, x.inf, x.big]
    bool: [x.bool]
    bytes: [x.bytes]
  metrics: *typed
"""
PROMOTED_TAGGED = {"gen_ai.usage.cost": {"doubleValue": -0.0},
                   "http.request.size": {"doubleValue": "NaN"}}
SPAN_TAGGED = {**TAGGED, **PROMOTED_TAGGED}


def exact(value: object) -> str:
    """JSON text that tells -0.0 from 0.0 (== does not) and 1.0 from 1."""
    return json.dumps(value, sort_keys=True)


ENTITY_REFS = [common.EntityRef(schema_url="https://opentelemetry.io/schemas/1.30.0",
                                 type="service", id_keys=["service.name", "x.int"],
                                 description_keys=["x.text"]),
               common.EntityRef(type="host", id_keys=["x.bytes"])]


def resource(service: str) -> resource_pb2.Resource:
    return resource_pb2.Resource(attributes=kvs({"service.name": service, **EXTREME}),
                                 entity_refs=ENTITY_REFS)


SCOPE = common.InstrumentationScope(name="lossless-scope", version="9.9",
                                    attributes=kvs({"scope.nan": math.nan}))


def send_traces(channel: grpc.Channel) -> None:
    late = trace_pb2.Span(
        trace_id=LATE_TRACE, span_id=SPAN_ID, name="last day", flags=U32_MAX,
        kind=trace_pb2.Span.SPAN_KIND_SERVER, start_time_unix_nano=LAST_DAY,
        end_time_unix_nano=MAX_NS, attributes=kvs({**EXTREME, **PROMOTED}),
        events=[trace_pb2.Span.Event(time_unix_nano=LAST_DAY + 1, name="late event",
                                     attributes=kvs({**EXTREME, **PROMOTED}))],
        links=[trace_pb2.Span.Link(trace_id=EARLY_TRACE, span_id=LINKED_ID, flags=U32_MAX,
                                   attributes=kvs({**EXTREME, **PROMOTED}))])
    early = trace_pb2.Span(trace_id=EARLY_TRACE, span_id=LINKED_ID, name="epoch",
                           start_time_unix_nano=0, end_time_unix_nano=1,
                           attributes=kvs({"x.int": -INT_MAX - 1}))
    request = trace_service.ExportTraceServiceRequest(resource_spans=[
        trace_pb2.ResourceSpans(resource=resource("lossless-traces"), scope_spans=[
            trace_pb2.ScopeSpans(scope=SCOPE, spans=[late, early])])])
    response = trace_grpc.TraceServiceStub(channel).Export(request, timeout=30)
    assert not response.partial_success.rejected_spans, response.partial_success


def send_logs(channel: grpc.Channel) -> None:
    records = [
        logs_pb2.LogRecord(time_unix_nano=LAST_DAY, observed_time_unix_nano=0, flags=U32_MAX,
                           severity_text="late", body=av(EXTREME), attributes=kvs(EXTREME),
                           trace_id=LATE_TRACE, span_id=SPAN_ID),
        logs_pb2.LogRecord(time_unix_nano=0, observed_time_unix_nano=1, severity_text="epoch",
                           body=av(-INT_MAX - 1)),
    ]
    request = logs_service.ExportLogsServiceRequest(resource_logs=[
        logs_pb2.ResourceLogs(resource=resource("lossless-logs"), scope_logs=[
            logs_pb2.ScopeLogs(scope=SCOPE, log_records=records)])])
    response = logs_grpc.LogsServiceStub(channel).Export(request, timeout=30)
    assert not response.partial_success.rejected_log_records, response.partial_success


def exemplars(t: int) -> list[metrics_pb2.Exemplar]:
    filtered = kvs({"ex.bytes": [b"\x00\x01"], "ex.kv": {"b": b"\xff"}, "ex.nan": math.nan})
    return [metrics_pb2.Exemplar(time_unix_nano=t, as_int=INT_MAX, filtered_attributes=filtered,
                                 trace_id=LATE_TRACE, span_id=SPAN_ID),
            metrics_pb2.Exemplar(time_unix_nano=t, as_double=math.nan)]


def send_metrics(channel: grpc.Channel, t0: int) -> None:
    number = [metrics_pb2.NumberDataPoint(time_unix_nano=t0 + i, start_time_unix_nano=t0 - 1,
                                          as_double=v, flags=U32_MAX,
                                          attributes=kvs({"i": i, **EXTREME}),
                                          exemplars=exemplars(t0) if i == 0 else [])
              for i, v in enumerate([math.nan, math.inf, -math.inf, -0.0])]
    number.append(metrics_pb2.NumberDataPoint(time_unix_nano=t0 + 4, as_int=INT_MAX,
                                              attributes=kvs({"i": 4})))
    histogram = metrics_pb2.HistogramDataPoint(
        time_unix_nano=t0, start_time_unix_nano=t0 - 1, count=3, sum=math.nan, min=-math.inf,
        max=math.inf, explicit_bounds=[-math.inf, -0.0, math.inf], bucket_counts=[1, 1, 1, 0])
    summary = metrics_pb2.SummaryDataPoint(
        time_unix_nano=t0, count=2, sum=-0.0, quantile_values=[
            metrics_pb2.SummaryDataPoint.ValueAtQuantile(quantile=0.5, value=math.nan),
            metrics_pb2.SummaryDataPoint.ValueAtQuantile(quantile=1.0, value=math.inf)])
    metrics = [
        metrics_pb2.Metric(name="lossless.gauge", gauge=metrics_pb2.Gauge(data_points=number),
                           metadata=kvs({"meta.int": INT_MAX, "meta.nan": math.nan})),
        metrics_pb2.Metric(name="lossless.histogram", histogram=metrics_pb2.Histogram(
            data_points=[histogram],
            aggregation_temporality=metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE)),
        metrics_pb2.Metric(name="lossless.summary",
                           summary=metrics_pb2.Summary(data_points=[summary])),
    ]
    request = metrics_service.ExportMetricsServiceRequest(resource_metrics=[
        metrics_pb2.ResourceMetrics(resource=resource("lossless-metrics"), scope_metrics=[
            metrics_pb2.ScopeMetrics(scope=SCOPE, metrics=metrics)])])
    response = metrics_grpc.MetricsServiceStub(channel).Export(request, timeout=30)
    assert not response.partial_success.rejected_data_points, response.partial_success


def send_json_metric(url: str, t0: int) -> None:
    """A gauge with exemplars over OTLP/HTTP as JSON (proto3 JSON: bytes as base64, int64 as
    strings, NaN as "NaN"; the exemplars carry no ids, whose OTLP/JSON form is hex)."""
    point = metrics_pb2.NumberDataPoint(time_unix_nano=t0, as_int=-INT_MAX - 1, exemplars=[
        metrics_pb2.Exemplar(time_unix_nano=t0, as_int=INT_MAX, filtered_attributes=kvs(
            {"ex.bytes": [b"\x00\x01"], "ex.kv": {"b": b"\xff"}})),
        metrics_pb2.Exemplar(time_unix_nano=t0, as_double=-math.inf)])
    request = metrics_service.ExportMetricsServiceRequest(resource_metrics=[
        metrics_pb2.ResourceMetrics(resource=resource("lossless-json"), scope_metrics=[
            metrics_pb2.ScopeMetrics(scope=SCOPE, metrics=[metrics_pb2.Metric(
                name="lossless.json", gauge=metrics_pb2.Gauge(data_points=[point]))])])])
    response = httpx.post(f"{url}/v1/metrics", content=json_format.MessageToJson(request),
                          headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 200, response.text
    assert "rejected" not in response.text, response.text


@pytest.fixture(scope="module")
def sent(stack) -> int:
    t0 = 1_700_000_000_000_000_000
    with grpc.insecure_channel(stack.otlp) as channel:
        send_traces(channel)
        send_logs(channel)
        send_metrics(channel, t0)
    send_json_metric(stack.otlp_http, t0)
    return t0


SPAN_FIELDS = """
  spanId name flags startTime startTimeUnixNano endTime
  attributes typed: attributes(typed: true) attribute(key: "x.int", typed: true)
  resource { attributes(keys: ["x.nan", "x.bytes"], typed: true)
             entityRefs { schemaUrl type idKeys descriptionKeys } }
  scope { name attributes(typed: true) }
  events { name timeUnixNano attributes(typed: true) }
  links { spanId flags attributes(typed: true) }
"""


def test_last_day_of_int64_nanoseconds(stack, sent) -> None:
    trace = stack.gql(f'query {{ trace(traceId: "{LATE_TRACE.hex()}") '
                      f'{{ spans {{ {SPAN_FIELDS} }} }} }}')
    (span,) = trace["trace"]["spans"]
    assert span["startTimeUnixNano"] == str(LAST_DAY)
    assert span["startTime"] == scalars.format_timestamp(LAST_DAY)
    assert span["endTime"] == "2262-04-11T23:47:16.854775807Z"
    assert exact(span["typed"]) == exact(SPAN_TAGGED)
    assert span["attributes"]["x.int"] == INT_MAX and span["attributes"]["x.text"] == "NaN"
    assert span["attribute"] == {"intValue": str(INT_MAX)}
    assert span["resource"]["attributes"] == {"x.nan": {"doubleValue": "NaN"},
                                              "x.bytes": TAGGED["x.bytes"]}
    assert span["resource"]["entityRefs"] == [
        {"schemaUrl": "https://opentelemetry.io/schemas/1.30.0", "type": "service",
         "idKeys": ["service.name", "x.int"], "descriptionKeys": ["x.text"]},
        {"schemaUrl": "", "type": "host", "idKeys": ["x.bytes"], "descriptionKeys": []}]
    assert span["scope"]["name"] == "lossless-scope"
    assert span["scope"]["attributes"] == {"scope.nan": {"doubleValue": "NaN"}}
    assert span["attributes"]["x.nan"] == "NaN"      # plain JSON: readable, not exact
    assert span["attributes"]["x.bytes"] == TAGGED["x.bytes"]["bytesValue"]
    (event,) = span["events"]
    assert event["timeUnixNano"] == str(LAST_DAY + 1)
    assert exact(event["attributes"]) == exact(SPAN_TAGGED)
    (link,) = span["links"]
    assert link["spanId"] == LINKED_ID.hex()
    assert exact(link["attributes"]) == exact(SPAN_TAGGED)


def test_where_the_values_are_stored(stack, sent) -> None:
    """The spans' and points' scalars in typed tables, the logs' in the catch-all."""
    def promoted(scope: str) -> dict[str, bool]:
        keys = stack.gql(f'{{ attributeKeys(scope: {scope}, prefix: "x.") {{ key promoted }} }}')
        return {k["key"]: k["promoted"] for k in keys["attributeKeys"]}

    scalars_promoted = {"x.text", "x.int", "x.nan", "x.inf", "x.big", "x.bool", "x.bytes"}
    for scope in ("SPAN", "METRIC"):
        found = promoted(scope)
        assert {k for k, p in found.items() if p} == scalars_promoted, (scope, found)
    assert not any(promoted("LOG").values())


def test_unsigned_32_bit_flags(stack, sent) -> None:
    data = stack.gql(f'query {{ trace(traceId: "{LATE_TRACE.hex()}") '
                     '{ spans { flags links { flags } } } '
                     'logs(filter: {service: "lossless-logs"}) { nodes { flags } } }')
    (span,) = data["trace"]["spans"]
    assert span["flags"] == U32_MAX and span["links"][0]["flags"] == U32_MAX
    assert [n["flags"] for n in data["logs"]["nodes"]] == [U32_MAX, 0]


def test_time_zero(stack, sent) -> None:
    trace = stack.gql(f'query {{ trace(traceId: "{EARLY_TRACE.hex()}") '
                      '{ startTime spans { startTimeUnixNano attributes(typed: true) } } }')
    assert trace["trace"]["startTime"] == "1970-01-01T00:00:00Z"
    (span,) = trace["trace"]["spans"]
    assert span["startTimeUnixNano"] == "0"
    assert span["attributes"] == {"x.int": {"intValue": str(-INT_MAX - 1)}}


LOGS = """
query { logs(filter: {service: "lossless-logs"}) { nodes {
  severityText time timeUnixNano observedTime observedTimeUnixNano timestamp
  body typed: body(typed: true) attributes(typed: true)
  resource { attributes(keys: ["x.nested"], typed: true) }
} } }
"""


def test_logs_on_the_last_day_and_unset_observed_time(stack, sent) -> None:
    late, epoch = stack.gql(LOGS)["logs"]["nodes"]
    assert late["severityText"] == "late"
    assert late["time"] == scalars.format_timestamp(LAST_DAY)
    assert late["timeUnixNano"] == str(LAST_DAY)
    assert late["observedTime"] is None and late["observedTimeUnixNano"] == "0"
    assert late["timestamp"] == late["time"]
    assert exact(late["typed"]) == exact({"kvlistValue": {"values": [
        {"key": key, "value": value} for key, value in TAGGED.items()]}})
    assert late["body"]["x.int"] == INT_MAX and late["body"]["x.text"] == "NaN"
    assert exact(late["attributes"]) == exact(TAGGED)
    assert exact(late["resource"]["attributes"]) == exact({"x.nested": TAGGED["x.nested"]})
    assert epoch["time"] is None and epoch["timeUnixNano"] == "0"
    assert epoch["observedTime"] == "1970-01-01T00:00:00.000000001Z"
    assert epoch["observedTimeUnixNano"] == "1"
    assert epoch["typed"] == {"intValue": str(-INT_MAX - 1)} and epoch["body"] == -INT_MAX - 1


def _points(stack, name: str, fields: str) -> dict:
    query = (f'query {{ metric(name: "{name}") {{ name {fields} }} }}')
    return stack.gql(query)["metric"]


def test_gauge_numbers_exemplars_metadata_and_scope(stack, sent) -> None:
    metric = _points(stack, "lossless.gauge", """
      metadata plainMeta: metadata typed: metadata(typed: true)
      points(first: 10) { nodes { time value valueInt flags
        attributes(keys: ["i", "x.nan", "x.bytes"], typed: true)
        scope { name version attributes(typed: true) }
        exemplars { value valueInt traceId filteredAttributes
                    typedFiltered: filteredAttributes(typed: true) span { name } } } }""")
    assert metric["typed"] == {"meta.int": {"intValue": str(INT_MAX)},
                               "meta.nan": {"doubleValue": "NaN"}}
    assert metric["plainMeta"]["meta.int"] == INT_MAX
    nodes = list(reversed(metric["points"]["nodes"]))      # newest first
    assert exact([n["value"] for n in nodes]) == exact(
        ["NaN", "Infinity", "-Infinity", -0.0, float(INT_MAX)])
    assert nodes[4]["valueInt"] == str(INT_MAX) and nodes[0]["valueInt"] is None
    assert [n["flags"] for n in nodes] == [U32_MAX] * 4 + [0]
    assert exact(nodes[0]["attributes"]) == exact({
        "i": {"intValue": "0"}, "x.nan": {"doubleValue": "NaN"},
        "x.bytes": TAGGED["x.bytes"]})
    assert exact(nodes[0]["scope"]) == exact({
        "name": "lossless-scope", "version": "9.9",
        "attributes": {"scope.nan": {"doubleValue": "NaN"}}})
    integer, nan = nodes[0]["exemplars"]
    assert integer["valueInt"] == str(INT_MAX) and integer["traceId"] == LATE_TRACE.hex()
    assert integer["span"] == {"name": "last day"}
    assert integer["typedFiltered"] == {
        "ex.bytes": {"arrayValue": {"values": [{"bytesValue": "AAE="}]}},
        "ex.kv": {"kvlistValue": {"values": [{"key": "b", "value": {"bytesValue": "/w=="}}]}},
        "ex.nan": {"doubleValue": "NaN"}}
    assert integer["filteredAttributes"]["ex.bytes"] == ["AAE="]
    assert nan["value"] == "NaN" and nan["valueInt"] is None


def test_histogram_and_summary_non_finite_numbers(stack, sent) -> None:
    histogram = _points(stack, "lossless.histogram", """points { nodes {
      count sum min max explicitBounds bucketCounts } }""")["points"]["nodes"][0]
    assert exact(histogram) == exact({
        "count": "3", "sum": "NaN", "min": "-Infinity", "max": "Infinity",
        "explicitBounds": ["-Infinity", -0.0, "Infinity"], "bucketCounts": ["1", "1", "1", "0"]})
    summary = _points(stack, "lossless.summary", """points { nodes {
      count sum quantiles quantileValues } }""")["points"]["nodes"][0]
    assert exact(summary) == exact({"count": "2", "sum": -0.0, "quantiles": [0.5, 1.0],
                                    "quantileValues": ["NaN", "Infinity"]})


def test_exemplars_sent_as_otlp_json(stack, sent) -> None:
    response = stack.http.post("/graphql", json={"query": """
      { metric(name: "lossless.json") { points { nodes { value valueInt exemplars {
          value valueInt filteredAttributes typed: filteredAttributes(typed: true) } } } } }"""})
    assert response.status_code == 200, response.text
    (point,) = response.json()["data"]["metric"]["points"]["nodes"]
    assert point["valueInt"] == str(-INT_MAX - 1) and point["value"] == float(-INT_MAX - 1)
    integer, infinite = point["exemplars"]
    assert integer["valueInt"] == str(INT_MAX) and integer["value"] == float(INT_MAX)
    assert integer["filteredAttributes"] == {"ex.bytes": ["AAE="], "ex.kv": {"b": "/w=="}}
    assert integer["typed"] == {
        "ex.bytes": {"arrayValue": {"values": [{"bytesValue": "AAE="}]}},
        "ex.kv": {"kvlistValue": {"values": [{"key": "b", "value": {"bytesValue": "/w=="}}]}}}
    assert infinite == {"value": "-Infinity", "valueInt": None, "filteredAttributes": {},
                        "typed": {}}


@pytest.mark.parametrize("aggregation", ["MAX", "MIN", "LAST", "AVG"])
def test_series_steps_carry_non_finite_numbers(stack, sent, aggregation) -> None:
    """One series per point (their attribute i differs): each step is the point's value."""
    time_range = {"from": scalars.format_timestamp(sent - 60 * 10**9),
                  "to": scalars.format_timestamp(sent + 60 * 10**9)}
    series = stack.gql("""query ($range: TimeRange, $agg: Aggregation) {
      metric(name: "lossless.gauge") { series(timeRange: $range, step: "1m",
                                              aggregation: $agg) { points { value } } } }""",
                       range=time_range, agg=aggregation)["metric"]["series"]
    values = [p["value"] for s in series for p in s["points"] if p["value"] is not None]
    assert exact(sorted(values, key=str)) == exact(
        sorted(["NaN", "Infinity", "-Infinity", -0.0, float(INT_MAX)], key=str))


def test_lists_over_the_whole_time_range(stack, sent) -> None:
    """Time ranges that end at int64's last nanosecond or start at 0, and pages through them."""
    query = """query ($range: TimeRange, $after: String) {
      traces(filter: {timeRange: $range, service: "lossless-traces"}) { nodes { traceId } }
      spans(filter: {timeRange: $range, service: "lossless-traces"}, first: 1, after: $after) {
        nodes { name attributes(keys: ["x.int"], typed: true) } pageInfo { endCursor } }
      logs(filter: {timeRange: $range, service: "lossless-logs"}) { nodes { severityText } }
    }"""
    whole = {"from": "1970-01-01T00:00:00Z", "to": scalars.format_timestamp(MAX_NS)}
    first = stack.gql(query, range=whole)
    assert {t["traceId"] for t in first["traces"]["nodes"]} == {LATE_TRACE.hex(),
                                                              EARLY_TRACE.hex()}
    assert [s["name"] for s in first["spans"]["nodes"]] == ["last day"]
    assert first["spans"]["nodes"][0]["attributes"] == {"x.int": {"intValue": str(INT_MAX)}}
    second = stack.gql(query, range=whole, after=first["spans"]["pageInfo"]["endCursor"])
    assert [s["name"] for s in second["spans"]["nodes"]] == ["epoch"]
    assert [n["severityText"] for n in first["logs"]["nodes"]] == ["late", "epoch"]
    last_day = stack.gql(query, range={"from": "2262-04-11T00:00:00Z"})
    assert [s["name"] for s in last_day["spans"]["nodes"]] == ["last day"]
    assert [n["severityText"] for n in last_day["logs"]["nodes"]] == ["late"]


def test_negative_zero_in_the_catch_all_is_a_number(stack, sent) -> None:
    """-0.0 in the JSONB catch-all reads back as -0.0 in plain JSON too, and attribute
    filters treat it as the number 0."""
    def log_severities(condition: str) -> list[str]:
        found = stack.gql(f"{{ logs(filter: {{attributes: [{condition}]}}, first: 10) "
                          "{ nodes { severityText attributes(keys: [\"x.negzero\"]) } } }")
        nodes = found["logs"]["nodes"]
        assert all(exact(n["attributes"]) == exact({"x.negzero": -0.0}) for n in nodes)
        return [n["severityText"] for n in nodes]

    assert log_severities('{key: "x.negzero", value: 0}') == ["late"]
    assert log_severities('{key: "x.negzero", op: GTE, value: -0.5}') == ["late"]
    assert log_severities('{key: "x.negzero", op: LT, value: 0}') == []
    assert log_severities('{key: "x.negzero", op: IN, values: [0.0, 3]}') == ["late"]
    assert log_severities('{key: "x.negzero", value: "-0"}') == []


def test_open_enum_values_keep_their_numbers(stack, sent) -> None:
    """proto3 enums are open: values this version does not know read as UNSPECIFIED/UNSET in
    the enum fields and keep their number in the numeric siblings; exemplar times exact."""
    trace_id = bytes.fromhex("5e" * 16)
    span = trace_pb2.Span(trace_id=trace_id, span_id=SPAN_ID, name="open enums", kind=7,
                          start_time_unix_nano=sent, end_time_unix_nano=sent + 1,
                          status=trace_pb2.Status(code=3, message="three"))
    metric = metrics_pb2.Metric(name="lossless.open.sum", sum=metrics_pb2.Sum(
        aggregation_temporality=9, is_monotonic=True, data_points=[metrics_pb2.NumberDataPoint(
            time_unix_nano=sent, as_int=1, exemplars=[metrics_pb2.Exemplar(as_int=2)])]))
    log = logs_pb2.LogRecord(time_unix_nano=sent, severity_number=25, severity_text="open")
    with grpc.insecure_channel(stack.otlp) as channel:
        trace_grpc.TraceServiceStub(channel).Export(trace_service.ExportTraceServiceRequest(
            resource_spans=[trace_pb2.ResourceSpans(resource=resource("open-enums"),
                                                    scope_spans=[{"spans": [span]}])]))
        metrics_grpc.MetricsServiceStub(channel).Export(
            metrics_service.ExportMetricsServiceRequest(resource_metrics=[
                metrics_pb2.ResourceMetrics(resource=resource("open-enums"),
                                            scope_metrics=[{"metrics": [metric]}])]))
        logs_grpc.LogsServiceStub(channel).Export(logs_service.ExportLogsServiceRequest(
            resource_logs=[logs_pb2.ResourceLogs(resource=resource("open-enums"),
                                                 scope_logs=[{"log_records": [log]}])]))
    data = stack.gql(f'{{ trace(traceId: "{trace_id.hex()}") {{ spans {{ kind kindNumber '
                     'status { code codeNumber message } } } '
                     'metric(name: "lossless.open.sum") { temporality temporalityNumber '
                     'points { nodes { exemplars { time timeUnixNano valueInt } } } } '
                     'logs(filter: {service: "open-enums"}) { nodes { severityNumber } } }')
    assert data["trace"]["spans"] == [{"kind": "UNSPECIFIED", "kindNumber": 7, "status": {
        "code": "UNSET", "codeNumber": 3, "message": "three"}}]
    assert data["metric"]["temporality"] == "UNSPECIFIED"
    assert data["metric"]["temporalityNumber"] == 9
    assert data["metric"]["points"]["nodes"] == [{"exemplars": [
        {"time": None, "timeUnixNano": "0", "valueInt": "2"}]}]
    assert data["logs"]["nodes"] == [{"severityNumber": 25}]
