"""Running SQL for one request: counts statements, maps database errors.

Every statement of the gateway goes through `Db.fetch`, so `Db.statements` is the
number of SQL statements a GraphQL request ran (reported in the response's
`extensions.sqlStatements`). Connections are read-only with a statement timeout.
"""

from __future__ import annotations

import json
import time
from typing import Any

import asyncpg
import orjson

from gateway import errors
from ollygraph import db as core_db
from ollygraph import settings as core_settings

STATEMENT_TIMEOUT_MS = core_settings.Settings().statement_timeout * 1000   # the default


async def _init_connection(conn: asyncpg.Connection) -> None:
    # orjson decodes several times faster than json (thousands of attribute maps per big
    # trace); PostgreSQL's JSON never holds NaN or integers beyond 64 bits
    # (to_jsonb(int8)), so the values are the same.
    for name in ("jsonb", "json"):
        await conn.set_type_codec(name, encoder=json.dumps, decoder=orjson.loads,
                                  schema="pg_catalog")


async def create_pool(url: str, schema: str, *, max_size: int = 10,
                      statement_timeout_ms: int = STATEMENT_TIMEOUT_MS) -> asyncpg.Pool:
    """The gateway's pool: read-only transactions, statement timeout, JSON decoded."""
    return await core_db.create_pool(
        url, schema, min_size=1, max_size=max_size, application_name="ollygraph-gateway",
        read_only=True, statement_timeout_ms=statement_timeout_ms, init=_init_connection,
        # JIT compiling costs hundreds of ms per statement and the gateway's statements are
        # interactive: a metric series over 1M points spent 1.1 s of 1.8 s compiling.
        # Custom plans always: a generic plan of a prepared search (after 5 runs) cannot see
        # the filter values, and ran a 28 ms trace search in 550 ms.
        # Random reads cost about what sequential ones do (SSDs, pages mostly cached): at
        # the default 4 the events of a trace's 500 spans were read by scanning the day's
        # 100k events (5.5 ms) instead of 500 index probes (0.6 ms).
        settings={"jit": "off", "plan_cache_mode": "force_custom_plan",
                  "random_page_cost": "1.1"},
        reset=_keep_session)


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Release without asyncpg's RESET ALL round trip (an open transaction is still
    rolled back): the gateway only runs single SELECTs and sends its settings at connect,
    so a connection has no session state to undo, and each statement was two round
    trips."""


class Db:
    """One request's access to the pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.statements = 0
        self.sql_seconds = 0.0  # the statements' durations added up (they may overlap)

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        self.statements += 1
        start = time.perf_counter()
        try:
            return await self.pool.fetch(sql, *args)
        except asyncpg.QueryCanceledError:
            raise errors.UserError(
                "a statement took longer than the gateway's statement timeout "
                "(OLLYGRAPH_STATEMENT_TIMEOUT); narrow the time range or the filter") from None
        except asyncpg.InvalidRegularExpressionError as exc:
            raise errors.UserError(f"invalid regular expression: {exc}") from None
        finally:
            self.sql_seconds += time.perf_counter() - start

    async def fetchval(self, sql: str, *args: Any) -> Any:
        rows = await self.fetch(sql, *args)
        return rows[0][0] if rows else None
