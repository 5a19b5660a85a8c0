"""A flood of concurrent exporters over HTTP and gRPC against small in-flight bounds.

The ingest process gets far more than its bounds let in at once: the overflow is told to
retry (429 with Retry-After, RESOURCE_EXHAUSTED with RetryInfo), its memory stays
bounded, and the exporters, retrying as told, get every span stored exactly once.
"""

from __future__ import annotations

import asyncio
import collections
import random

import grpc
import httpx
from google.rpc import error_details_pb2

from ingest import admission, signals
from ingest import grpc as grpc_receiver
from tests.ingest import receiver, storekit

CLIENTS = 24  # per transport
REQUESTS = 3  # per client
SPANS = 200  # per request
TRACES = signals.BY_NAME["traces"]


def request(name: str):
    """SPANS spans of one trace, each with a few attributes, named `name`-<i>."""
    trace_id, root = storekit.trace_id(), storekit.span_id()
    spans = []
    for i in range(SPANS):
        start = storekit.now_ns()
        spans.append({"trace_id": trace_id, "span_id": root if i == 0 else storekit.span_id(),
                      "parent_span_id": b"" if i == 0 else root, "name": f"{name}-{i}",
                      "kind": 2, "start_time_unix_nano": start,
                      "end_time_unix_nano": start + 1000,
                      "attributes": storekit.kvs({"http.route": "/flood", "n": i,
                                                  "payload": "x" * 200})})
    return TRACES.request(resource_spans=[{
        "resource": {"attributes": storekit.kvs({"service.name": "flood"})},
        "scope_spans": [{"scope": {"name": "flood"}, "spans": spans}]}])


class Seen:
    def __init__(self) -> None:
        self.answers: collections.Counter[str] = collections.Counter()
        self.hints: set[float] = set()


async def http_client(url: str, name: str, seen: Seen) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        for r in range(REQUESTS):
            body = request(f"{name}-{r}").SerializeToString()
            while True:
                reply = await client.post(TRACES.http_path, content=body,
                                          headers={"content-type": "application/x-protobuf"})
                seen.answers[f"http {reply.status_code}"] += 1
                if reply.status_code == 200:
                    break
                assert reply.status_code in (429, 503), reply.content
                delay = float(reply.headers["retry-after"])
                seen.hints.add(delay)
                await asyncio.sleep(delay * random.uniform(0.5, 1.5))


async def grpc_client(target: str, name: str, seen: Seen) -> None:
    async with grpc.aio.insecure_channel(target) as channel:
        export = channel.unary_unary(TRACES.grpc_method,
                                     request_serializer=lambda m: m.SerializeToString(),
                                     response_deserializer=TRACES.response.FromString)
        for r in range(REQUESTS):
            message = request(f"{name}-{r}")
            while True:
                try:
                    await export(message, timeout=120)
                except grpc.aio.AioRpcError as exc:
                    seen.answers[f"grpc {exc.code().name}"] += 1
                    assert exc.code() in (grpc.StatusCode.RESOURCE_EXHAUSTED,
                                          grpc.StatusCode.UNAVAILABLE), exc
                    info = dict(exc.trailing_metadata() or ())[grpc_receiver.RETRY_INFO_KEY]
                    delay = error_details_pb2.RetryInfo.FromString(info).retry_delay
                    seen.hints.add(delay.ToNanoseconds() / 1e9)
                    await asyncio.sleep(delay.ToNanoseconds() / 1e9 * random.uniform(0.5, 1.5))
                else:
                    seen.answers["grpc OK"] += 1
                    break


async def flood(ingest: receiver.Ingest, seen: Seen) -> None:
    await asyncio.gather(
        *(http_client(ingest.http_url, f"flood-http-{c}", seen) for c in range(CLIENTS)),
        *(grpc_client(ingest.grpc_target, f"flood-grpc-{c}", seen) for c in range(CLIENTS)))


def test_a_flood_is_pushed_back_and_every_span_arrives_once(database_url, module_schema, sql):
    # bounds: 3 requests' spans in the pipeline, ~8 requests' bodies in memory (decoded)
    body_bytes = len(request("size").SerializeToString())
    with receiver.running(database_url, module_schema, "--max-in-flight", str(3 * SPANS),
                          "--max-in-flight-bytes",
                          str(8 * admission.DECODED_FACTOR * body_bytes)) as ingest:
        before = ingest.peak_rss_kib()
        seen = Seen()
        asyncio.run(flood(ingest, seen))
        growth_mib = (ingest.peak_rss_kib() - before) / 1024
    total = 2 * CLIENTS * REQUESTS * SPANS
    assert seen.answers["http 200"] + seen.answers["grpc OK"] == 2 * CLIENTS * REQUESTS
    assert seen.answers["http 429"] > 0 and seen.answers["grpc RESOURCE_EXHAUSTED"] > 0, \
        seen.answers
    assert seen.hints == {1.0}
    assert receiver.query(sql, module_schema,
                          "SELECT count(*), count(DISTINCT (trace_id, span_id)) "
                          "FROM otel_spans_fact WHERE name LIKE 'flood-%%'") == [(total, total)]
    # ~6 MiB; without the bounds (all 48 requests in at once) the same flood takes ~25 MiB
    assert growth_mib < 16, f"peak memory grew by {growth_mib:.0f} MiB; {seen.answers}"
