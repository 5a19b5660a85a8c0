"""Backpressure on request bodies: the bytes a process holds at once, across transports.

The pipeline bounds the items being flattened and written (`max_in_flight`); this bounds
what comes before, the request bodies being received and decoded, which the item bound
cannot see yet. Each request holds a `Ticket` that grows with its body (after
decompression, as it is read; at once when the body's length is declared) and is given
back when the request is answered. Growing past the budget while other requests hold
bytes raises `errors.Overloaded` (HTTP 429 with Retry-After, gRPC RESOURCE_EXHAUSTED with
RetryInfo); a request alone is always taken, so any request under the size limit can get
through eventually.

The budget is of memory, not of bodies: a body of n bytes holds `DECODED_FACTOR` x n, an
estimate of what it takes once decoded and flattened. Measured as the growth of the
process's resident memory while one request is parsed and flattened, over its serialized
size: 7.3x for 20,000 spans with 13 attributes and an event each (8.6 MB), 4.2x for one
span with 1,000,000 attributes (15.9 MB); with the body itself that is up to about 8x.
"""

from __future__ import annotations

from ingest import errors

RETRY_AFTER_S = 1.0
DECODED_FACTOR = 8


class Budget:
    def __init__(self, max_bytes: int, factor: int = DECODED_FACTOR) -> None:
        self.max_bytes, self.factor = max_bytes, factor
        self.used = 0

    def ticket(self) -> Ticket:
        return Ticket(self)


class Ticket:
    """One request's share of the budget; use it as a context manager."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.held = 0       # of the budget (estimated memory)
        self.seen = 0       # body bytes read
        self.covered = 0    # body bytes whose estimate is held

    def reserve(self, size: int) -> None:
        """Hold the estimate of a body of `size` bytes before reading it (its declared
        length), or raise Overloaded."""
        if size > self.covered:
            self._hold((size - self.covered) * self.budget.factor)
            self.covered = size

    def grow(self, size: int) -> None:
        """`size` more body bytes were read: hold their estimate unless reserved, or raise
        Overloaded."""
        self.seen += size
        if self.seen > self.covered:
            self._hold((self.seen - self.covered) * self.budget.factor)
            self.covered = self.seen

    def _hold(self, amount: int) -> None:
        budget = self.budget
        if budget.used > self.held and budget.used + amount > budget.max_bytes:
            raise errors.Overloaded(
                f"{budget.used} bytes of (estimated decoded) requests in flight",
                retry_after=RETRY_AFTER_S)
        budget.used += amount
        self.held += amount

    def release(self) -> None:
        self.budget.used -= self.held
        self.held = 0

    def __enter__(self) -> Ticket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
