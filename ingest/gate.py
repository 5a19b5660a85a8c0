"""Who may send, and how much: the caller's identity and its tenant's rates.

`Gate.admit(header)` returns the Identity of an `authorization: Bearer` header that may
ingest (identity.ANONYMOUS with auth off); `Gate.charge(who, items, size)` takes a
request's items and bytes from its tenant's token buckets (OLLYGRAPH_TENANT_ITEMS_PER_SECOND,
OLLYGRAPH_TENANT_BYTES_PER_SECOND). A bucket holds one second's worth and may go into
debt by one request, so a request larger than a second's worth still passes once; while a
bucket is in debt the tenant's requests get `errors.Overloaded` (429 / RESOURCE_EXHAUSTED
with RetryInfo) with the time the debt takes to clear.
"""

from __future__ import annotations

import time

from ingest import errors
from ollygraph.auth import authenticator, identity


class Bucket:
    __slots__ = ("at", "rate", "tokens")

    def __init__(self, rate: float) -> None:
        self.rate, self.tokens, self.at = rate, rate, time.monotonic()

    def wait(self, now: float) -> float:
        """Refill up to `now`; seconds until the bucket is out of debt (0: it is)."""
        self.tokens = min(self.rate, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens > 0 else (1e-3 - self.tokens) / self.rate


class Rates:
    """Per-tenant token buckets of items and bytes per second (0: unlimited)."""

    def __init__(self, items_per_s: float, bytes_per_s: float) -> None:
        self.limits = {"items": items_per_s, "bytes": bytes_per_s}
        self.buckets: dict[tuple[str, str], Bucket] = {}

    def charge(self, tenant: str, items: int, size: int) -> None:
        now, asks = time.monotonic(), {"items": items, "bytes": size}
        taken = []
        for kind, rate in self.limits.items():
            if not rate:
                continue
            bucket = self.buckets.get((tenant, kind))
            if bucket is None:
                bucket = self.buckets[(tenant, kind)] = Bucket(rate)
            wait = bucket.wait(now)
            if wait:
                raise errors.Overloaded(f"tenant {tenant!r} is over its {kind} per second "
                                        "limit; retry later", retry_after=wait)
            taken.append((bucket, asks[kind]))
        for bucket, amount in taken:
            bucket.tokens -= amount


class Gate:
    def __init__(self, auth: authenticator.Authenticator | None, rates: Rates) -> None:
        self.auth, self.rates = auth, rates

    async def admit(self, header: str | None) -> identity.Identity:
        if self.auth is None:
            return identity.ANONYMOUS
        try:
            return await self.auth.identify(header, "ingest")
        except identity.CheckUnavailable:
            raise errors.Unavailable("credentials cannot be checked now; retry later") \
                from None

    def charge(self, who: identity.Identity, items: int, size: int) -> None:
        self.rates.charge(who.tenant, items, size)


def build(settings, pool) -> Gate:
    return Gate(authenticator.build(settings, pool),
                Rates(settings.tenant_items_per_second, settings.tenant_bytes_per_second))
