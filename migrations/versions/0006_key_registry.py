"""The complete attribute key registry: a sketch of the distinct values of each key per
minute, and the minutes whose logs or metric points arrived late computed again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

The SQL lives in `migrations/sql/0006_key_registry.sql`. The minutes already in the
registry are marked to be computed again (with sketches and all owners) by the rollup job.
"""

from __future__ import annotations

from migrations import sqlfile

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SQL = sqlfile.load("0006_key_registry.sql")


def upgrade() -> None:
    sqlfile.execute(SQL["registry"])


def downgrade() -> None:
    sqlfile.execute(SQL["drop_registry"])
