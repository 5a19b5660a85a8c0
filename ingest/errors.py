"""Errors the store side of ingest raises to the receivers.

Both are retryable: the receivers answer gRPC UNAVAILABLE / HTTP 503 for `Unavailable`
and RESOURCE_EXHAUSTED with RetryInfo / HTTP 429 for `Overloaded`, with `retry_after`
(seconds) as the hint when it is set.
"""

from __future__ import annotations


class _Retryable(Exception):
    def __init__(self, message: str = "", retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(_Retryable):
    """The database is down, unreachable or too slow; try again later."""


class Overloaded(_Retryable):
    """Too much data is in flight (backpressure); try again after `retry_after` seconds."""
