"""Large requests beside small ones: decoded and flattened off the event loop, written in
several COPY statements of one transaction, held against the budget by their decoded
size. Health checks and a small exporter are served while they are worked on."""

from __future__ import annotations

import asyncio

import asyncpg
import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from ingest import offload, writer
from ollygraph import db
from tests.ingest import large, receiver

ATTRIBUTES = 100_000   # about 1.6 MB: over offload.OFFLOAD_BYTES
HEADERS = {"content-type": "application/x-protobuf"}


async def _send_until_stored(client: httpx.AsyncClient, body: bytes) -> list[int]:
    """POST `body`, retrying as told; the statuses seen."""
    statuses = []
    while True:
        reply = await client.post(large.TRACES.http_path, content=body, headers=HEADERS)
        statuses.append(reply.status_code)
        if reply.status_code != 429:
            return statuses
        await asyncio.sleep(float(reply.headers["retry-after"]))


async def _grpc_export(target: str, body: bytes) -> None:
    async with grpc.aio.insecure_channel(target, options=[
            ("grpc.max_send_message_length", 64 * 1024 * 1024)]) as channel:
        export = channel.unary_unary(large.TRACES.grpc_method)
        await export(body, timeout=120)


async def _beside(ingest: receiver.Ingest, busy: asyncio.Future) -> dict[str, list]:
    """Health checks (HTTP and gRPC) and small exports, over and over until `busy` is done."""
    seen: dict[str, list] = {"livez": [], "healthz": [], "grpc": [], "small": []}
    async with httpx.AsyncClient(base_url=ingest.http_url, timeout=60) as client, \
            grpc.aio.insecure_channel(ingest.grpc_target) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        while not busy.done():
            seen["livez"].append((await client.get("/livez")).status_code)
            seen["healthz"].append((await client.get("/healthz")).status_code)
            check = await health.Check(health_pb2.HealthCheckRequest(), timeout=60)
            seen["grpc"].append(check.status)
            reply = await client.post(large.TRACES.http_path, content=large.small(),
                                      headers=HEADERS)
            seen["small"].append(reply.status_code)
            await asyncio.sleep(0.05)
    return seen


async def _scenario(ingest: receiver.Ingest, bodies: list[bytes]) -> tuple[list, dict]:
    async with httpx.AsyncClient(base_url=ingest.http_url, timeout=120) as client:
        big = asyncio.gather(*(_send_until_stored(client, b) for b in bodies[:-1]),
                             _grpc_export(ingest.grpc_target, bodies[-1]))
        seen = await _beside(ingest, big)
        return await big, seen


def test_large_requests_are_stored_while_health_and_small_exports_are_served(
        database_url, module_schema, sql) -> None:
    requests = [large.one_span(ATTRIBUTES, name=f"large-{i}") for i in range(4)]
    assert all(len(body) > offload.OFFLOAD_BYTES for _, body in requests)
    with receiver.running(database_url, module_schema) as ingest:
        results, seen = asyncio.run(_scenario(ingest, [body for _, body in requests]))
    assert all(statuses[-1] == 200 for statuses in results[:-1]), results
    assert seen["small"] and set(seen["small"]) == {200}
    assert set(seen["livez"]) == set(seen["healthz"]) == {200}
    assert set(seen["grpc"]) == {health_pb2.HealthCheckResponse.SERVING}
    counts = receiver.query(
        sql, module_schema,
        "SELECT s.name, (SELECT count(*) FROM jsonb_object_keys(a.attributes)) "
        "FROM otel_spans_fact AS s JOIN otel_span_attrs_other AS a USING (span_pk) "
        "WHERE s.name LIKE 'large-%%' ORDER BY s.name")
    assert counts == [(f"large-{i}", ATTRIBUTES) for i in range(4)]


@pytest.fixture
async def pool(database_url, module_schema):
    pool = await db.create_pool(database_url, module_schema, max_size=2)
    async with pool.acquire() as conn:
        await conn.execute("DROP TABLE IF EXISTS copy_parts")
        await conn.execute("CREATE TABLE copy_parts (n int CHECK (n <> 13), t text)")
    yield pool
    async with pool.acquire() as conn:
        await conn.execute("DROP TABLE copy_parts")
    await pool.close()


async def test_a_large_table_is_copied_in_parts_of_one_transaction(pool, monkeypatch) -> None:
    monkeypatch.setattr(writer, "COPY_ROWS", 10)
    out = writer.Writer(pool, [writer.Table("copy_parts", ("n", "t"))], [])
    try:
        await out.submit(writer.Batch({"copy_parts": [(n, "a") for n in range(20, 55)]}, 35))
        assert await pool.fetchval("SELECT count(*) FROM copy_parts") == 35
        # the 3rd of 4 parts fails (n = 13): the parts before it are not kept
        with pytest.raises(asyncpg.CheckViolationError):
            await out.submit(writer.Batch({"copy_parts": [(n, "b") for n in range(40, 5, -1)]},
                                          35))
        assert await pool.fetchval("SELECT count(*) FROM copy_parts WHERE t = 'b'") == 0
    finally:
        await out.close()
