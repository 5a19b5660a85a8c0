"""Running SQL for one request: counts statements, maps database errors.

Every statement of the gateway goes through `Db.fetch`, so `Db.statements` is the
number of SQL statements a GraphQL request ran (reported in the response's
`extensions.sqlStatements`). Connections are read-only with a statement timeout.
"""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from gateway import errors
from ollygraph import db as core_db

STATEMENT_TIMEOUT_MS = 10_000


async def _init_connection(conn: asyncpg.Connection) -> None:
    for name in ("jsonb", "json"):
        await conn.set_type_codec(name, encoder=json.dumps, decoder=json.loads,
                                  schema="pg_catalog")


async def create_pool(url: str, schema: str, *, max_size: int = 10) -> asyncpg.Pool:
    """The gateway's pool: read-only transactions, statement timeout, JSON decoded."""
    return await core_db.create_pool(
        url, schema, min_size=1, max_size=max_size, application_name="ollygraph-gateway",
        read_only=True, statement_timeout_ms=STATEMENT_TIMEOUT_MS, init=_init_connection)


class Db:
    """One request's access to the pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.statements = 0

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        self.statements += 1
        try:
            return await self.pool.fetch(sql, *args)
        except asyncpg.QueryCanceledError:
            raise errors.UserError(
                f"the query took longer than {STATEMENT_TIMEOUT_MS} ms; narrow the time range "
                "or the filter") from None
        except asyncpg.InvalidRegularExpressionError as exc:
            raise errors.UserError(f"invalid regular expression: {exc}") from None

    async def fetchval(self, sql: str, *args: Any) -> Any:
        rows = await self.fetch(sql, *args)
        return rows[0][0] if rows else None
