"""Readiness: whether the database takes writes, asked with a short timeout.

Liveness and readiness are kept apart, so that a database outage takes the ingest out of
the load balancer (not ready) without having it restarted (still live):

| endpoint | answers | meaning |
|---|---|---|
| gRPC health, service `""` | SERVING while the process serves | liveness |
| gRPC health, each OTLP service | SERVING while the database answers (every 5 s) | readiness |
| HTTP `GET /livez` | 200 while the process serves | liveness |
| HTTP `GET /healthz` | 200 when the database answers, else 503 with the reason | readiness |

The check runs `SELECT pg_is_in_recovery()` on a connection of its own (busy export
connections do not delay it), within `timeout_s`; a standby (read-only after a failover)
is not ready. Its answer is reused for `cache_s`, and concurrent askers share one check,
so probes from many places cost the database one query per second at most.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from ollygraph import db
from ollygraph.settings import Settings

log = logging.getLogger(__name__)

TIMEOUT_S = 2.0  # under the chart's probe timeout (3 s)
CACHE_S = 1.0
WATCH_INTERVAL_S = 5.0


class Database:
    """`await ready()` is None when the database takes writes, else why not."""

    def __init__(self, settings: Settings, *, timeout_s: float = TIMEOUT_S,
                 cache_s: float = CACHE_S) -> None:
        self.settings, self.timeout_s, self.cache_s = settings, timeout_s, cache_s
        self._pool: Any = None
        self._checked_at = -float("inf")
        self._answer: str | None = "not checked yet"
        self._running: asyncio.Task[str | None] | None = None

    async def ready(self) -> str | None:
        if time.monotonic() - self._checked_at < self.cache_s:
            return self._answer
        if self._running is None:
            self._running = asyncio.ensure_future(self._check())
            self._running.add_done_callback(self._done)
        return await asyncio.shield(self._running)

    def _done(self, task: asyncio.Task[str | None]) -> None:
        self._running = None
        if not task.cancelled():
            self._answer, self._checked_at = task.result(), time.monotonic()

    async def _check(self) -> str | None:
        try:
            async with asyncio.timeout(self.timeout_s):
                if self._pool is None:
                    self._pool = await db.create_pool(
                        self.settings.database_url or "", self.settings.schema, min_size=0,
                        max_size=1, application_name="ollygraph-ingest-health")
                async with self._pool.acquire() as conn:
                    standby = await conn.fetchval("SELECT pg_is_in_recovery()")
        except TimeoutError:
            answer = f"the database did not answer within {self.timeout_s:g} s"
        except Exception as exc:  # connection refused, reset, authentication...
            # /healthz is unauthenticated: the kind of failure only, never the database's
            # address or user (asyncpg's messages name them); the detail goes to the log
            answer = f"the database is unavailable ({type(exc).__name__})"
            log.warning("readiness check failed: %s", exc)
        else:
            answer = "the database is a read-only standby" if standby else None
        if answer != self._answer:
            (log.info if answer is None else log.warning)(
                "readiness: %s", answer or "the database answers")
        return answer

    async def watch(self, on_change: Any) -> None:
        """Call `await on_change(ready: bool)` now and whenever readiness changes (forever)."""
        last = None
        while True:
            now = await self.ready() is None
            if now != last:
                await on_change(now)
                last = now
            await asyncio.sleep(WATCH_INTERVAL_S)

    async def close(self) -> None:
        if self._running is not None:
            self._running.cancel()
            with contextlib.suppress(BaseException):
                await self._running
        if self._pool is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._pool.close(), self.timeout_s)
