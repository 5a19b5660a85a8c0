"""Fine rollups: the number points per 15 s granule, for step series under a minute.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

The SQL lives in `migrations/sql/0007_fine_rollups.sql`. A store already rolled up gets
fine rollups from the minute its rollups had reached; the older minutes are read from
the points at steps under a minute, as before.
"""

from __future__ import annotations

from migrations import sqlfile

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SQL = sqlfile.load("0007_fine_rollups.sql")


def upgrade() -> None:
    sqlfile.execute(SQL["fine_rollups"])


def downgrade() -> None:
    sqlfile.execute(SQL["drop_fine_rollups"])
