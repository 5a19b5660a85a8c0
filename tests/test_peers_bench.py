"""The comparison bench's PostGraphile schema (bench/peers/postgraphile.sql) over a real
store: it is created beside the store without touching it, and its functions answer what
the store's own views say. Needs neither node nor npm."""

from __future__ import annotations

import random
import time

import pytest

from bench import gateway
from bench.peers import compare
from tests.conftest import drop_schema
from tests.ingest import storekit as kit


@pytest.fixture(scope="module")
async def peers(database_url: str, module_schema: str):
    trace_id, traces, logs = gateway.big_trace(random.Random(3))
    async with kit.started(database_url, module_schema) as pipe:
        for request in gateway.trace_requests(2000, per_trace=10, batch=1000, seed=5):
            await pipe.export("traces", request)
        await pipe.export("traces", traces)
        await pipe.export("logs", logs)
    name = f"{module_schema}_pg"
    conn = kit.connect(database_url, module_schema)
    before = conn.execute(
        "SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
    ).fetchone()
    conn.execute(compare.peers_sql(module_schema, name))
    yield conn, name, trace_id.hex(), before
    conn.close()
    drop_schema(database_url, name)


def test_the_peer_schema_reads_the_store(peers):
    conn, name, trace_id, before = peers
    after = conn.execute(
        "SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
    ).fetchone()
    assert after == before

    spans = conn.execute(f'SELECT * FROM "{name}".trace_spans(%s)', (trace_id,)).fetchall()
    expected = conn.execute(
        "SELECT * FROM v_otel_spans_enriched WHERE trace_id = %s "
        "ORDER BY start_time_unix_nano, span_pk",
        (trace_id,),
    ).fetchall()
    assert len(spans) == 500 and spans == expected

    logs = conn.execute(f'SELECT * FROM "{name}".trace_logs(%s)', (trace_id,)).fetchall()
    expected = conn.execute(
        "SELECT * FROM v_otel_logs_enriched WHERE trace_id = %s ORDER BY ts_unix_nano, log_id",
        (trace_id,),
    ).fetchall()
    assert len(logs) == 500 and logs == expected


def test_the_peer_search_finds_what_the_views_find(peers):
    conn, name, _, _ = peers
    ((route, tenant),) = conn.execute(
        "SELECT attributes ->> 'http.route', attributes ->> 'tenant.id' "
        "FROM v_otel_spans_enriched ORDER BY span_pk LIMIT 1"
    ).fetchall()
    since = time.time_ns() - compare.ONE_WEEK_NS
    found = conn.execute(
        f'SELECT trace_id FROM "{name}".search_traces(%s, %s, %s)', (route, tenant, since)
    ).fetchall()
    expected = conn.execute(
        "SELECT t.trace_id FROM v_otel_traces AS t WHERE t.trace_id IN ("
        "  SELECT trace_id FROM v_otel_spans_enriched WHERE attributes ->> 'http.route' = %s"
        "  AND attributes ->> 'tenant.id' = %s AND start_time_unix_nano >= %s) "
        "ORDER BY t.start_time_unix_nano DESC LIMIT 20",
        (route, tenant, since),
    ).fetchall()
    assert found and found == expected
