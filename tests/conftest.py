"""Shared fixtures: a real PostgreSQL and freshly migrated schemas.

The server is the embedded one (started once per run in a temporary data dir) unless
OLLYGRAPH_TEST_DATABASE_URL names another, e.g. the PostgreSQL 15 that CI also runs
the suite against. Every test that uses `database_url` is marked `db`.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from ollygraph import migrate

_counter = itertools.count()



def free_ports(n: int) -> list[int]:
    """`n` distinct TCP ports free on 127.0.0.1 now: bound all at once, so the kernel never
    hands out one port twice (ports picked one by one may repeat)."""
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(n)]
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]


def free_port() -> int:
    return free_ports(1)[0]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "database_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("OLLYGRAPH_TEST_DATABASE_URL")
    if url:
        yield url
        return
    from ollygraph.embedded import EmbeddedPostgres

    server = EmbeddedPostgres(tmp_path_factory.mktemp("pg"))
    yield server.start()
    server.stop()


def new_schema_name(prefix: str = "t") -> str:
    return f"{prefix}_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"


def drop_schema(url: str, schema: str) -> None:
    with psycopg.connect(migrate.libpq_url(url), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def empty_schema(database_url: str) -> Iterator[str]:
    """A schema name nobody uses yet; dropped afterwards."""
    schema = new_schema_name()
    yield schema
    drop_schema(database_url, schema)


@pytest.fixture
def migrated_schema(database_url: str, empty_schema: str) -> str:
    """A schema migrated to head, for this test only."""
    migrate.upgrade(database_url, empty_schema)
    return empty_schema


@pytest.fixture(scope="module")
def module_schema(database_url: str) -> Iterator[str]:
    """A schema migrated to head, shared by the tests of one module."""
    schema = new_schema_name("m")
    migrate.upgrade(database_url, schema)
    yield schema
    drop_schema(database_url, schema)


@pytest.fixture
def sql(database_url: str) -> Iterator[psycopg.Connection]:
    """An autocommit psycopg connection to the test database."""
    with psycopg.connect(migrate.libpq_url(database_url), autocommit=True) as conn:
        yield conn
