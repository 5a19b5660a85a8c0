"""Ingest memory under large concurrent requests: prints figures, asserts nothing.

    .venv/bin/python -m bench.memory [--database-url postgresql://...] [--requests 8]
        [--shape one-span|many-spans] [--workers N] [--max-in-flight-bytes N]

Starts `ollygraph ingest` on a fresh migrated schema (an embedded PostgreSQL in a
temporary directory without --database-url), measures its baseline resident memory (summed
over its process tree, workers included), then sends --requests concurrent OTLP/HTTP
protobuf requests of about 17 MB, retrying 429 and 503 after their Retry-After as an OTLP
exporter does, while sampling the resident memory every 50 ms. Shapes: `one-span`, one
span with 1,000,000 string attributes (tests/ingest/large.py); `many-spans`, ordinary
spans (bench/ingest.py's, ~10 attributes each) making about 16.5 MB a request.

Prints per request its answers and the time until it was stored, then the baseline RSS,
the peak, peak - baseline, the in-flight byte budget (`max_in_flight_bytes`, held by each
worker process), the bound baseline + 1.5 x budget x workers and whether the peak stayed
within it; and the spans counted in
the store against those sent.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import threading
import time

import httpx

from bench.abuse import PROTOBUF
from bench.gateway import database
from bench.ingest import process_tree, span_requests
from ollygraph import migrate, settings
from tests.conftest import drop_schema, new_schema_name
from tests.gateway.abuse import rss_mib
from tests.ingest import large, receiver

MIB = 1024 * 1024
TARGET_BYTES = 16_500_000  # a many-spans request's size
RETRIED = {429, 503}


def tree_rss_mib(pid: int) -> float:
    """Resident memory of `pid` and its descendants (the workers of `--workers N`)."""
    total = 0.0
    for p in process_tree(pid):
        with contextlib.suppress(OSError):
            total += rss_mib(p)
    return total


class Sampler(threading.Thread):
    """The process tree's resident memory every `every` s until stopped."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[float] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while True:
            self.samples.append(tree_rss_mib(self.pid))
            if self._halt.wait(self.every):
                break

    def stop(self) -> list[float]:
        self._halt.set()
        self.join()
        self.samples.append(tree_rss_mib(self.pid))
        return self.samples


def bodies(shape: str, n: int) -> tuple[list[bytes], int]:
    """`n` serialized requests of `shape` and the spans they hold in all."""
    if shape == "one-span":
        return [large.one_span(1_000_000, name=f"big-{i}")[1] for i in range(n)], n
    probe = span_requests(1000, 1000)[0].ByteSize()
    per_request = TARGET_BYTES * 1000 // probe
    requests = span_requests(n * per_request, per_request)
    return [r.SerializeToString() for r in requests], n * per_request


def send(url: str, body: bytes) -> tuple[list[str], float]:
    """POST `body` until it is answered other than 429/503, sleeping as told; the answers
    seen and the time until the last one."""
    answers, start = [], time.perf_counter()
    with httpx.Client(base_url=url, timeout=300) as client:
        while True:
            reply = client.post(large.TRACES.http_path, content=body, headers=PROTOBUF)
            answers.append(str(reply.status_code))
            if reply.status_code not in RETRIED:
                return answers, time.perf_counter() - start
            time.sleep(float(reply.headers.get("retry-after", "1")))


def summarize(answers: list[str]) -> str:
    runs: list[list] = []
    for a in answers:
        if runs and runs[-1][0] == a:
            runs[-1][1] += 1
        else:
            runs.append([a, 1])
    return " ".join(a if k == 1 else f"{a}x{k}" for a, k in runs)


def run(url: str, schema: str, args: argparse.Namespace) -> None:
    budget = args.max_in_flight_bytes or settings.load(environ={}).max_in_flight_bytes
    payloads, spans = bodies(args.shape, args.requests)
    flags = ["--workers", str(args.workers), "--max-in-flight-bytes", str(budget)]
    with receiver.running(url, schema, *flags) as ingest:
        pid = ingest.process.pid
        time.sleep(1)  # the workers settle
        idle = Sampler(pid)
        idle.start()
        time.sleep(1)
        baseline = max(idle.stop())
        sizes = sorted({round(len(b) / 1e6, 1) for b in payloads})
        print(
            f"ingest (pid {pid}, {args.workers} worker(s)): {args.requests} concurrent "
            f"{args.shape} requests of {'/'.join(map(str, sizes))} MB, {spans:,} spans in all"
        )
        sampler = Sampler(pid)
        sampler.start()
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.requests) as pool:
            results = list(pool.map(lambda b: send(ingest.http_url, b), payloads))
        took = time.perf_counter() - start
        samples = sampler.stop()
        with receiver.psycopg_connection(url) as sql:
            stored = receiver.count_spans(sql, schema)
    for i, (answers, done_at) in enumerate(results):
        print(f"  request {i}: answers {summarize(answers):28} stored after {done_at:6.2f} s")
    peak = max(samples)
    bound = baseline + 1.5 * budget * args.workers / MIB  # each worker has its own budget
    print(f"  all answered in {took:.2f} s; {len(samples)} RSS samples")
    print(f"  baseline RSS       {baseline:8.0f} MiB")
    print(f"  peak RSS           {peak:8.0f} MiB")
    print(f"  peak - baseline    {peak - baseline:8.0f} MiB")
    print(f"  in-flight budget   {budget / MIB:8.0f} MiB (max_in_flight_bytes, per worker process)")
    print(
        f"  bound              {bound:8.0f} MiB (baseline + 1.5 x budget x {args.workers} "
        f"worker(s)): "
        f"{'held' if peak <= bound else 'NOT held'}"
    )
    print(
        f"  spans stored       {stored:,} of {spans:,} sent"
        f"{'' if stored == spans else '  (MISMATCH)'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=8)
    parser.add_argument("--shape", choices=["one-span", "many-spans"], default="one-span")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--max-in-flight-bytes",
        type=int,
        default=None,
        help="ingest's budget (default: the settings' default)",
    )
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = database(stack, args.database_url)
        schema = new_schema_name("memory")
        migrate.upgrade(url, schema)
        stack.callback(drop_schema, url, schema)
        run(url, schema, args)


if __name__ == "__main__":
    main()
