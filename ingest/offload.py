"""Large requests are worked on off the event loop.

Decoding a request and flattening its items are CPU work; for a large request (a body over
`OFFLOAD_BYTES` after decompression) they run in a worker thread (`asyncio.to_thread`), so
the event loop keeps serving health checks, small exporters and the gRPC server meanwhile:
Python switches threads every few milliseconds, where a 17 MB request flattened on the
loop held it for seconds. Small requests stay on the loop (a thread hop costs more than
they take). `large` tells the flattening (`ingest.flatten.walk`) which kind of request
the current task serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

OFFLOAD_BYTES = 1024 * 1024
T = TypeVar("T")

_large: contextvars.ContextVar[bool] = contextvars.ContextVar("ollygraph_large_request",
                                                              default=False)


def large() -> bool:
    """Whether the request the current task serves is worked on off the loop."""
    return _large.get()


@contextlib.contextmanager
def request_of(size: int) -> Iterator[bool]:
    """Mark the current task's request (`size` bytes, decompressed) for the duration."""
    token = _large.set(size > OFFLOAD_BYTES)
    try:
        yield _large.get()
    finally:
        _large.reset(token)


async def run(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)`: in a worker thread for a large request, else here."""
    if _large.get():
        return await asyncio.to_thread(function, *args)
    return function(*args)
