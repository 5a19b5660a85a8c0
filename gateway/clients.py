"""Fair use of the database: each client runs at most `concurrency` SQL statements at once.

A client is its address for now (its API key once authentication exists). A statement
over the client's share waits in the client's queue for up to `timeout` seconds, then
fails with TOO_MANY_REQUESTS; so one client running slow queries holds at most
`concurrency` of the pool's connections and the others keep theirs.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from gateway import errors


class _Client:
    __slots__ = ("semaphore", "users")

    def __init__(self, concurrency: int) -> None:
        self.semaphore = asyncio.Semaphore(concurrency)
        self.users = 0          # statements running or waiting


class Clients:
    """Per-client statement slots; idle clients take no memory."""

    def __init__(self, concurrency: int, timeout: float) -> None:
        self.concurrency, self.timeout = concurrency, timeout
        self._clients: dict[str, _Client] = {}

    @contextlib.asynccontextmanager
    async def turn(self, client: str) -> AsyncIterator[None]:
        """Hold one of `client`'s slots for the block; TooManyRequests when none frees up
        within the timeout."""
        entry = self._clients.get(client)
        if entry is None:
            entry = self._clients[client] = _Client(self.concurrency)
        entry.users += 1
        try:
            try:
                if entry.semaphore.locked():
                    await asyncio.wait_for(entry.semaphore.acquire(), self.timeout)
                else:
                    await entry.semaphore.acquire()     # free: no timer needed
            except TimeoutError:
                raise errors.TooManyRequests(
                    f"this client already runs {self.concurrency} database statements at "
                    f"once and no slot freed up within {self.timeout:g} s; retry later or "
                    "send fewer queries at the same time") from None
            try:
                yield
            finally:
                entry.semaphore.release()
        finally:
            entry.users -= 1
            if not entry.users:
                self._clients.pop(client, None)

    def running(self, client: str) -> int:
        """Statements of `client` holding a slot now (for tests and diagnostics)."""
        entry = self._clients.get(client)
        return 0 if entry is None else self.concurrency - entry.semaphore._value


def address(request: Any) -> str:
    """The client key of a Starlette request: its peer address."""
    client = getattr(request, "client", None)
    return client.host if client is not None else "unknown"
