"""SQL of the migrations: named blocks from `migrations/sql/*.sql`, run verbatim."""

from __future__ import annotations

from pathlib import Path

from alembic import op

from ollygraph import sql

SQL_DIR = Path(__file__).with_name("sql")


def load(filename: str) -> dict[str, str]:
    """The `-- name:` blocks of one file of `migrations/sql/`."""
    return sql.parse((SQL_DIR / filename).read_text(), filename)


def execute(statements: str) -> None:
    """Run SQL text as is (no bind-parameter parsing), possibly several statements."""
    op.get_bind().connection.dbapi_connection.execute(statements)


def fetch(query: str) -> list[tuple]:
    """Rows of a query run as is."""
    return op.get_bind().connection.dbapi_connection.execute(query).fetchall()
