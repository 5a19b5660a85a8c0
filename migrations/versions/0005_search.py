"""Indexed search: log bodies by trigrams (prefix, contains, regex) and numeric ranges on
JSONB-stored attributes of spans, span events and logs by number buckets.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

The SQL lives in `migrations/sql/0005_search.sql`. Building the indexes reads the log
table and the three JSONB catch-alls once.
"""

from __future__ import annotations

from migrations import sqlfile

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SQL = sqlfile.load("0005_search.sql")


def upgrade() -> None:
    sqlfile.execute(SQL["functions"])
    sqlfile.execute(SQL["indexes"])


def downgrade() -> None:
    sqlfile.execute(SQL["drop"])
