"""One live subscription's side of the feed: its filter, what it has seen, what waits to
be sent (gateway.live.hub fans the batch reads out to these)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from gateway import errors
from gateway.live import cursor, kinds


class Subscriber:
    """One subscription: its filter, what it has seen, what waits to be sent."""

    def __init__(self, kind: kinds.Kind, flt: Any, keys: dict[str, int], max_behind: int) -> None:
        self.kind, self.filter, self.keys, self.max_behind = kind, flt, keys, max_behind
        # subscribers with equal filters share one condition of a batch read
        self.signature = repr((flt, sorted(keys.items())))
        self.seen = cursor.Seen()
        self.pending: list[Any] = []
        self.error: str | None = None
        self.wake = asyncio.Event()

    def push(self, node: Any) -> None:
        if self.error is not None:
            return
        self.pending.append(node)
        if len(self.pending) > self.max_behind:
            self.pending = []
            self.error = (
                f"the subscription fell more than {self.max_behind} items behind "
                "and was closed; subscribe again with `after` set to the last "
                "cursor received"
            )
            self.wake.set()

    async def batches(self) -> AsyncIterator[tuple[list[Any], str]]:
        """(nodes, cursor) of everything pending each time there is something: what piled
        up while the client was slow comes as one batch. The first batch comes at once
        (what a resumed subscription missed, or nothing) with the starting cursor."""
        first = True
        while True:
            await self.wake.wait()
            self.wake.clear()
            if self.error is not None:
                raise errors.UserError(self.error)
            if self.pending or first:
                first = False
                nodes, self.pending = self.pending, []
                yield nodes, cursor.encode(self.kind.name, self.seen)
