"""API keys (hashes only) and a SELECT-only role for the gateway.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

The SQL lives in `migrations/sql/0010_api_keys.sql`. The role is `<schema>_reader`
(NOLOGIN; an operator grants it to the gateway's login role, docs/security.md).
"""

from __future__ import annotations

from migrations import sqlfile

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SQL = sqlfile.load("0010_api_keys.sql")


def upgrade() -> None:
    sqlfile.execute(SQL["api_keys"])
    sqlfile.execute(SQL["reader_role"])


def downgrade() -> None:
    sqlfile.execute(SQL["drop_reader_role"])
    sqlfile.execute(SQL["drop_api_keys"])
