"""Live subscriptions where LISTEN is not used (OLLYGRAPH_LIVE_LISTEN=off, as behind a
transaction-mode pooler): the feed polls, with the same delivery and cursor semantics."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tests.gateway.test_live import SPANS, Live, run, send_spans

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def gateway_executor() -> str:
    return "direct"


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    return {"OLLYGRAPH_LIVE_LISTEN": "off", "OLLYGRAPH_LIVE_POLL_INTERVAL": "0.2"}


def test_polling_delivers_and_resumes_without_gaps_or_duplicates(stack):
    service = f"poll-{uuid.uuid4().hex[:6]}"
    flt = {"service": service, "status": "ERROR"}

    async def main() -> tuple[list, list]:
        live = await Live.open(stack)
        sid = await live.subscribe(SPANS, filter=flt)
        await live.started(sid)
        await asyncio.to_thread(send_spans, stack, service, ("ok", False), ("bad one", True))
        first, cursor = await live.until(sid, "spans", lambda n: n["name"] == "bad one")
        await live.close()
        await asyncio.to_thread(send_spans, stack, service, ("bad two", True), ("ok", False))
        live = await Live.open(stack)
        sid = await live.subscribe(SPANS, filter=flt, after=cursor)
        await asyncio.to_thread(send_spans, stack, service, ("bad three", True))
        resumed, _ = await live.until(sid, "spans", lambda n: n["name"] == "bad three")
        await live.close()
        return first, resumed

    first, resumed = run(main())
    assert [n["name"] for n in first] == ["bad one"]
    assert [n["name"] for n in resumed] == ["bad two", "bad three"]
