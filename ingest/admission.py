"""Backpressure on request bodies: the bytes a process holds at once, across transports.

The pipeline bounds the items being flattened and written (`max_in_flight`); this bounds
what comes before, the request bodies being received and decoded, which the item bound
cannot see yet. Each request holds a `Ticket` that grows with its body (after
decompression, as it is read) and is given back when the request is answered. Growing
past the budget while other requests hold bytes raises `errors.Overloaded` (HTTP 429
with Retry-After, gRPC RESOURCE_EXHAUSTED with RetryInfo); a request alone is always
taken, so any request under the size limit can get through eventually.
"""

from __future__ import annotations

from ingest import errors

RETRY_AFTER_S = 1.0


class Budget:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.used = 0

    def ticket(self) -> Ticket:
        return Ticket(self)


class Ticket:
    """One request's share of the budget; use it as a context manager."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.held = 0

    def grow(self, size: int) -> None:
        """Hold `size` more bytes, or raise Overloaded."""
        budget = self.budget
        if budget.used > self.held and budget.used + size > budget.max_bytes:
            raise errors.Overloaded(
                f"{budget.used} bytes of requests in flight", retry_after=RETRY_AFTER_S)
        budget.used += size
        self.held += size

    def release(self) -> None:
        self.budget.used -= self.held
        self.held = 0

    def __enter__(self) -> Ticket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
