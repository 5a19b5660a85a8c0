"""Indexed search: log bodies by prefix / contains / regex (string and structured bodies),
and numeric ranges on JSONB-stored attributes of spans, span events and logs, through the
SDK -> ingest -> gateway path."""

from __future__ import annotations

import operator
import time
import uuid

import pytest
from opentelemetry import trace as otel_trace

pytestmark = pytest.mark.db

LOGS = """query ($f: LogFilter) { logs(filter: $f, first: 100) { nodes { body } } }"""
SPANS = """query ($f: SpanFilter) { spans(filter: $f, first: 100) { nodes { name } } }"""
LONG = "x" * 5000 + " needle-at-the-end"
BODIES = [
    "disk full on /var/lib: 100% used",
    "disk 50_% used",
    "path C:\\temp\\file.txt not found",
    "ERROR 503 upstream timeout after 30s",
    "error 404 not found",
    "grüße aus köln",
    "a.b*c (literal) [x]",
    "ab",
    LONG,
]
STRUCTURED = {"event": "checkout", "cart": {"items": 3}, "note": "disk quota"}
# custom.n (JSONB-stored): numbers around bucket edges, negatives, floats, an int as a string
NUMBERS = {
    "n-1000": 1000, "n-999": 999, "n-999.5": 999.5, "n-1000.5": 1000.5, "n-0": 0,
    "n-neg1": -1, "n-neg0.001": -0.001, "n-neg1e6": -1_000_000, "n-1e-25": 1e-25,
    "n-1e30": 1e30, "n-0.1": 0.1, "n-0.0999": 0.0999, "n-2^63-1": 2**63 - 1,
    "n-negzero": -0.0, "n-str": "1000",
}


@pytest.fixture(scope="module")
def data(stack):
    t0 = time.time_ns() - 2_000_000_000
    service = f"search-{uuid.uuid4().hex[:6]}"
    with stack.sdk(service) as (tracer, logger):
        root = tracer.start_span("root", start_time=t0)
        ctx = otel_trace.set_span_in_context(root)
        for i, (name, value) in enumerate(NUMBERS.items()):
            span = tracer.start_span(name, context=ctx, start_time=t0 + i + 1,
                                     attributes={"custom.n": value})
            span.add_event("step", {"custom.m": value}, timestamp=t0 + i + 1)
            with otel_trace.use_span(span):
                logger.info("number %s", name, extra={"custom.k": value})
            span.end(end_time=t0 + 1000)
        root.end(end_time=t0 + 2000)
        for body in BODIES:
            logger.warning(body)
        logger.warning(STRUCTURED)
    return {"service": service, "trace_id": format(root.get_span_context().trace_id, "032x")}


def test_body_prefix_contains_regex(stack, data) -> None:
    def bodies(**match) -> list:
        flt = {"service": data["service"], "minSeverity": 13, "bodyMatch": match}
        found = [n["body"] for n in stack.gql(LOGS, f=flt)["logs"]["nodes"]]
        return sorted(found, key=str)

    assert bodies(prefix="disk") == ["disk 50_% used", "disk full on /var/lib: 100% used"]
    assert bodies(prefix="disk 50_%") == ["disk 50_% used"]
    assert bodies(prefix="disk 5%") == []                      # % and _ are not wildcards
    assert bodies(contains="100%") == ["disk full on /var/lib: 100% used"]
    assert bodies(contains="C:\\temp\\") == ["path C:\\temp\\file.txt not found"]
    assert bodies(contains="köln") == ["grüße aus köln"]
    assert bodies(contains="a.b*c (literal) [x]") == ["a.b*c (literal) [x]"]
    assert bodies(contains="ab") == ["ab"]                     # too short for trigrams
    assert bodies(contains="needle-at-the-end") == [LONG]      # longer than the trigram cap
    assert bodies(regex="^(ERROR|error) [0-9]+ ") == [
        "ERROR 503 upstream timeout after 30s", "error 404 not found"]
    assert bodies(regex="upstream\\s+timeout after [0-9]+s$") == [
        "ERROR 503 upstream timeout after 30s"]
    assert bodies(regex="not? found") == ["error 404 not found",
                                          "path C:\\temp\\file.txt not found"]
    assert bodies(regex="a\\.b\\*c") == ["a.b*c (literal) [x]"]
    assert bodies(prefix="disk", contains="used", regex="[0-9]+_") == ["disk 50_% used"]
    assert bodies(contains="no such text") == []


def test_structured_body_by_its_json_text(stack, data) -> None:
    def bodies(**match) -> list:
        flt = {"service": data["service"], "bodyMatch": match}
        return [n["body"] for n in stack.gql(LOGS, f=flt)["logs"]["nodes"]]

    assert bodies(contains='"note": "disk quota"') == [STRUCTURED]
    assert bodies(contains="checkout") == [STRUCTURED]
    assert bodies(regex='"items": 3\\}') == [STRUCTURED]
    assert bodies(prefix="{") == [STRUCTURED]
    flt = {"service": data["service"], "bodyContains": "quota"}
    assert [n["body"] for n in stack.gql(LOGS, f=flt)["logs"]["nodes"]] == [STRUCTURED]


def test_body_match_needs_a_part(stack, data) -> None:
    errors = stack.errors(LOGS, f={"bodyMatch": {}})
    assert errors == ["bodyMatch: give prefix, contains or regex"]


def _expected(op: str, value: float) -> set[str]:
    """Exact comparison (Python compares ints and floats exactly, as numeric does)."""
    compare = {"GT": operator.gt, "GTE": operator.ge, "LT": operator.lt, "LTE": operator.le}
    return {name for name, v in NUMBERS.items()
            if not isinstance(v, str) and compare[op](v, value)}


RANGES = [("GT", 999), ("GTE", 999), ("GTE", 999.5), ("LT", 1000), ("LTE", 1000),
          ("GT", 1000), ("GT", 0), ("GTE", 0), ("LT", 0), ("LT", -1), ("LTE", -0.001),
          ("GT", -0.001), ("LT", 0.1), ("GTE", 0.1), ("GT", 1e-26), ("LT", -999_999),
          ("GTE", 1e21), ("GT", 2**63 - 2), ("LT", 1e-25), ("GT", 1e40)]


@pytest.mark.parametrize(("op", "value"), RANGES)
def test_jsonb_range_on_spans(stack, data, op, value) -> None:
    flt = {"traceId": data["trace_id"], "attributes": [{"key": "custom.n", "op": op,
                                                        "value": value}]}
    names = {n["name"] for n in stack.gql(SPANS, f=flt)["spans"]["nodes"]}
    assert names == _expected(op, value)


@pytest.mark.parametrize(("op", "value"), [("GTE", 1000), ("LT", 0), ("GT", 0.0999)])
def test_jsonb_range_on_events_and_logs(stack, data, op, value) -> None:
    flt = {"traceId": data["trace_id"], "attributes": [
        {"key": "custom.m", "op": op, "value": value, "scope": "EVENT"}]}
    names = {n["name"] for n in stack.gql(SPANS, f=flt)["spans"]["nodes"]}
    assert names == _expected(op, value)
    flt = {"traceId": data["trace_id"], "attributes": [{"key": "custom.k", "op": op,
                                                        "value": value}]}
    logs = {n["body"] for n in stack.gql(LOGS, f=flt)["logs"]["nodes"]}
    assert logs == {f"number {name}" for name in _expected(op, value)}


def test_jsonb_range_with_a_common_filter(stack, data) -> None:
    flt = {"service": data["service"], "timeRange": {"last": "1h"}, "attributes": [
        {"key": "custom.n", "op": "GTE", "value": 999.5},
        {"key": "custom.n", "op": "LT", "value": 1000.5}]}
    names = {n["name"] for n in stack.gql(SPANS, f=flt)["spans"]["nodes"]}
    assert names == {"n-999.5", "n-1000"}


def test_jsonb_range_around_zero_starts_a_search(stack, data) -> None:
    """-0.0 is kept tagged ("-0") in the catch-all; the number-bucket index files it as 0."""
    flt = {"service": data["service"], "timeRange": {"last": "1h"}, "attributes": [
        {"key": "custom.n", "op": "GTE", "value": -0.0001},
        {"key": "custom.n", "op": "LTE", "value": 0}]}
    names = {n["name"] for n in stack.gql(SPANS, f=flt)["spans"]["nodes"]}
    assert names == _expected("GTE", -0.0001) & _expected("LTE", 0) == {"n-0", "n-negzero"}


def test_jsonb_ranges_on_one_key_narrow_each_other(stack, data) -> None:
    flt = {"traceId": data["trace_id"], "attributes": [
        {"key": "custom.n", "op": "GT", "value": 0}, {"key": "custom.n", "op": "LT", "value": 1},
        {"key": "custom.n", "op": "GTE", "value": 0.0999}]}
    names = {n["name"] for n in stack.gql(SPANS, f=flt)["spans"]["nodes"]}
    assert names == {"n-0.1", "n-0.0999"}
    flt["attributes"].append({"key": "custom.n", "op": "GT", "value": 5})   # none left
    assert stack.gql(SPANS, f=flt)["spans"]["nodes"] == []
