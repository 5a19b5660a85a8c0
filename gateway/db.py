"""Running SQL for one request: counts statements, takes the client's turn, maps
database errors.

Every statement of the gateway goes through `Db.fetch`, so `Db.statements` is the
number of SQL statements a GraphQL request ran (reported in the response's
`extensions.sqlStatements`). Connections are read-only with a statement timeout. A
statement waits for its client's slot (gateway.clients) and then for a pooled connection,
each for at most the queue timeout; a database that cannot be reached is reported as
DATABASE_UNAVAILABLE, a value PostgreSQL rejects as BAD_USER_INPUT.
"""

from __future__ import annotations

import json
from typing import Any

import asyncpg
import orjson

from gateway import clients, errors
from ollygraph import db as core_db
from ollygraph import settings as core_settings

STATEMENT_TIMEOUT_MS = core_settings.Settings().statement_timeout * 1000   # the default
CONNECT_TIMEOUT_S = 5.0
# what a database that is down, restarting or out of connections raises
UNAVAILABLE = (OSError, asyncpg.PostgresConnectionError, asyncpg.CannotConnectNowError,
               asyncpg.AdminShutdownError, asyncpg.CrashShutdownError,
               asyncpg.TooManyConnectionsError)


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
        reset=_keep_session, timeout=CONNECT_TIMEOUT_S)


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Release without asyncpg's RESET ALL round trip (an open transaction is still
    rolled back): the gateway only runs single SELECTs and sends its settings at connect,
    so a connection has no session state to undo, and each statement was two round
    trips."""


DEFAULT_CLIENTS = clients.Clients(concurrency=10**6, timeout=60.0)   # no limit (tests, tools)


class Db:
    """One request's access to the pool, on behalf of `client` (its key in `slots`)."""

    def __init__(self, pool: asyncpg.Pool, slots: clients.Clients = DEFAULT_CLIENTS,
                 client: str = "local") -> None:
        self.pool, self.slots, self.client = pool, slots, client
        self.statements = 0

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        self.statements += 1
        async with self.slots.turn(self.client):
            try:
                async with self.pool.acquire(timeout=self.slots.timeout) as conn:
                    return await conn.fetch(sql, *args)
            except asyncpg.QueryCanceledError:
                raise errors.StatementTimeout(
                    "a statement took longer than the gateway's statement timeout "
                    "(OLLYGRAPH_STATEMENT_TIMEOUT); narrow the time range or the filter",
                ) from None
            except asyncpg.InvalidRegularExpressionError as exc:
                raise errors.UserError(f"invalid regular expression: {exc}") from None
            except asyncpg.DataError as exc:   # a bound value PostgreSQL cannot take
                raise errors.UserError(f"a value of the request cannot be used: {exc}") from None
            except TimeoutError:
                raise errors.DatabaseUnavailable(
                    f"no database connection became free within {self.slots.timeout:g} s "
                    "(the database is slow or overloaded); retry later") from None
            except UNAVAILABLE as exc:
                raise errors.DatabaseUnavailable(
                    f"the database is unavailable ({type(exc).__name__}); retry later"
                ) from None

    async def fetchval(self, sql: str, *args: Any) -> Any:
        rows = await self.fetch(sql, *args)
        return rows[0][0] if rows else None
