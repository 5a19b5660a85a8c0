"""The service graph: edges between services, resolved at ingest, and their per-minute
rollups.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

The SQL lives in `migrations/sql/0009_service_graph.sql`. Spans stored before the upgrade
have no edges: the graph starts with the spans written after it.
"""

from __future__ import annotations

from migrations import sqlfile

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SQL = sqlfile.load("0009_service_graph.sql")


def upgrade() -> None:
    sqlfile.execute(SQL["service_graph"])


def downgrade() -> None:
    sqlfile.execute(SQL["drop_service_graph"])
