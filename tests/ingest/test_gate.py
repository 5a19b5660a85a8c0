"""The ingest gate without processes: a key that cannot be checked is retryable, and the
tenant buckets refill."""

from __future__ import annotations

import asyncio

import pytest

from ingest import errors, gate
from ollygraph.auth import authenticator, identity, keys


class DownPool:
    async def fetchrow(self, *args):
        raise OSError("connection refused")


def test_an_unreachable_key_store_answers_retry_later():
    checker = gate.Gate(authenticator.Authenticator(DownPool(), ttl=0), gate.Rates(0, 0))
    with pytest.raises(errors.Unavailable):
        asyncio.run(checker.admit("Bearer " + keys.new_key()[1]))
    with pytest.raises(identity.Unauthenticated):   # malformed: no lookup needed
        asyncio.run(checker.admit("Bearer x"))


def test_auth_off_admits_everyone_as_the_default_tenant():
    assert asyncio.run(gate.Gate(None, gate.Rates(0, 0)).admit(None)) == identity.ANONYMOUS


def test_bytes_bucket_refills_at_its_rate(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(gate.time, "monotonic", lambda: now[0])
    rates = gate.Rates(0, 1000)
    rates.charge("acme", 1, 1500)               # a second's worth and more: passes once
    with pytest.raises(errors.Overloaded) as caught:
        rates.charge("acme", 1, 10)
    assert caught.value.retry_after == pytest.approx(0.5, abs=0.01)
    rates.charge("beta", 1, 10)                 # another tenant is not held back
    now[0] += 0.6
    rates.charge("acme", 1, 10)
