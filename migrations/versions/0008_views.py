"""Fast v_otel_* views: otel_<owner>_attributes_all(), which the views call per row, reads
the attribute tables in one statement instead of calling two nested SQL functions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

The SQL lives in `migrations/sql/0008_views.sql`; the views keep their definitions.
Applied on PostgreSQL 15-17 only (see PLANS_CACHED_FROM).
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


# PostgreSQL 18 caches the plans of SQL functions, which makes revision 0001's nested
# functions cheap there and this one-statement form the slower one: a 500-span trace and
# its logs through the views (bench/views.py, 2,000 spans) took 115 ms with 0001's
# functions and 346 ms with these on 18, and 647 ms against 111 ms on 15. So they replace
# 0001's only on servers that replan a SQL function's statements on every call.
PLANS_CACHED_FROM = 180000  # server_version_num


def upgrade() -> None:
    if int(sqlfile.fetch("SHOW server_version_num")[0][0]) < PLANS_CACHED_FROM:
        sqlfile.execute(_functions("attributes_all"))


def downgrade() -> None:
    sqlfile.execute(_functions("previous_attributes_all"))
