"""Lossless ingest: dropped counts widened to bigint (OTLP's uint32 past 2^31-1), the
aggregation temporality an open enum (no foreign key), and a resource's entity
references stored.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

The SQL lives in `migrations/sql/0004_lossless.sql`. Widening rewrites the span, event,
link and log tables (one pass per table).
"""

from __future__ import annotations

from migrations import sqlfile

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SQL = sqlfile.load("0004_lossless.sql")


def upgrade() -> None:
    sqlfile.execute(SQL["drop_views"])
    sqlfile.execute(SQL["widen"])
    sqlfile.execute(SQL["views"])


def downgrade() -> None:
    sqlfile.execute(SQL["drop_views"])
    sqlfile.execute(SQL["narrow"])
    sqlfile.execute(SQL["views"])
