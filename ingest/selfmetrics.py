"""Ingest's own metrics (Prometheus, served at GET /metrics on the OTLP/HTTP port).

Requests by signal, transport and outcome, items accepted and rejected by reason,
retryable answers, request latency, items per request, rows and duration of each COPY
transaction, its retries, items and bytes in flight, database availability: every
metric, its labels and meaning are listed in docs/observability.md.

Items of a request refused before it was decoded (over the size limit, not decodable,
over the byte budget) are not known: such requests count in `requests_total` only.
With several workers the gauges add up over the live workers (`livesum`), except
`database_up`, the lowest of them (`livemin`): see `ollygraph/telemetry.py`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge, Histogram

from ingest import admission
from ollygraph import logs, store

if TYPE_CHECKING:  # the writer reports here, and the signals' modules import the writer
    from ingest import outcome, signals
    from ingest.pipeline import Pipeline

ITEM_BUCKETS = (1, 10, 50, 100, 500, 1000, 5000, 10_000, 50_000, 100_000)

REQUESTS = Counter("ollygraph_ingest_requests", "OTLP export requests by outcome",
                   ["signal", "transport", "outcome"])
ACCEPTED = Counter("ollygraph_ingest_items_accepted",
                   "Items (spans, log records, data points) answered as stored", ["signal"])
REJECTED = Counter("ollygraph_ingest_items_rejected",
                   "Items of decoded requests that were refused, by reason", ["signal", "reason"])
RETRYABLE = Counter("ollygraph_ingest_retryable_responses",
                    "Answers that ask the client to retry (503/429, UNAVAILABLE/"
                    "RESOURCE_EXHAUSTED with RetryInfo)", ["signal", "transport", "reason"])
DURATION = Histogram("ollygraph_ingest_request_duration_seconds",
                     "Export request duration, arrival to answer", ["signal", "transport"])
REQUEST_ITEMS = Histogram("ollygraph_ingest_request_items", "Items per decoded export request",
                          ["signal"], buckets=ITEM_BUCKETS)
WRITE_ROWS = Histogram("ollygraph_ingest_write_rows", "Rows per COPY transaction", ["signal"],
                       buckets=ITEM_BUCKETS)
WRITE_SECONDS = Histogram("ollygraph_ingest_write_seconds",
                          "COPY transaction duration, connection taken to commit", ["signal"])
WRITE_RETRIES = Counter("ollygraph_ingest_write_retries", "Batches written again, by reason",
                        ["signal", "reason"])
IN_FLIGHT_ITEMS = Gauge("ollygraph_ingest_in_flight_items", "Items decoded and not answered yet",
                        ["signal"], multiprocess_mode="livesum")
IN_FLIGHT_BYTES = Gauge("ollygraph_ingest_in_flight_bytes",
                        "Request body bytes held (after decompression)",
                        multiprocess_mode="livesum")
DATABASE_UP = Gauge("ollygraph_ingest_database_up",
                    "1 while the readiness check reaches a writable database",
                    multiprocess_mode="livemin")

OUTCOMES = {400: "invalid", 413: "too_large", 415: "unsupported", 429: "overloaded",
            503: "unavailable", 500: "internal"}
RETRY_REASONS = ("overloaded", "unavailable")


def prepare() -> None:
    """Make every labelled series exist at zero, so a rate is defined before the first event."""
    for signal in store.SIGNALS:
        ACCEPTED.labels(signal.name)
        for reason in ("invalid", *RETRY_REASONS, "internal"):
            REJECTED.labels(signal.name, reason)
        for transport in ("grpc", "http"):
            for reason in RETRY_REASONS:
                RETRYABLE.labels(signal.name, transport, reason)
        IN_FLIGHT_ITEMS.labels(signal.name)
    IN_FLIGHT_BYTES.set(0)


class Export:
    """One export request, from its arrival to its answer (`answered` or `failed`)."""

    def __init__(self, signal: signals.Signal, transport: str) -> None:
        self.signal, self.transport = signal, transport
        self.start = time.perf_counter()
        self.items = 0

    def decoded(self, items: int) -> None:
        """The request is parsed: its `items` are in flight until the answer."""
        name = self.signal.name
        self.items = items
        REQUEST_ITEMS.labels(name).observe(self.items)
        IN_FLIGHT_ITEMS.labels(name).inc(self.items)

    def answered(self, rejected: int) -> None:
        """Success, with `rejected` items refused (partial success)."""
        name = self.signal.name
        ACCEPTED.labels(name).inc(max(0, self.items - rejected))
        if rejected:
            REJECTED.labels(name, "invalid").inc(rejected)
        self._end("partial" if rejected else "ok", "OK")

    def failed(self, fail: outcome.Failure) -> None:
        """The whole request is refused: every decoded item with it."""
        kind = OUTCOMES.get(fail.http_status, "internal")
        if self.items:
            REJECTED.labels(self.signal.name, kind).inc(self.items)
        if kind in RETRY_REASONS:
            RETRYABLE.labels(self.signal.name, self.transport, kind).inc()
        self._end(kind, fail.grpc_code.name)

    def unsupported(self) -> None:
        """Refused for its Content-Type (HTTP 415)."""
        self._end("unsupported", "UNIMPLEMENTED")

    def disconnected(self) -> None:
        self._end("disconnected", "CANCELLED")

    def _end(self, kind: str, grpc_status: str) -> None:
        name, elapsed = self.signal.name, time.perf_counter() - self.start
        if self.items:
            IN_FLIGHT_ITEMS.labels(name).dec(self.items)
            self.items = 0
        REQUESTS.labels(name, self.transport, kind).inc()
        DURATION.labels(name, self.transport).observe(elapsed)
        if self.transport == "grpc":  # HTTP requests are logged by logs.AccessLog
            logs.access("grpc", self.signal.grpc_method, None, grpc_status, elapsed)


class Budget(admission.Budget):
    """The byte budget, its use mirrored in `ollygraph_ingest_in_flight_bytes`."""

    @property  # type: ignore[override]
    def used(self) -> int:
        return self._used

    @used.setter
    def used(self, value: int) -> None:
        IN_FLIGHT_BYTES.inc(value - getattr(self, "_used", 0))
        self._used = value


def name_writers(pipeline: Pipeline) -> None:
    """Label each signal's writer, for the COPY metrics."""
    for name, writer in pipeline.writers.items():
        writer.name = name


async def database_up(ready: bool) -> None:
    DATABASE_UP.set(1 if ready else 0)
