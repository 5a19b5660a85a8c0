"""Set-based SQL views: the v_otel_* views assemble attribute maps with correlated
subqueries over the attribute tables instead of a per-row function call.

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-05

The SQL lives in `migrations/sql/0008_views.sql`; the downgrade puts back the views of
revision 0004 (`migrations/sql/0004_lossless.sql`).
"""

from __future__ import annotations

from migrations import sqlfile

revision = "0008"
down_revision = "0004"
branch_labels = None
depends_on = None

SQL = sqlfile.load("0008_views.sql")
PREVIOUS = sqlfile.load("0004_lossless.sql")

# (owner, its key columns, the view alias its row has): the attribute maps the views show
_SPAN = ("span_pk", "start_time_unix_nano")
_POINT = ("point_pk", "time_unix_nano")
ATTRIBUTE_MAPS = (
    ("resource", ("resource_id",), "r"),
    ("span", _SPAN, "s"),
    ("span_event", ("span_pk", "event_index", "start_time_unix_nano"), "e"),
    ("span_link", ("span_pk", "link_index", "start_time_unix_nano"), "l"),
    ("log", ("log_pk", "ts_unix_nano"), "l"),
    ("metric_number", _POINT, "dp"),
    ("metric_histogram", _POINT, "dp"),
)


def _attributes(owner: str, key: tuple[str, ...], alias: str) -> str:
    return SQL["attributes"].format(
        prefix=f"otel_{owner}_attrs",
        owner_match=" AND ".join(f"{column} = {alias}.{column}" for column in key),
    )


def upgrade() -> None:
    maps = {
        f"{owner}_attributes_of_{alias}": _attributes(owner, key, alias)
        for owner, key, alias in ATTRIBUTE_MAPS
    }
    sqlfile.execute(SQL["views"].format(**maps))


def downgrade() -> None:
    sqlfile.execute(PREVIOUS["drop_views"])
    sqlfile.execute(PREVIOUS["views"])
