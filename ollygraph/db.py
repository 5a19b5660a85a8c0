"""Database access: where the database is, and asyncpg pools on the store's schema."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

from ollygraph import migrate
from ollygraph.settings import Settings


def redacted(url: str) -> str:
    """The URL without its password, to print."""
    return re.sub(r"^([^:/]+://[^:@/]*:)[^@/]+@", r"\1***@", url)


def check_reachable(url: str) -> None:
    """Connect once (psycopg.Error when the URL is bad or nothing answers), so a command
    fails before it starts anything."""
    import psycopg

    psycopg.connect(migrate.libpq_url(url), connect_timeout=10).close()


@contextlib.contextmanager
def database(settings: Settings, *, share: bool = True) -> Iterator[str]:
    """The configured database URL, or else the embedded server of the data dir: the one
    another process (`ollygraph up`) runs there when `share` is true, or one started here
    for the duration."""
    if settings.database_url:
        yield settings.database_url
        return
    from ollygraph.embedded import DataDirBusy, EmbeddedPostgres

    try:
        server = EmbeddedPostgres(settings.data_dir)
        url = server.start()
    except DataDirBusy:
        running = EmbeddedPostgres.running_url(settings.data_dir) if share else None
        if running is None:
            raise
        yield running
        return
    try:
        yield url
    finally:
        server.stop()


async def create_pool(
    url: str,
    schema: str,
    *,
    min_size: int = 1,
    max_size: int = 10,
    application_name: str = "ollygraph",
    read_only: bool = False,
    statement_timeout_ms: int | None = None,
    settings: dict[str, str] | None = None,
    **kwargs: Any,
):  # -> asyncpg.Pool
    """An asyncpg pool whose connections see the store's schema first; `settings` are
    further session settings (sent at connect, so the pool's RESET ALL keeps them)."""
    import asyncpg

    server_settings = {"search_path": f'"{schema}"', "application_name": application_name,
                       **(settings or {})}
    if read_only:
        server_settings["default_transaction_read_only"] = "on"
    if statement_timeout_ms:
        server_settings["statement_timeout"] = str(statement_timeout_ms)
    return await asyncpg.create_pool(
        migrate.libpq_url(url),
        min_size=min_size,
        max_size=max_size,
        server_settings=server_settings,
        **kwargs,
    )
