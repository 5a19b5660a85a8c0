"""The attribute key registry end to end, for every scope: known spans, span events, logs
and metric points sent through the OpenTelemetry SDK; attributeKeys gives each key's value
types, item count, distinct values (exact below the sketch size, an estimate above) and
last minute, from the registry the rollup job keeps; logs and metric points written late
for rolled minutes are counted once the job has run again; pages and prefixes."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import asyncpg
import pytest
from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    Metric,
    MetricsData,
    NumberDataPoint,
    ResourceMetrics,
    ScopeMetrics,
    Sum,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

from gateway import scalars
from ollygraph import key_registry, rollups
from tests.gateway.stats import known

pytestmark = pytest.mark.db

MS, MINUTE = known.MS, known.MINUTE
KEYS = """query ($scope: AttributeScope!, $range: TimeRange, $prefix: String, $first: Int,
                 $after: String) {
  attributeKeys(scope: $scope, timeRange: $range, prefix: $prefix, first: $first,
                after: $after) {
    key count distinctValues lastSeen valueTypes { type count } } }"""
MANY = 200  # distinct values of user.id: above the sketch size, estimated
TYPES = {str: "string", int: "int", float: "double", bool: "bool"}
# (resource, minute, span attributes, event attributes)
SPANS: list[tuple[str, int, dict[str, Any], list[dict[str, Any]]]] = [
    (
        "a",
        0,
        {"http.route": "/a", "retries": 1, "ratio": 0.5, "cached": True},
        [{"attempt": 1}, {"attempt": 2}],
    ),
    ("a", 0, {"http.route": "/b", "retries": 2, "ratio": 0.5}, []),
    ("a", 0, {"http.route": "/a", "retries": 1}, [{"attempt": 1}]),
    ("b", 1, {"http.route": "/c", "retries": "many"}, []),
    ("b", 1, {"http.route": "/c", "cached": False}, []),
    *(("a", 2, {"user.id": f"u{i}"}, []) for i in range(MANY)),
]
# (resource, minute, log attributes)
LOGS = [
    ("a", 0, {"user.id": "u1"}),
    ("a", 0, {"user.id": "u2", "bytes": 5}),
    ("b", 1, {"bytes": 7}),
]
LATE_LOG = ("b", 1, {"late.key": "x"})
RESOURCES = {
    "a": {"service.name": "registry-a", "region": "eu"},
    "b": {"service.name": "registry-b", "region": "us"},
}
SCOPES = {"a": {"lib.flavor": "x"}, "b": {"lib.flavor": "y"}}  # of the tracers
# (minute, route, value) of counter points of resource a
POINTS = [(2, "/a", 1), (2, "/b", 2), (0, "/a", 3)]
LATE_POINT = (1, "/z", 4)


def resource(name: str) -> Resource:
    return Resource.create(RESOURCES[name])


def send(otlp: str, base: int) -> None:
    for name in RESOURCES:
        tracers = TracerProvider(resource=resource(name))
        tracers.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp, insecure=True))
        )
        tracer = tracers.get_tracer("registry-tests", "1.0", attributes=SCOPES[name])
        for owner, minute, attributes, events in SPANS:
            if owner == name:
                start = base + minute * MINUTE + 1_000 * MS
                span = tracer.start_span("op", start_time=start, attributes=attributes)
                for event in events:
                    span.add_event("e", event, timestamp=start + MS)
                span.end(end_time=start + 2 * MS)
        tracers.shutdown()
        send_logs(otlp, base, name, LOGS)
    send_points(otlp, base, POINTS)


def send_points(otlp: str, base: int, points: list) -> None:
    """Counter points at known times (the SDK's exporter; a meter stamps the present)."""
    data = [
        NumberDataPoint({"route": route}, base, base + minute * MINUTE + 3_000 * MS, value)
        for minute, route, value in points
    ]
    metric = Metric(
        "registry.requests",
        None,
        None,
        Sum(data, AggregationTemporality.CUMULATIVE, is_monotonic=True),
    )
    scope = ScopeMetrics(InstrumentationScope("registry-tests"), [metric], "")
    exporter = OTLPMetricExporter(endpoint=otlp, insecure=True)
    exporter.export(MetricsData([ResourceMetrics(resource("a"), [scope], "")]))
    exporter.shutdown()


def send_logs(otlp: str, base: int, name: str, logs: list) -> None:
    provider = LoggerProvider(resource=resource(name))
    provider.add_log_record_processor(
        SimpleLogRecordProcessor(OTLPLogExporter(endpoint=otlp, insecure=True))
    )
    logger = provider.get_logger("registry-tests")
    for owner, minute, attributes in logs:
        if owner == name:
            logger.emit(
                timestamp=base + minute * MINUTE + 2_000 * MS, body="hello", attributes=attributes
            )
    provider.shutdown()


def expect(items: list[tuple[dict[str, Any], int, int]]) -> dict[str, tuple]:
    """key -> (count, distinct, {type: count}, last minute) of (attributes, weight, minute)
    items: weight items carrying each attribute map."""
    count: Counter = Counter()
    types: dict[str, Counter] = {}
    values: dict[str, set] = {}
    last: dict[str, int] = {}
    for attributes, weight, minute in items:
        for key, value in attributes.items():
            count[key] += weight
            types.setdefault(key, Counter())[TYPES[type(value)]] += weight
            values.setdefault(key, set()).add((TYPES[type(value)], value))
            last[key] = max(last.get(key, minute), minute)
    return {k: (count[k], len(values[k]), dict(types[k]), last[k]) for k in count}


def expected(base: int, logs: list = LOGS, points: list = POINTS) -> dict[str, dict[str, tuple]]:
    at = [base + m * MINUTE for m in range(3)]
    spans = [(attrs, 1, at[m]) for _, m, attrs, _ in SPANS]
    events = [(e, 1, at[m]) for _, m, _, evs in SPANS for e in evs]
    spans_of: dict[str, Counter] = {n: Counter() for n in RESOURCES}  # per resource, minute
    for owner, m, _, _ in SPANS:
        spans_of[owner][at[m]] += 1
    items = {n: spans_of[n].copy() for n in RESOURCES}  # spans, logs and points
    for owner, m, _ in logs:
        items[owner][at[m]] += 1
    for m, _, _ in points:
        items["a"][at[m]] += 1
    return {
        "SPAN": expect(spans),
        "EVENT": expect(events),
        "LINK": expect([]),  # the spans have no links
        "LOG": expect([(attrs, 1, at[m]) for _, m, attrs in logs]),
        "METRIC": expect([({"route": r}, 1, at[m]) for m, r, _ in points]),
        "RESOURCE": expect(
            [(resource(n).attributes, k, m) for n in RESOURCES for m, k in items[n].items()]
        ),
        "SCOPE": expect([(SCOPES[n], k, m) for n in RESOURCES for m, k in spans_of[n].items()]),
    }


def got(stack: Any, scope: str, time_range: dict) -> dict[str, tuple]:
    keys = stack.gql(KEYS, scope=scope, range=time_range)["attributeKeys"]
    assert [k["key"] for k in keys] == sorted(k["key"] for k in keys)
    return {
        k["key"]: (
            k["count"],
            k["distinctValues"],
            {t["type"]: t["count"] for t in k["valueTypes"]},
            scalars.parse_timestamp(k["lastSeen"]),
        )
        for k in keys
    }


def roll(stack: Any, upto: int) -> None:
    """Run the rollup job until the minutes before `upto` and the late ones are rolled."""

    async def run() -> None:
        conn = await asyncpg.connect(
            stack.database_url, server_settings={"search_path": stack.schema}
        )
        try:
            for _ in range(100):
                await rollups.roll(conn, time.time_ns())
                rolled = await conn.fetchval("SELECT rolled FROM otel_span_rollup_state")
                pending = await conn.fetchval(
                    "SELECT (SELECT count(*) FROM otel_span_rollup_pending)"
                    " + (SELECT count(*) FROM otel_attribute_key_pending)"
                )
                if rolled is not None and rolled >= upto and not pending:
                    return
                await asyncio.sleep(0.2)
            raise AssertionError("the rollups did not catch up")
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture(scope="module")
def base(stack) -> int:
    base = known.base_time()
    send(stack.otlp, base)
    roll(stack, base + 3 * MINUTE)
    return base


def check(stack, base: int, logs: list = LOGS, points: list = POINTS) -> None:
    answers = {scope: got(stack, scope, known.time_range(base)) for scope in key_registry.REGISTRY}
    want = expected(base, logs, points)
    many = answers["SPAN"].pop("user.id")
    assert many[0] == MANY and many[2] == {"string": MANY}
    assert abs(many[1] - MANY) <= 0.4 * MANY  # 3 standard errors of the sketch
    want["SPAN"].pop("user.id")
    assert answers == want


def test_every_scope(stack, base) -> None:
    check(stack, base)
    assert expected(base)["LOG"]["user.id"][1] == 2  # exact below K
    assert expected(base)["SPAN"]["retries"][2] == {"int": 3, "string": 1}
    assert expected(base)["RESOURCE"]["region"][:2] == (len(SPANS) + len(LOGS) + len(POINTS), 2)


def test_late_logs_and_points_of_rolled_minutes(stack, base) -> None:
    send_logs(stack.otlp, base, LATE_LOG[0], [LATE_LOG])
    send_points(stack.otlp, base, [LATE_POINT])
    roll(stack, base + 3 * MINUTE)
    check(stack, base, [*LOGS, LATE_LOG], [*POINTS, LATE_POINT])


def test_pages_and_prefix(stack, base) -> None:
    time_range = known.time_range(base)
    everything = stack.gql(KEYS, scope="RESOURCE", range=time_range)["attributeKeys"]
    pages: list[str] = []
    after = None
    while True:
        page = stack.gql(KEYS, scope="RESOURCE", range=time_range, first=2, after=after)[
            "attributeKeys"
        ]
        if not page:
            break
        assert len(page) <= 2
        pages += [k["key"] for k in page]
        after = page[-1]["key"]
    assert pages == [k["key"] for k in everything] and len(pages) > 2
    sdk = stack.gql(KEYS, scope="RESOURCE", range=time_range, prefix="telemetry.sdk.")
    assert [k["key"] for k in sdk["attributeKeys"]] == sorted(
        k for k in resource("a").attributes if k.startswith("telemetry.sdk.")
    )
    route = stack.gql(KEYS, scope="SPAN", range=time_range, prefix="http.")["attributeKeys"]
    assert [(k["key"], k["count"], k["distinctValues"]) for k in route] == [("http.route", 5, 3)]
