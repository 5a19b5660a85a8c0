"""Live subscriptions end to end: the OpenTelemetry SDK -> OTLP ingest -> commit NOTIFY ->
a GraphQL subscription over a real websocket (graphql-transport-ws)."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from opentelemetry.trace import Status, StatusCode
from websockets.asyncio.client import connect

pytestmark = pytest.mark.db

MAX_BEHIND = 8
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
def gateway_executor() -> str:
    return "direct"


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    return {"OLLYGRAPH_LIVE_MAX_PER_CONNECTION": "3", "OLLYGRAPH_LIVE_MAX_BEHIND": str(MAX_BEHIND)}


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
