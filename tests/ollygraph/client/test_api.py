"""ollygraph.client against the real processes: known telemetry sent through the
OpenTelemetry SDK exporters comes back as DataFrames with exact rows and dtypes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import pandas as pd
import pyarrow as pa
import pytest
from opentelemetry import trace
from opentelemetry._logs import SeverityNumber
from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.metrics import Observation
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

from ollygraph.client import Client, GraphQLError
from tests.gateway.conftest import Stack

# ten minutes ago, on a whole second plus 123456789 ns
T0 = (time.time_ns() // 10**9 - 600) * 10**9 + 123_456_789
BIG = 2**62 + 1            # above 2**53: a float would round it
PAGED = 230                # spans of the pagination test: three pages of 100
STR = pd.Series([], dtype="str").dtype
UTC_NS = pd.DatetimeTZDtype("ns", "UTC")


def ts(unix_nano: int) -> pd.Timestamp:
    return pd.Timestamp(unix_nano, unit="ns", tz="UTC")


class Sent:
    trace_id: str
    root_id: str
    child_id: str
    paged_ids: set[str]


@pytest.fixture(scope="module")
def sent(stack: Stack) -> Iterator[Sent]:
    """A known trace (a server span, a failing client span and a log inside it), a trace
    of PAGED spans in groups of ten that start at the same nanosecond, and a gauge."""
    res = Resource.create({"service.name": "checkout", "deployment.environment": "test"})
    tracers = TracerProvider(resource=res)
    tracers.add_span_processor(SimpleSpanProcessor(
        OTLPSpanExporter(endpoint=stack.otlp, insecure=True)))
    loggers = LoggerProvider(resource=res)
    loggers.add_log_record_processor(SimpleLogRecordProcessor(
        OTLPLogExporter(endpoint=stack.otlp, insecure=True)))
    reader = PeriodicExportingMetricReader(
        OTLPMetricExporter(endpoint=stack.otlp, insecure=True),
        export_interval_millis=3_600_000)
    meters = MeterProvider(resource=res, metric_readers=[reader])
    tracer = tracers.get_tracer("client-tests")
    out = Sent()

    root = tracer.start_span("GET /cart", kind=SpanKind.SERVER, start_time=T0, attributes={
        "http.route": "/cart", "http.request.method": "GET", "big.count": BIG,
        "ratio": 0.25, "cached": True})
    context = trace.set_span_in_context(root)
    child = tracer.start_span("SELECT cart", kind=SpanKind.CLIENT, context=context,
                              start_time=T0 + 1_000_001,
                              attributes={"db.system": "postgresql", "ratio": 1})
    loggers.get_logger("client-tests").emit(
        timestamp=T0 + 2_000_002, observed_timestamp=T0 + 2_500_000,
        context=trace.set_span_in_context(child), severity_number=SeverityNumber.ERROR,
        severity_text="ERROR", body="cart query failed", attributes={"cart.items": 3})
    child.set_status(Status(StatusCode.ERROR, "timeout"))
    child.end(end_time=T0 + 3_500_003)
    root.end(end_time=T0 + 5_000_000)
    out.trace_id = format(root.get_span_context().trace_id, "032x")
    out.root_id = format(root.get_span_context().span_id, "016x")
    out.child_id = format(child.get_span_context().span_id, "016x")

    batch = tracer.start_span("batch", start_time=T0)
    context = trace.set_span_in_context(batch)
    out.paged_ids = set()
    for i in range(PAGED - 1):
        item = tracer.start_span(f"item {i}", context=context,
                                 start_time=T0 + 1000 + (i // 10) * 1000)
        item.end(end_time=T0 + 100_000)
        out.paged_ids.add(format(item.get_span_context().span_id, "016x"))
    batch.end(end_time=T0 + 200_000)
    out.paged_ids.add(format(batch.get_span_context().span_id, "016x"))

    meter = meters.get_meter("client-tests")
    meter.create_observable_gauge(
        "client.test.big", callbacks=[lambda options: [Observation(BIG + 2, {"k": "v"})]])
    for provider in (tracers, loggers, meters):
        provider.shutdown()            # the meter's reader collects and exports once here
    yield out


def test_spans_of_a_trace_have_exact_rows_and_dtypes(client: Client, sent: Sent):
    got = client.spans({"traceId": sent.trace_id}, order_by="START_TIME_ASC",
                       flatten_attributes=True)
    expected = pd.DataFrame({
        "traceId": pd.Series([sent.trace_id] * 2, dtype=STR),
        "spanId": pd.Series([sent.root_id, sent.child_id], dtype=STR),
        "parentSpanId": pd.Series([None, sent.root_id], dtype=STR),
        "name": pd.Series(["GET /cart", "SELECT cart"], dtype=STR),
        "kind": pd.Series(["SERVER", "CLIENT"], dtype=STR),
        "service": pd.Series(["checkout"] * 2, dtype=STR),
        "startTime": pd.Series([ts(T0), ts(T0 + 1_000_001)]),
        "endTime": pd.Series([ts(T0 + 5_000_000), ts(T0 + 3_500_003)]),
        "startTimeUnixNano": pd.Series([T0, T0 + 1_000_001], dtype="int64"),
        "endTimeUnixNano": pd.Series([T0 + 5_000_000, T0 + 3_500_003], dtype="int64"),
        "durationMs": [5.0, 2.500002],
        "status.code": pd.Series(["UNSET", "ERROR"], dtype=STR),
        "status.message": pd.Series([None, "timeout"], dtype=STR),
        "semanticType": pd.Series(["HTTP", "DB"], dtype=STR),
        "attr.big.count": pd.Series([BIG, None], dtype="Int64"),
        "attr.cached": pd.Series([True, None], dtype="boolean"),
        "attr.db.system": pd.Series([None, "postgresql"], dtype=STR),
        "attr.http.request.method": pd.Series(["GET", None], dtype=STR),
        "attr.http.route": pd.Series(["/cart", None], dtype=STR),
        "attr.ratio": [0.25, 1.0],
    })
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got["startTime"].dtype == UTC_NS
    assert got["startTime"][0].value == T0 and got["startTime"][0].nanosecond == 789
    assert int(got["startTimeUnixNano"][0]) == T0 > 2**53
    assert int(got["attr.big.count"][0]) == BIG

    # the same rows through the trace, and the attribute maps when not flattened
    spans = client.trace_spans(sent.trace_id)
    pd.testing.assert_frame_equal(spans.drop(columns="attributes"),
                                  got.iloc[:, :14], check_exact=True)
    assert spans["attributes"][0] == {"http.route": "/cart", "http.request.method": "GET",
                                      "big.count": BIG, "ratio": 0.25, "cached": True}


def test_logs_traces_and_metric_points(client: Client, sent: Sent):
    logs = client.logs({"traceId": sent.trace_id}, flatten_attributes=True)
    assert logs.drop(columns="id").to_dict("records") == [{
        "timestamp": ts(T0 + 2_000_002), "time": ts(T0 + 2_000_002),
        "observedTime": ts(T0 + 2_500_000), "severityNumber": 17, "severityText": "ERROR",
        "service": "checkout", "body": "cart query failed", "eventName": "",
        "traceId": sent.trace_id, "spanId": sent.child_id, "attr.cart.items": 3}]
    assert logs.dtypes.to_dict() == {
        "id": STR, "timestamp": UTC_NS, "time": UTC_NS, "observedTime": UTC_NS,
        "severityNumber": "Int64", "severityText": STR, "service": STR, "body": "object",
        "eventName": STR, "traceId": STR, "spanId": STR, "attr.cart.items": "Int64"}

    traces = client.traces({"service": "checkout"}).sort_values("rootName", ignore_index=True)
    assert traces[["traceId", "rootName", "startTime", "spanCount", "errorCount",
                   "status"]].to_dict("records") == [
        {"traceId": sent.trace_id, "rootName": "GET /cart", "startTime": ts(T0),
         "spanCount": 2, "errorCount": 1, "status": "ERROR"},
        {"traceId": traces["traceId"][1], "rootName": "batch", "startTime": ts(T0),
         "spanCount": PAGED, "errorCount": 0, "status": "OK"}]
    assert traces.dtypes["spanCount"] == "int64" and traces.dtypes["endTime"] == UTC_NS
    assert list(traces["services"][0]) == ["checkout"]

    points = client.metric_points("client.test.big", flatten_attributes=True)
    assert len(points) == 1
    assert points["valueInt"].dtype == "Int64" and int(points["valueInt"][0]) == BIG + 2
    assert points["timeUnixNano"].dtype == "int64"
    assert points["timeUnixNano"][0] == points["time"][0].value
    assert points["attr.k"].tolist() == ["v"]
    metrics = client.metrics({"namePrefix": "client.test."})
    assert metrics[["name", "type"]].to_dict("records") == [
        {"name": "client.test.big", "type": "GAUGE"}]
    assert metrics["services"][0] == ["checkout"]
    series = client.metric_series("client.test.big", time_range={"last": "1h"},
                                  aggregation="LAST")
    assert series[["service", "label.k", "value"]].to_dict("records") == [
        {"service": "checkout", "label.k": "v", "value": float(BIG + 2)}]
    assert series["time"].dtype == UTC_NS


def test_pagination_has_no_duplicates_or_gaps(client: Client, sent: Sent, stack: Stack):
    requests: list[str] = []
    client.http.event_hooks["request"].append(lambda request: requests.append(request.url))
    try:
        every = client.spans({"service": "checkout",
                              "attributes": [{"key": "http.route", "op": "NOT_EXISTS"},
                                             {"key": "db.system", "op": "NOT_EXISTS"}]},
                             limit=None)
        assert len(requests) == 3          # 100 + 100 + 30
        first = client.spans({"service": "checkout", "attributes": [
            {"key": "http.route", "op": "NOT_EXISTS"},
            {"key": "db.system", "op": "NOT_EXISTS"}]}, limit=150)
    finally:
        client.http.event_hooks["request"].clear()
    assert len(every) == PAGED and set(every["spanId"]) == sent.paged_ids
    assert every["spanId"].is_unique
    # newest first, ties broken the same way on every page
    assert every["startTime"].is_monotonic_decreasing
    pd.testing.assert_frame_equal(first, every.iloc[:150], check_exact=True)
    # page by page by hand: the server's own order, no row twice
    ids = [node["spanId"] for node in client.paginate(
        "query ($first: Int, $after: String) { page: spans(filter: {service: \"checkout\"}, "
        "first: $first, after: $after) { nodes { spanId } pageInfo { hasNextPage endCursor } } }"
    )]
    assert len(ids) == len(set(ids)) == PAGED + 2


def test_filters_take_datetimes_with_nanoseconds(client: Client, sent: Sent):
    def names(start: pd.Timestamp) -> list[str]:
        return client.spans({"traceId": sent.trace_id, "timeRange": {"from": start}},
                            order_by="START_TIME_ASC")["name"].tolist()

    assert names(ts(T0)) == ["GET /cart", "SELECT cart"]
    assert names(ts(T0 + 1)) == ["SELECT cart"]
    assert names(ts(T0 + 1_000_001)) == ["SELECT cart"]
    assert names(ts(T0 + 1_000_002)) == []


def test_arrow_tables_keep_the_types(client: Client, sent: Sent):
    table = client.spans({"traceId": sent.trace_id}, order_by="START_TIME_ASC", arrow=True)
    assert isinstance(table, pa.Table)
    assert table.schema.field("startTime").type == pa.timestamp("ns", tz="UTC")
    assert table.schema.field("startTimeUnixNano").type == pa.int64()
    assert table.schema.field("durationMs").type == pa.float64()
    assert table.column("startTime")[0].value == T0
    assert table.column("attributes")[1].as_py() == '{"db.system": "postgresql", "ratio": 1}'
    traces = client.traces({"service": "checkout"}, arrow=True)
    assert traces.schema.field("services").type == pa.list_(pa.string())
    flat = client.spans({"traceId": sent.trace_id}, flatten_attributes=True, arrow=True)
    assert flat.schema.field("attr.big.count").type == pa.int64()
    assert BIG in flat.column("attr.big.count").to_pylist()


def test_span_stats_per_group_and_per_bucket(client: Client, sent: Sent):
    where = {"service": "checkout", "timeRange": {"last": "1h"}}
    measures = ["count", "error_count", {"op": "MAX", "name": "slowest"}]
    got = client.span_stats(measures, where, group_by=["kind"], exact=True)
    assert got.attrs == {"source": "spans", "groupCount": 3, "truncated": False}
    expected = pd.DataFrame({  # most spans first; SERVER and CLIENT tie, so sorted here
        "kind": pd.Series(["INTERNAL", "CLIENT", "SERVER"], dtype=STR),
        "other": [False] * 3,
        "count": [float(PAGED), 1.0, 1.0], "error_count": [0.0, 1.0, 0.0],
        "slowest": [0.2, 2.500002, 5.0]})
    head, tail = got.iloc[:1], got.iloc[1:].sort_values("kind")
    pd.testing.assert_frame_equal(pd.concat([head, tail], ignore_index=True), expected,
                                  check_exact=False, rtol=1e-12)

    # per minute: every span started within microseconds, in one bucket
    series = client.span_stats("count", where, group_by="kind", step="1m", first=1)
    assert series.attrs["truncated"] is True and series.attrs["groupCount"] == 3
    assert list(series.columns) == ["kind", "other", "time", "count"]
    assert series.dtypes["time"] == UTC_NS and series.dtypes["count"] == "float64"
    assert series[["other", "count"]].to_dict("records") == [
        {"other": False, "count": float(PAGED)}, {"other": True, "count": 2.0}]
    assert series["kind"][0] == "INTERNAL" and pd.isna(series["kind"][1])  # `other`: no key
    bucket = series["time"][0]
    assert bucket <= ts(T0) < bucket + pd.Timedelta(minutes=1) and bucket.second == 0
    # the whole range without groups: one row; as an Arrow table
    table = client.span_stats(["count"], where, arrow=True)
    assert table.to_pylist() == [{"other": False, "count": float(PAGED + 2)}]


def test_log_stats_per_group_and_per_bucket(client: Client, sent: Sent):
    volume = client.log_stats(["count", "error_count"], {"service": "checkout",
                              "timeRange": {"last": "1h"}},
                              group_by=["severityText", "cart.items"], step="1m")
    assert volume.drop(columns="time").to_dict("records") == [
        {"severityText": "ERROR", "cart.items": 3, "other": False, "count": 1.0,
         "error_count": 1.0}]
    assert volume.dtypes["cart.items"] == "Int64" and volume.dtypes["time"] == UTC_NS
    assert volume["time"][0] <= ts(T0 + 2_000_002) < volume["time"][0] + pd.Timedelta(
        minutes=1)
    assert volume.attrs["source"] == "logs"
    with pytest.raises(ValueError, match=r"column names used twice: \['count'\]"):
        client.log_stats(["count"], group_by=["count"])
    with pytest.raises(GraphQLError, match="step"):  # a step needs a time range
        client.log_stats(["count"], {"service": "checkout"}, step="1m")


def test_empty_results_have_the_columns_and_dtypes(client: Client):
    empty = client.spans({"service": "nobody"}, flatten_attributes=True)
    assert len(empty) == 0
    assert empty.dtypes["startTime"] == UTC_NS and empty.dtypes["startTimeUnixNano"] == "int64"
    assert "attributes" not in empty.columns


def test_errors_are_clear(client: Client, sent: Sent):
    with pytest.raises(GraphQLError) as error:
        client.query("{ spans { nodes { nope } } }")
    assert str(error.value) == ("Cannot query field 'nope' on type 'Span'. Did you mean 'name' "
                                "or 'scope'? (line 1, column 19)")
    assert error.value.errors[0]["locations"] == [{"line": 1, "column": 19}]
    with pytest.raises(GraphQLError, match=r"invalid cursor 'bad'.* \(at spans\)"):
        client.query('{ spans(after: "bad") { nodes { name } } }')
    with pytest.raises(GraphQLError, match=r"Query.traces: `first` must not be negative"):
        client.query("{ traces(first: -1) { nodes { traceId } } }")
    with pytest.raises(GraphQLError) as error:    # what the server still answered is kept
        client.query('{ services { name } trace(traceId: "zz") { spanCount } }')
    assert str(error.value) == "traceId must be 32 hex digits, got 'zz' (at trace)"
    assert error.value.data == {"services": [{"name": "checkout"}], "trace": None}
    with pytest.raises(GraphQLError):   # a variable of the wrong shape (masked by the server)
        client.traces({"colour": "red"})
    with pytest.raises(LookupError, match="no trace"):
        client.trace_spans("0" * 31 + "1")
    with pytest.raises(LookupError, match="no metric named 'nope'"):
        client.metric_series("nope")
    with pytest.raises(LookupError):
        client.metric_points("nope")
    assert client.query("query ($id: ID!) { trace(traceId: $id) { spanCount } }",
                        {"id": sent.trace_id}) == {"trace": {"spanCount": 2}}


def test_without_pandas_only_frames_fail(stack: Stack, sent: Sent):
    script = textwrap.dedent(f"""
        import sys
        sys.modules["pandas"] = None       # as if pandas were not installed
        from ollygraph.client import Client
        client = Client({stack.url + "/graphql"!r})
        print(client.query("{{ services {{ name }} }}"))
        try:
            client.spans()
        except ImportError as exc:
            print(exc)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, env=os.environ, check=True).stdout.splitlines()
    assert out == ["{'services': [{'name': 'checkout'}]}",
                   "ollygraph.client needs pandas for DataFrames and Arrow tables: "
                   "pip install 'ollygraph[client]'"]
