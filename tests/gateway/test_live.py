"""Live subscriptions end to end: the OpenTelemetry SDK -> OTLP ingest -> commit NOTIFY ->
a GraphQL subscription over a real websocket (graphql-transport-ws)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
from opentelemetry.sdk import metrics as sdk_metrics
from opentelemetry.sdk.metrics import export as metrics_export
from opentelemetry.sdk.resources import Resource
from opentelemetry.trace import Status, StatusCode
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

pytestmark = pytest.mark.db

MAX_BEHIND = 8
QUIET = 3  # seconds without a new span after which a trace is sent again
SPANS = """subscription ($filter: SpanFilter, $after: String) {
  spans(filter: $filter, after: $after) { cursor nodes { name service status { code } attributes } }
}"""
LOGS = """subscription ($filter: LogFilter) {
  logs(filter: $filter) { cursor nodes { body severityText service traceId } }
}"""
TRACES = """subscription ($filter: TraceFilter) {
  traces(filter: $filter) { cursor nodes { traceId rootName spanCount services } }
}"""


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    return {
        "OLLYGRAPH_LIVE_MAX_PER_CONNECTION": "3",
        "OLLYGRAPH_LIVE_MAX_BEHIND": str(MAX_BEHIND),
        "OLLYGRAPH_LIVE_TRACE_QUIET": f"{QUIET}s",
    }


class Live:
    """One graphql-transport-ws connection."""

    def __init__(self, ws: Any) -> None:
        self.ws, self.ids = ws, 0

    @classmethod
    async def open(cls, stack: Any) -> Live:
        ws = await connect(
            stack.url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]
        )
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        return cls(ws)

    async def subscribe(self, query: str, **variables: Any) -> str:
        self.ids += 1
        await self.ws.send(
            json.dumps(
                {
                    "id": str(self.ids),
                    "type": "subscribe",
                    "payload": {"query": query, "variables": variables},
                }
            )
        )
        return str(self.ids)

    async def message(self, id_: str) -> dict[str, Any]:
        while True:
            m = json.loads(await asyncio.wait_for(self.ws.recv(), 60))
            if m["type"] == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
            elif m.get("id") == id_:
                return m

    async def started(self, id_: str) -> str:
        """The first batch (empty for a new subscription): its cursor; once it came, every
        commit after it is delivered."""
        m = await self.message(id_)
        assert m["type"] == "next", m
        (batch,) = m["payload"]["data"].values()
        assert batch["nodes"] == []
        return batch["cursor"]

    async def until(self, id_: str, field: str, done: Any) -> tuple[list[Any], str]:
        """Nodes of `field` until one satisfies `done`, and the last cursor."""
        nodes: list[Any] = []
        while True:
            m = await self.message(id_)
            assert m["type"] == "next", m
            assert not m["payload"].get("errors"), m
            batch = m["payload"]["data"][field]
            nodes += batch["nodes"]
            if any(done(n) for n in batch["nodes"]):
                return nodes, batch["cursor"]

    async def close(self) -> None:
        await self.ws.close()


def send_spans(stack: Any, service: str, *specs: tuple[str, bool]) -> None:
    """One export per span (each committed before the next), in order."""
    with stack.sdk(service) as (tracer, _):
        for name, error in specs:
            span = tracer.start_span(name, attributes={"live.n": name})
            if error:
                span.set_status(Status(StatusCode.ERROR, "boom"))
            span.end()


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_matching_spans_arrive_and_others_do_not(stack):
    service, other = f"live-{uuid.uuid4().hex[:6]}", f"other-{uuid.uuid4().hex[:6]}"

    async def main() -> list[Any]:
        live = await Live.open(stack)
        sid = await live.subscribe(SPANS, filter={"service": service, "status": "ERROR"})
        await live.started(sid)
        await asyncio.to_thread(send_spans, stack, service, ("ok one", False))
        await asyncio.to_thread(send_spans, stack, other, ("other failing", True))
        await asyncio.to_thread(
            send_spans,
            stack,
            service,
            ("failing", True),
            ("ok two", False),
            ("failing again", True),
        )
        nodes, _ = await live.until(sid, "spans", lambda n: n["name"] == "failing again")
        await live.close()
        return nodes

    nodes = run(main())
    assert [n["name"] for n in nodes] == ["failing", "failing again"]
    assert {n["service"] for n in nodes} == {service}
    assert {n["status"]["code"] for n in nodes} == {"ERROR"}
    assert nodes[0]["attributes"] == {"live.n": "failing"}


def test_resume_with_cursor_has_no_gaps_and_no_duplicates(stack):
    service = f"resume-{uuid.uuid4().hex[:6]}"
    flt = {"service": service}

    async def main() -> tuple[list[Any], list[Any], list[Any]]:
        live = await Live.open(stack)
        sid = await live.subscribe(SPANS, filter=flt)
        await live.started(sid)
        await asyncio.to_thread(send_spans, stack, service, ("one", False), ("two", True))
        first, cursor = await live.until(sid, "spans", lambda n: n["name"] == "two")
        await live.close()
        # committed while nobody listens
        await asyncio.to_thread(send_spans, stack, service, ("three", False), ("four", False))
        live = await Live.open(stack)
        sid = await live.subscribe(SPANS, filter=flt, after=cursor)
        missed, _ = await live.until(sid, "spans", lambda n: n["name"] == "four")
        await asyncio.to_thread(send_spans, stack, service, ("five", False))
        later, _ = await live.until(sid, "spans", lambda n: n["name"] == "five")
        # the same cursor again, on another connection: the same rows, once
        again = await Live.open(stack)
        sid2 = await again.subscribe(SPANS, filter=flt, after=cursor)
        replay, _ = await again.until(sid2, "spans", lambda n: n["name"] == "five")
        await live.close()
        await again.close()
        return first, missed + later, replay

    first, resumed, replay = run(main())
    assert [n["name"] for n in first] == ["one", "two"]
    assert [n["name"] for n in resumed] == ["three", "four", "five"]
    assert [n["name"] for n in replay] == ["three", "four", "five"]


def test_logs_subscription(stack):
    service = f"logs-{uuid.uuid4().hex[:6]}"

    def send() -> None:
        with stack.sdk(service) as (_, logger):
            logger.info("quiet")
            logger.error("disk full")
            logger.warning("almost full")

    async def main() -> list[Any]:
        live = await Live.open(stack)
        sid = await live.subscribe(LOGS, filter={"service": service, "minSeverity": 13})
        await live.started(sid)
        await asyncio.to_thread(send)
        nodes, _ = await live.until(sid, "logs", lambda n: n["body"] == "almost full")
        await live.close()
        return nodes

    nodes = run(main())
    assert [(n["body"], n["severityText"]) for n in nodes] == [
        ("disk full", "ERROR"),
        ("almost full", "WARN"),
    ]
    assert {n["service"] for n in nodes} == {service}


def test_traces_subscription(stack):
    service = f"traces-{uuid.uuid4().hex[:6]}"

    def send() -> str:
        with stack.sdk("elsewhere") as (tracer, _):
            tracer.start_span("not this").end()
        with stack.sdk(service) as (tracer, _):
            root = tracer.start_span("GET /live")
            trace_id = f"{root.get_span_context().trace_id:032x}"
            root.end()
        return trace_id

    async def main() -> tuple[list[Any], str]:
        live = await Live.open(stack)
        sid = await live.subscribe(TRACES, filter={"service": service})
        await live.started(sid)
        trace_id = await asyncio.to_thread(send)
        nodes, _ = await live.until(sid, "traces", lambda n: n["traceId"] == trace_id)
        await live.close()
        return nodes, trace_id

    nodes, trace_id = run(main())
    assert nodes == [
        {"traceId": trace_id, "rootName": "GET /live", "spanCount": 1, "services": [service]}
    ]


def test_a_quiet_trace_is_sent_again_as_it_stands(stack):
    """A trace goes out when it gains spans, and once more, with all its spans, when none
    committed for OLLYGRAPH_LIVE_TRACE_QUIET seconds; then nothing more."""
    service = f"quiet-{uuid.uuid4().hex[:6]}"

    def root() -> tuple[str, Any]:
        with stack.sdk(service) as (tracer, _):
            span = tracer.start_span("GET /quiet")
            span.end()
        return f"{span.get_span_context().trace_id:032x}", span

    def child(parent: Any) -> None:
        with stack.sdk(service) as (tracer, _):
            tracer.start_span("SELECT", context=trace.set_span_in_context(parent)).end()

    async def main() -> tuple[list[Any], float, list[Any]]:
        live = await Live.open(stack)
        sid = await live.subscribe(TRACES, filter={"service": service})
        await live.started(sid)
        trace_id, span = await asyncio.to_thread(root)
        mine = lambda n: n["traceId"] == trace_id  # noqa: E731
        first, _ = await live.until(sid, "traces", mine)
        await asyncio.to_thread(child, span)
        gained, _ = await live.until(sid, "traces", lambda n: mine(n) and n["spanCount"] == 2)
        since = time.monotonic()
        again, _ = await live.until(sid, "traces", mine)
        waited = time.monotonic() - since
        with pytest.raises(TimeoutError):  # sent again once, not every period
            await asyncio.wait_for(live.message(sid), QUIET * 2)
        await live.close()
        return first + gained, waited, again

    sent, waited, again = run(main())
    assert [n["spanCount"] for n in sent] == [1, 2]
    assert again == [sent[-1]]
    assert QUIET - 1 <= waited <= QUIET * 3


ANALYSED = """subscription ($filter: TraceFilter) {
  traces(filter: $filter) { cursor nodes { traceId serviceBreakdown { spanCount } } }
}"""


def test_a_trace_sent_again_is_analysed_as_it_then_stands(stack):
    """A subscription's context lives across batches: what it worked out of a trace's
    spans for one batch (its analysis) is not reused for the next."""
    service = f"analysed-{uuid.uuid4().hex[:6]}"

    def root() -> Any:
        with stack.sdk(service) as (tracer, _):
            span = tracer.start_span("GET /analysed")
            span.end()
        return span

    def child(parent: Any) -> None:
        with stack.sdk(service) as (tracer, _):
            tracer.start_span("SELECT", context=trace.set_span_in_context(parent)).end()

    async def main() -> list[int]:
        live = await Live.open(stack)
        sid = await live.subscribe(ANALYSED, filter={"service": service})
        await live.started(sid)
        span = await asyncio.to_thread(root)
        trace_id = f"{span.get_span_context().trace_id:032x}"
        counts = lambda n: sum(s["spanCount"] for s in n["serviceBreakdown"])  # noqa: E731
        first, _ = await live.until(sid, "traces", lambda n: n["traceId"] == trace_id)
        await asyncio.to_thread(child, span)
        gained, _ = await live.until(
            sid, "traces", lambda n: n["traceId"] == trace_id and counts(n) == 2)
        await live.close()
        return [counts(n) for n in first + gained]

    counts = run(main())  # a quiet-period send in between repeats 1
    assert counts[0] == 1 and counts[-1] == 2


POINTS = """subscription ($name: String!, $filter: [AttributeFilter!], $service: String) {
  metricPoints(name: $name, filter: $filter, service: $service) {
    cursor nodes { value attributes }
  }
}"""


def test_metric_points_subscription(stack):
    """The points of one metric that match the point filters, as they commit: other
    attribute sets, services and metrics are left out."""
    service, name = f"points-{uuid.uuid4().hex[:6]}", f"live.requests.{uuid.uuid4().hex[:6]}"

    @contextlib.contextmanager
    def meter(svc: str) -> Iterator[tuple[Any, Any]]:
        reader = metrics_export.PeriodicExportingMetricReader(
            OTLPMetricExporter(endpoint=stack.otlp, insecure=True),
            export_interval_millis=3_600_000,
        )
        provider = sdk_metrics.MeterProvider(
            metric_readers=[reader], resource=Resource.create({"service.name": svc})
        )
        try:
            yield provider.get_meter("live-tests"), reader
        finally:
            provider.shutdown()

    def export(svc: str, adds: list[tuple[str, int]]) -> None:
        with meter(svc) as (m, _):
            counter, other = m.create_counter(name), m.create_counter(name + ".other")
            for route, n in adds:
                counter.add(n, {"route": route})
                other.add(n, {"route": route})
            # exported once, when the provider shuts down

    async def main() -> tuple[list[Any], dict[str, Any]]:
        await asyncio.to_thread(export, service, [("/a", 1)])  # the metric exists
        live = await Live.open(stack)
        sid = await live.subscribe(
            POINTS, name=name, service=service, filter=[{"key": "route", "value": "/a"}]
        )
        await live.started(sid)
        await asyncio.to_thread(export, "elsewhere", [("/a", 100)])
        await asyncio.to_thread(export, service, [("/b", 7), ("/a", 2)])
        await asyncio.to_thread(export, service, [("/a", 5)])
        nodes, _ = await live.until(sid, "metricPoints", lambda n: n["value"] == 5)
        unknown = await live.message(await live.subscribe(POINTS, name="no.such.metric"))
        await live.close()
        return nodes, unknown

    nodes, unknown = run(main())
    assert nodes == [
        {"value": 2, "attributes": {"route": "/a"}},
        {"value": 5, "attributes": {"route": "/a"}},
    ]
    assert [e["message"] for e in unknown["payload"]["errors"]] == [
        "no metric named 'no.such.metric' has been stored yet"
    ]


def test_caps_refuse_clearly(stack):
    async def main() -> dict[str, Any]:
        live = await Live.open(stack)
        for _ in range(3):
            await live.started(await live.subscribe(SPANS))
        refused = await live.message(await live.subscribe(LOGS))
        await live.close()
        return refused

    refused = run(main())
    assert refused["type"] == "next"
    assert [e["message"] for e in refused["payload"]["errors"]] == [
        "at most 3 live subscriptions per connection (OLLYGRAPH_LIVE_MAX_PER_CONNECTION)"
    ]


def test_bad_filter_and_cursor_fail_at_start_as_queries_do(stack):
    bad = {"timeRange": {"last": "soon"}}

    async def main() -> tuple[dict[str, Any], dict[str, Any]]:
        live = await Live.open(stack)
        filter_error = await live.message(await live.subscribe(SPANS, filter=bad))
        cursor_error = await live.message(await live.subscribe(SPANS, after="nonsense"))
        await live.close()
        return filter_error, cursor_error

    filter_error, cursor_error = run(main())
    query = "query ($f: SpanFilter) { spans(filter: $f) { nodes { name } } }"
    assert [
        e["message"].replace("Subscription.", "Query.") for e in filter_error["payload"]["errors"]
    ] == stack.errors(query, f=bad)
    assert [e["message"] for e in cursor_error["payload"]["errors"]] == [
        "`after` is not a cursor of this subscription"
    ]


def test_nested_filters_are_refused_at_start(stack):
    async def main() -> list[dict[str, Any]]:
        live = await Live.open(stack)
        found = [await live.message(await live.subscribe(SPANS, filter={
                     "hasParent": {"kind": "SERVER"}})),
                 await live.message(await live.subscribe(TRACES, filter={
                     "notSpans": [{"status": "ERROR"}]}))]
        await live.close()
        return found

    message = ("live subscriptions do not take nested filters (hasParent, hasChild, "
               "hasAncestor, hasDescendant, not, anyOf, allOf, spans, notSpans): a span's "
               "relatives may commit after it; query spans or traces for them")
    for refused in run(main()):
        assert [e["message"] for e in refused["payload"]["errors"]] == [message]


def test_a_consumer_too_far_behind_is_closed_with_a_message(stack):
    service = f"slow-{uuid.uuid4().hex[:6]}"

    def burst() -> None:  # one export, one commit: more than MAX_BEHIND spans at once
        with stack.sdk(service, batch=True) as (tracer, _):
            for i in range(MAX_BEHIND + 2):
                tracer.start_span(f"burst {i}").end()

    async def main() -> dict[str, Any]:
        live = await Live.open(stack)
        sid = await live.subscribe(SPANS, filter={"service": service})
        await live.started(sid)
        await asyncio.to_thread(burst)
        closed = await live.message(sid)
        await live.close()
        return closed

    closed = run(main())
    assert [e["message"] for e in closed["payload"]["errors"]] == [
        f"the subscription fell more than {MAX_BEHIND} items behind and was closed; "
        "subscribe again with `after` set to the last cursor received"
    ]


def test_malformed_protocol_message_closes_with_the_protocol_code(stack):
    async def main() -> int | None:
        live = await Live.open(stack)
        await live.ws.send("{not json")
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(live.ws.recv(), 30)
        return live.ws.close_code

    assert run(main()) == 4400
