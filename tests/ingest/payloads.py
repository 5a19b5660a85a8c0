"""Small OTLP export requests for the receiver tests, built from the signal registry."""

from __future__ import annotations

import os
import time
from typing import Any

from ingest import signals


def new_trace_id() -> bytes:
    return os.urandom(16)


def new_span_id() -> bytes:
    return os.urandom(8)


def _resource(container: Any, service: str) -> None:
    attr = container.resource.attributes.add()
    attr.key, attr.value.string_value = "service.name", service


def traces(service: str, trace_id: bytes, count: int = 2, bad_ids: int = 0) -> Any:
    """`count` spans of one trace (the first is the root), then `bad_ids` spans whose
    trace id is 5 bytes long (not a valid id)."""
    request = signals.BY_NAME["traces"].request()
    resource_spans = request.resource_spans.add()
    _resource(resource_spans, service)
    scope_spans = resource_spans.scope_spans.add()
    scope_spans.scope.name = "tests.ingest"
    now = time.time_ns()
    root = new_span_id()
    for i in range(count + bad_ids):
        span = scope_spans.spans.add()
        span.trace_id = trace_id if i < count else b"\x01" * 5
        span.span_id = root if i == 0 else new_span_id()
        if i:
            span.parent_span_id = root
        span.name = f"{service}-span-{i}"
        span.kind = 2
        span.start_time_unix_nano = now + i * 1000
        span.end_time_unix_nano = now + i * 1000 + 500_000
        attr = span.attributes.add()
        attr.key, attr.value.int_value = "index", i
    return request


def logs(service: str, count: int = 2) -> Any:
    request = signals.BY_NAME["logs"].request()
    resource_logs = request.resource_logs.add()
    _resource(resource_logs, service)
    scope_logs = resource_logs.scope_logs.add()
    now = time.time_ns()
    for i in range(count):
        record = scope_logs.log_records.add()
        record.time_unix_nano = now + i
        record.severity_number = 9
        record.severity_text = "INFO"
        record.body.string_value = f"{service} log {i}"
    return request


def metrics(service: str, name: str) -> Any:
    request = signals.BY_NAME["metrics"].request()
    resource_metrics = request.resource_metrics.add()
    _resource(resource_metrics, service)
    metric = resource_metrics.scope_metrics.add().metrics.add()
    metric.name = name
    now = time.time_ns()
    metric.sum.aggregation_temporality = 2
    metric.sum.is_monotonic = True
    point = metric.sum.data_points.add()
    point.start_time_unix_nano = now - 10**9
    point.time_unix_nano = now
    point.as_int = 7
    return request


def sample(signal_name: str, service: str) -> Any:
    """One small valid request of the signal."""
    if signal_name == "traces":
        return traces(service, new_trace_id())
    if signal_name == "logs":
        return logs(service)
    return metrics(service, f"{service}.count")
