"""Hourly rollups of the service graph's nodes (RED) and edges.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

The SQL lives in `migrations/sql/0011_hour_rollups.sql`. A store rolled up before the
upgrade gets hourly rollups from the first whole hour the job rolls after it; the hours
before are read from the minute rollups, as before.
"""

from __future__ import annotations

from migrations import sqlfile

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SQL = sqlfile.load("0011_hour_rollups.sql")


def upgrade() -> None:
    sqlfile.execute(SQL["hour_rollups"])


def downgrade() -> None:
    sqlfile.execute(SQL["drop_hour_rollups"])
