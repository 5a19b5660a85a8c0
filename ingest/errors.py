"""Errors the store side of ingest raises to the receivers.

Both are retryable: the receivers answer gRPC UNAVAILABLE / HTTP 503 for `Unavailable`
and RESOURCE_EXHAUSTED with RetryInfo / HTTP 429 for `Overloaded`, with `retry_after`
(seconds) as the hint when it is set.
"""

from __future__ import annotations


class _Retryable(Exception):
    default_retry_after: float | None = None

    def __init__(self, message: str = "", retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = self.default_retry_after if retry_after is None else retry_after


class Unavailable(_Retryable):
    """The database is down, unreachable or too slow; try again later."""

    # Standard exporters give up after a fixed number of attempts (6 in the Python SDK)
    # and wait exactly the hint between them, so a short hint makes them drop data after
    # a few seconds of outage; 5 s (the OTLP specification's example) keeps them trying
    # about as long as their own exponential backoff would.
    default_retry_after = 5.0


class Overloaded(_Retryable):
    """Too much data is in flight (backpressure); try again after `retry_after` seconds."""
