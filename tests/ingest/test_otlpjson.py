"""OTLP/JSON decoding: every field of every signal survives, the spec's rules, bad input."""

from __future__ import annotations

import gc
import math

import orjson
import pytest
from google.protobuf import json_format

from ingest import decode, otlpjson, signals
from tests.ingest import storekit as kit
from tests.ingest import test_store_logs as logs_case
from tests.ingest import test_store_metrics as metrics_case
from tests.ingest import test_store_traces as traces_case

INT64_KEYS = ("UnixNano", "intValue", "asInt", "count", "Count", "sum")


def rich_requests() -> list:
    """One request per signal using every field, every AnyValue kind and every point kind."""
    trace_id = kit.trace_id()
    root = traces_case.full_span(trace_id)
    spans = traces_case.request([root, traces_case.full_span(trace_id, parent=root.span_id)])
    logs = logs_case.request([
        logs_case.record(body={"nested": [1, 2.5, "x", b"\x00\xff", None, True, -0.0]}),
        logs_case.record(body="plain", trace_id=b"", span_id=b"", flags=0)])
    metrics = metrics_case.request(metrics_case.every_kind("json"))
    return [spans, logs, metrics]


def same(a, b) -> bool:
    """Equal messages (NaN included, which == does not consider equal to itself)."""
    return a.SerializeToString(deterministic=True) == b.SerializeToString(deterministic=True)


def numbers_for_int64(obj):
    """The same JSON with 64-bit integers as JSON numbers instead of strings."""
    if isinstance(obj, dict):
        return {k: (int(v) if isinstance(v, str) and k.endswith(INT64_KEYS)
                    and v.lstrip("-").isdigit() else numbers_for_int64(v))
                for k, v in obj.items()}
    if isinstance(obj, list):
        return [numbers_for_int64(x) for x in obj]
    return obj


@pytest.mark.parametrize("proto_names", [False, True], ids=["camelCase", "proto_names"])
def test_every_field_round_trips(proto_names):
    for request in rich_requests():
        payload = otlpjson.dumps(request, proto_names=proto_names)
        assert b'"traceId"' in payload or b'"trace_id"' in payload
        back = decode.parse(type(request), payload, decode.JSON)
        assert same(back, request), type(request).__name__
        as_numbers = orjson.dumps(numbers_for_int64(orjson.loads(payload)))
        assert same(decode.parse(type(request), as_numbers, decode.JSON), request)


def test_hex_ids_in_any_case_and_the_protobuf_mapping_agrees_elsewhere():
    for request in rich_requests():
        obj = orjson.loads(otlpjson.dumps(request))
        _upper_ids(obj)
        assert same(otlpjson.parse(type(request), orjson.dumps(obj)), request)
        # with base64 ids, protobuf's own parser reads the same message
        assert same(json_format.Parse(json_format.MessageToJson(request), type(request)()),
                    request)


def _upper_ids(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("traceId", "spanId", "parentSpanId"):
                obj[k] = v.upper()
            else:
                _upper_ids(v)
    elif isinstance(obj, list):
        for x in obj:
            _upper_ids(x)


def test_spec_rules():
    cls = signals.BY_NAME["traces"].request
    payload = {"resourceSpans": [{
        "resource": {"attributes": [], "futureField": {"a": [1]}}, "schemaUrl": None,
        "scopeSpans": [{"spans": [{
            "traceId": "0AF7651916CD43DD8448EB211C80319C", "spanId": "b7ad6b7169203331",
            "parentSpanId": "", "kind": "SPAN_KIND_CLIENT", "flags": "257",
            "startTimeUnixNano": 1.7e18, "endTimeUnixNano": "1700000000000000001",
            "status": {"code": 2}, "unknown": None,
            "attributes": [
                {"key": "d", "value": {"doubleValue": "NaN"}},
                {"key": "i", "value": {"doubleValue": "-Infinity"}},
                {"key": "n", "value": {"intValue": "-42"}},
                {"key": "b", "value": {"bytesValue": "AP8"}},
                {"key": "u", "value": {"bytesValue": "-_8="}},
                {"key": "e", "value": {}},
                {"key": "s", "value": {"string_value": "proto name"}}]}]}]}]}
    span = otlpjson.parse(cls, orjson.dumps(payload)).resource_spans[0].scope_spans[0].spans[0]
    assert span.trace_id.hex() == "0af7651916cd43dd8448eb211c80319c"
    assert span.parent_span_id == b"" and span.kind == 3 and span.flags == 257
    assert span.start_time_unix_nano == 1_700_000_000_000_000_000
    assert span.status.code == 2
    values = {kv.key: kv.value for kv in span.attributes}
    assert math.isnan(values["d"].double_value) and values["i"].double_value == -math.inf
    assert values["n"].int_value == -42
    assert values["b"].bytes_value == b"\x00\xff" and values["u"].bytes_value == b"\xfb\xff"
    assert values["e"].WhichOneof("value") is None
    assert values["s"].string_value == "proto name"


BAD = [
    b"", b"{", b"[]", b"null", b'"x"', b"\xff\xfe{}", b"[" * 100_000,
    b'{"resourceSpans": 5}', b'{"resourceSpans": [1]}', b'{"resourceSpans": {}}',
    b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "xyz"}]}]}]}',
    b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": 12}]}]}]}',
    b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"startTimeUnixNano": "soon"}]}]}]}',
    b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"startTimeUnixNano": 1.5}]}]}]}',
    b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"startTimeUnixNano": "-1"}]}]}]}',
    b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"startTimeUnixNano": true}]}]}]}',
    b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"kind": "SPAN_KIND_NOPE"}]}]}]}',
    b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"name": 5}]}]}]}',
    b'{"resourceSpans": [{"scopeSpans": [{"spans": [{"flags": 4294967296}]}]}]}',
    b'{"resourceSpans": [{"resource": {"attributes": [{"key": "k", "value": '
    b'{"intValue": "9223372036854775808"}}]}}]}',
    b'{"resourceSpans": [{"resource": {"attributes": [{"key": "k", "value": '
    b'{"doubleValue": "lots"}}]}}]}',
    b'{"resourceSpans": [{"resource": {"attributes": [{"key": "k", "value": '
    b'{"bytesValue": "not base64!"}}]}}]}',
    b'{"resourceSpans": [{"resource": {"attributes": [{"key": 1, "value": {}}]}}]}',
    b'{"resourceSpans": [{"resource": {"attributes": [{"key": "k", "value": "v"}]}}]}',
]


@pytest.mark.parametrize("payload", BAD, ids=range(len(BAD)))
def test_bad_input_is_a_decode_error(payload):
    with pytest.raises(decode.DecodeError) as raised:
        decode.parse(signals.BY_NAME["traces"].request, payload, decode.JSON)
    assert str(raised.value)


def test_garbage_collection_is_running_again_afterwards():
    assert gc.isenabled()
    with pytest.raises(decode.DecodeError):
        decode.parse(signals.BY_NAME["logs"].request, b"{", decode.JSON)
    decode.parse(signals.BY_NAME["logs"].request, b"{}", decode.JSON)
    assert gc.isenabled()
