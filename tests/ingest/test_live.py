"""ingest.live: the commit notifications of live subscriptions, on a real PostgreSQL."""

from __future__ import annotations

import asyncio

import asyncpg
import orjson
import pytest

from ingest import live
from ollygraph import migrate

pytestmark = pytest.mark.db


def test_ranges_are_runs_of_consecutive_keys():
    assert live.ranges([7, 3, 4, 5, 9, 10, 4]) == [[3, 5], [7, 7], [9, 10]]
    assert live.ranges([]) == []


def test_payloads_name_keys_and_bounds_never_data_and_stay_small():
    rows = [(k, 1000 + k, "secret") for k in range(0, 2 * live.MAX_RANGES * 2, 2)]
    texts = live.payloads("otel_spans_fact", rows)
    assert len(texts) == 2
    bodies = [orjson.loads(t) for t in texts]
    assert all(len(t) < 8000 and "secret" not in t for t in texts)
    assert [r for b in bodies for r in b["ranges"]] == [[k, k] for k, _, _ in rows]
    assert {(b["table"], b["from"], b["to"]) for b in bodies} == {
        ("otel_spans_fact", 1000, 1000 + rows[-1][0])}
    assert live.payloads("otel_span_events", rows) == []  # children: their fact says it


def test_notified_on_commit_only(database_url, migrated_schema):
    async def main() -> list[str]:
        url = migrate.libpq_url(database_url)
        settings = {"search_path": migrated_schema}
        listener = await asyncpg.connect(url, server_settings=settings)
        writer = await asyncpg.connect(url, server_settings=settings)
        got: asyncio.Queue[str] = asyncio.Queue()
        await listener.add_listener(f"{live.CHANNEL}.{migrated_schema}",
                                    lambda *args: got.put_nowait(args[3]))
        try:
            for keys, commit in (([1, 2], False), ([3, 4, 6], True)):
                tx = writer.transaction()
                await tx.start()
                await live.notify(writer, {"otel_logs_fact": [(k, 50 + k) for k in keys]})
                await (tx.commit() if commit else tx.rollback())
            first = await asyncio.wait_for(got.get(), 30)
            await writer.execute("SELECT pg_notify($1, 'end')",
                                 f"{live.CHANNEL}.{migrated_schema}")
            rest = [await asyncio.wait_for(got.get(), 30)]
            return [first, *rest]
        finally:
            await listener.close()
            await writer.close()

    first, end = asyncio.run(main())
    assert orjson.loads(first) == {"table": "otel_logs_fact", "ranges": [[3, 4], [6, 6]],
                                   "from": 53, "to": 56}
    assert end == "end"  # nothing from the rolled-back transaction came in between
