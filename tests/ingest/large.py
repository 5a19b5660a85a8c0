"""Large OTLP requests: one span with many attributes (the heaviest request per byte to
decode, flatten and store). Shared by tests/ingest/test_large.py and bench/abuse.py."""

from __future__ import annotations

from opentelemetry.proto.common.v1 import common_pb2

from ingest import signals
from tests.ingest import storekit

TRACES = signals.BY_NAME["traces"]


def one_span(attributes: int, name: str = "large") -> tuple[bytes, bytes]:
    """(trace id, serialized request) of one span with `attributes` string attributes:
    1,000,000 of them make about 17 MB."""
    trace_id, start = storekit.trace_id(), storekit.now_ns()
    kvs = [common_pb2.KeyValue(key=f"k{i}", value=common_pb2.AnyValue(string_value="ab"))
           for i in range(attributes)]
    request = TRACES.request(resource_spans=[{
        "resource": {"attributes": storekit.kvs({"service.name": "large"})},
        "scope_spans": [{"scope": {"name": "large"}, "spans": [{
            "trace_id": trace_id, "span_id": storekit.span_id(), "name": name, "kind": 1,
            "start_time_unix_nano": start, "end_time_unix_nano": start + 1000,
            "attributes": kvs}]}]}])
    return trace_id, request.SerializeToString()


def small(name: str = "small") -> bytes:
    start = storekit.now_ns()
    return TRACES.request(resource_spans=[{
        "resource": {"attributes": storekit.kvs({"service.name": "small"})},
        "scope_spans": [{"scope": {"name": "small"}, "spans": [{
            "trace_id": storekit.trace_id(), "span_id": storekit.span_id(), "name": name,
            "kind": 1, "start_time_unix_nano": start, "end_time_unix_nano": start + 1000,
            "attributes": storekit.kvs({"n": 1})}]}]}]).SerializeToString()
