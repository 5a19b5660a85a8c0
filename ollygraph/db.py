"""Database access: where the database is, and asyncpg pools on the store's schema."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from ollygraph import migrate
from ollygraph.settings import Settings


@contextlib.contextmanager
def database(settings: Settings) -> Iterator[str]:
    """The configured database URL, or an embedded server in the data dir for the duration."""
    if settings.database_url:
        yield settings.database_url
        return
    from ollygraph.embedded import EmbeddedPostgres

    with EmbeddedPostgres(settings.data_dir) as url:
        yield url


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
