"""Abuse benchmark: a hostile client against real processes; prints figures, asserts nothing.

    .venv/bin/python -m bench.abuse [--database-url postgresql://...]

Starts `ollygraph ingest` and `ollygraph gateway` on a fresh schema (an embedded
PostgreSQL in a temporary directory without --database-url), stores a 1,000-span trace,
then runs each case of tests/gateway/abuse.py while a prober GETs the gateway's /healthz
every 50 ms and samples the gateway's resident memory; per case it prints the answer, the
time to it, the gateway's peak RSS and the health probes' p50 / max latency. Then 8
concurrent ~17 MB OTLP/HTTP requests (one span with 1,000,000 attributes each) go to
ingest while a prober GETs ingest's /healthz and sends a one-span export every 100 ms:
each request's first answer and its time, when it was stored (after retrying 429s as
told), and the probes' max latency.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from ollygraph import migrate
from tests.conftest import drop_schema, new_schema_name
from tests.gateway import abuse
from tests.ingest import large, receiver, storekit

PROTOBUF = {"content-type": "application/x-protobuf"}


class Prober(threading.Thread):
    """GETs `url` every `every` s (and runs `also()`, if given) until stopped; records each
    probe's latency (None for a failure) and the peak RSS of `pid`."""

    def __init__(self, url: str, pid: int | None = None, every: float = 0.05,
                 also: Callable[[], Any] | None = None) -> None:
        super().__init__(daemon=True)
        self.url, self.pid, self.every, self.also = url, pid, every, also
        self.latencies: list[float | None] = []
        self.peak_rss = 0.0
        self.others: list[Any] = []
        self._halt = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while True:       # at least one probe, however short the case
                start = time.perf_counter()
                try:
                    ok = client.get(self.url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.latencies.append(time.perf_counter() - start if ok else None)
                if self.pid:
                    self.peak_rss = max(self.peak_rss, abuse.rss_mib(self.pid))
                if self.also is not None:
                    self.others.append(self.also())
                if self._halt.wait(self.every):
                    break

    def stop(self) -> Prober:
        self._halt.set()
        self.join()
        if self.pid:
            self.peak_rss = max(self.peak_rss, abuse.rss_mib(self.pid))
        return self

    def summary(self) -> str:
        ok = sorted(x for x in self.latencies if x is not None)
        failed = len(self.latencies) - len(ok)
        if not ok:
            return f"health: {failed} probes, all failed"
        return (f"health p50 {statistics.median(ok) * 1000:6.1f} ms, max {ok[-1] * 1000:7.1f} ms"
                f", {failed} failed of {len(self.latencies)}")


@contextlib.contextmanager
def probing(url: str, pid: int | None = None, **options: Any) -> Iterator[Prober]:
    prober = Prober(url, pid, **options)
    prober.start()
    try:
        yield prober
    finally:
        prober.stop()


def answer(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    codes = [c for c in abuse.codes(body) if c]
    return f"HTTP {response.status_code} {','.join(codes) or 'ok'}"


def gateway_cases(url: str, trace_id: str) -> dict[str, Callable[[httpx.Client], str]]:
    def post(query: str, variables: dict[str, Any] | None = None) -> Callable[..., str]:
        # encoded here, so the time of a case is the gateway's, not the client's encoding
        return raw(json.dumps({"query": query, "variables": variables or {}}).encode())

    def raw(content: bytes) -> Callable[..., str]:
        return lambda c: answer(c.post("/graphql", content=content,
                                       headers={"content-type": "application/json"}))

    return {
        "fan-out query, depth 7": post(abuse.FANOUT, {"id": trace_id}),
        "the 1,000-span trace (normal)": post(abuse.TRACE, {"id": trace_id}),
        "10,000 attribute filters": post(abuse.SPANS, abuse.filters(10_000)),
        "100,000 attribute filters (3.5 MB)": post(abuse.SPANS, abuse.filters(100_000)),
        "1,000,000 attribute filters (35 MB)": post(abuse.SPANS, abuse.filters(1_000_000)),
        "IN list of 100,000 values": post(abuse.SPANS, abuse.in_list(100_000)),
        "variables nested 100,000 deep": raw(abuse.deep_json(100_000)),
        "cursor of JSON nested 5,000 deep": post(abuse.TRACES,
                                                 {"after": abuse.deep_cursor(5000)}),
        'timeRange.last "99999999999999999999d"': post(
            abuse.TRACES, {"f": {"timeRange": {"last": "99999999999999999999d"}}}),
        "NUL in a service filter": post(abuse.TRACES, {"f": {"service": "a\x00b"}}),
    }


def run_gateway_cases(database_url: str, schema: str, trace_id: str) -> None:
    print("\ngateway (each case alone; /healthz probed every 50 ms)")
    with abuse.gateway(database_url, schema) as url, httpx.Client(base_url=url,
                                                                    timeout=120) as client:
        for name, case in gateway_cases(url, trace_id).items():
            with probing(f"{url}/healthz", url.pid) as prober:
                start = time.perf_counter()
                got = case(client)
                took = time.perf_counter() - start
            print(f"  {name:42} {got:32} {took * 1000:8.1f} ms  RSS {prober.peak_rss:6.0f} MiB"
                  f"  {prober.summary()}")
        print(f"  {'12 concurrent queries of one client':42} ", end="")
        print(concurrent_case(url, database_url, schema))
    proxy = abuse.Proxy(database_url)
    try:
        with abuse.gateway(proxy.url, schema, queue_timeout=2) as url, \
                httpx.Client(base_url=url, timeout=60) as client:
            proxy.cut()
            with probing(f"{url}/healthz", url.pid) as prober:
                start = time.perf_counter()
                got = answer(client.post("/graphql", json={
                    "query": abuse.TRACE, "variables": {"id": trace_id}}))
                took = time.perf_counter() - start
            print(f"  {'database unreachable':42} {got:32} {took * 1000:8.1f} ms  RSS "
                  f"{prober.peak_rss:6.0f} MiB  {prober.summary()}")
    finally:
        proxy.close()


def concurrent_case(url: abuse.Gateway, database_url: str, schema: str) -> str:
    """12 concurrent queries of one client, each held by a lock on the span table for 7 s
    (as a slow REGEX filter holds its connection; longer than the queue timeout, 5 s),
    with /healthz probed meanwhile."""
    query = {"query": "{ spans(first: 1) { nodes { spanId } } }"}
    with httpx.Client(base_url=url, timeout=60) as client, \
            concurrent.futures.ThreadPoolExecutor(12) as pool, \
            probing(f"{url}/healthz", url.pid) as prober:
        start = time.perf_counter()
        with abuse.spans_locked(database_url, schema):
            futures = [pool.submit(client.post, "/graphql", json=query) for _ in range(12)]
            time.sleep(7)
        answers = [answer(f.result()) for f in futures]
        took = time.perf_counter() - start
    counts = {a: answers.count(a) for a in sorted(set(answers))}
    return (f"{counts}  {took * 1000:8.1f} ms  RSS {prober.peak_rss:6.0f} MiB  "
            f"{prober.summary()}")


def store_trace(ingest: receiver.Ingest, spans: int = 1000) -> str:
    trace_id, start = storekit.trace_id(), storekit.now_ns()
    items = [{"trace_id": trace_id, "span_id": storekit.span_id(), "name": f"op-{i}",
              "kind": 1, "start_time_unix_nano": start + i, "end_time_unix_nano": start + i + 9,
              "attributes": storekit.kvs({"i": i})} for i in range(spans)]
    body = large.TRACES.request(resource_spans=[{
        "resource": {"attributes": storekit.kvs({"service.name": "abuse"})},
        "scope_spans": [{"scope": {"name": "abuse"}, "spans": items}]}]).SerializeToString()
    reply = httpx.post(ingest.http_url + large.TRACES.http_path, content=body,
                       headers=PROTOBUF, timeout=60)
    reply.raise_for_status()
    return trace_id.hex()


def run_ingest_case(ingest: receiver.Ingest, n: int = 8, attributes: int = 1_000_000) -> None:
    bodies = [large.one_span(attributes, name=f"big-{i}")[1] for i in range(n)]
    print(f"\ningest: {n} concurrent requests of {len(bodies[0]) / 1e6:.1f} MB (one span with "
          f"{attributes:,} attributes each); /healthz and a one-span export every 100 ms")
    small = httpx.Client(base_url=ingest.http_url, timeout=60)

    def small_export() -> float | None:
        start = time.perf_counter()
        ok = small.post(large.TRACES.http_path, content=large.small(),
                        headers=PROTOBUF).status_code == 200
        return time.perf_counter() - start if ok else None

    def send(body: bytes) -> tuple[str, float, float]:
        start = time.perf_counter()
        with httpx.Client(base_url=ingest.http_url, timeout=120) as client:
            reply = client.post(large.TRACES.http_path, content=body, headers=PROTOBUF)
            first, first_at = reply.status_code, time.perf_counter() - start
            while reply.status_code == 429:
                time.sleep(float(reply.headers["retry-after"]))
                reply = client.post(large.TRACES.http_path, content=body, headers=PROTOBUF)
        return f"first HTTP {first}, finally {reply.status_code}", first_at, \
            time.perf_counter() - start

    with concurrent.futures.ThreadPoolExecutor(n) as pool, \
            probing(f"{ingest.http_url}/healthz", ingest.process.pid, every=0.1,
                    also=small_export) as prober:
        results = list(pool.map(send, bodies))
    for i, (what, first_at, done_at) in enumerate(results):
        print(f"  request {i}: {what:34} first answer {first_at:6.2f} s, stored after "
              f"{done_at:6.2f} s")
    exports = [x for x in prober.others if x is not None]
    print(f"  ingest {prober.summary()}; peak RSS {prober.peak_rss:.0f} MiB")
    if exports:
        print(f"  one-span exports beside them: {len(exports)} ok of {len(prober.others)}, "
              f"max {max(exports) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = args.database_url
        if not url:
            from ollygraph.embedded import EmbeddedPostgres

            url = stack.enter_context(EmbeddedPostgres(tempfile.mkdtemp(prefix="abuse-")))
        schema = new_schema_name("abuse")
        migrate.upgrade(url, schema)
        stack.callback(drop_schema, url, schema)
        ingest = stack.enter_context(receiver.running(url, schema))
        trace_id = store_trace(ingest)
        run_gateway_cases(url, schema, trace_id)
        run_ingest_case(ingest)


if __name__ == "__main__":
    main()
