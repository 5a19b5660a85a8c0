"""Aggregations, orderings and the catalog: the trace summary's duration and root-name
indexes, the RED rollups of spans and the attribute key registry.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04

The SQL lives in `migrations/sql/0003_stats.sql`.
"""

from __future__ import annotations

from migrations import sqlfile

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQL = sqlfile.load("0003_stats.sql")


def upgrade() -> None:
    sqlfile.execute(SQL["orderings"])
    sqlfile.execute(SQL["name_search"])
    sqlfile.execute(SQL["span_rollups"])
    sqlfile.execute(SQL["key_rollups"])


def downgrade() -> None:
    sqlfile.execute(SQL["drop_span_rollups"])
    sqlfile.execute(SQL["drop_orderings"])
