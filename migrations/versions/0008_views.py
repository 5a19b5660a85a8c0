"""Fast v_otel_* views: otel_<owner>_attributes_all(), which the views call per row, reads
the attribute tables in one statement instead of calling two nested SQL functions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

The SQL lives in `migrations/sql/0008_views.sql`; the views keep their definitions.
"""

from __future__ import annotations

from migrations import sqlfile

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SQL = sqlfile.load("0008_views.sql")

# (owner, its key columns and types), as revision 0001 declared them
_SPAN = (("span_pk", "bigint"), ("start_time_unix_nano", "bigint"))
_POINT = (("point_pk", "bigint"), ("time_unix_nano", "bigint"))
OWNERS = (
    ("resource", (("resource_id", "bigint"),)),
    ("scope", (("scope_id", "bigint"),)),
    ("span", _SPAN),
    ("span_event", (_SPAN[0], ("event_index", "integer"), _SPAN[1])),
    ("span_link", (_SPAN[0], ("link_index", "integer"), _SPAN[1])),
    ("log", (("log_pk", "bigint"), ("ts_unix_nano", "bigint"))),
    ("metric_number", _POINT),
    ("metric_histogram", _POINT),
    ("metric_exp_histogram", _POINT),
    ("metric_summary", _POINT),
)


def _functions(template: str) -> str:
    return "\n".join(
        SQL[template].format(
            function=f"otel_{name}_attributes_all",
            function_typed=f"otel_{name}_attributes",
            prefix=f"otel_{name}_attrs",
            owner_params=", ".join(f"p_{column} {sql_type}" for column, sql_type in key),
            owner_args=", ".join(f"p_{column}" for column, _ in key),
            owner_match=" AND ".join(f"{column} = p_{column}" for column, _ in key),
        )
        for name, key in OWNERS
    )


def upgrade() -> None:
    sqlfile.execute(_functions("attributes_all"))


def downgrade() -> None:
    sqlfile.execute(_functions("previous_attributes_all"))
