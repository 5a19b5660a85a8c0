"""The normalized store: dimensions, facts, typed attribute tables, partitions, views.

Revision ID: 0001
Revises:
Create Date: 2026-11-21

The attribute tables are generated from one list of owners x value types; the SQL
itself lives in `migrations/sql/0001_store.sql`.
"""

from __future__ import annotations

from typing import NamedTuple

from alembic import op

from migrations import sqlfile

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SQL = sqlfile.load("0001_store.sql")

# (type name, SQL type) of the promoted attribute tables; "other" is the JSONB catch-all.
VALUE_TYPES = (
    ("string", "text"),
    ("int", "bigint"),
    ("double", "double precision"),
    ("bool", "boolean"),
    ("bytes", "bytea"),
)


class Owner(NamedTuple):
    """Something attributes hang off: its key columns and, for facts, its partition key."""

    name: str
    columns: tuple[tuple[str, str], ...]
    partition_key: str | None = None
    references: str | None = None  # the dimension table a non-partitioned owner lives in

    @property
    def prefix(self) -> str:
        return f"otel_{self.name}_attrs"


_SPAN = (("span_pk", "bigint"), ("start_time_unix_nano", "bigint"))
_POINT = (("point_pk", "bigint"), ("time_unix_nano", "bigint"))

OWNERS = (
    Owner("resource", (("resource_id", "bigint"),), references="otel_resources_dim"),
    Owner("scope", (("scope_id", "bigint"),), references="otel_scopes_dim"),
    Owner("span", _SPAN, "start_time_unix_nano"),
    Owner("span_event", (_SPAN[0], ("event_index", "integer"), _SPAN[1]), "start_time_unix_nano"),
    Owner("span_link", (_SPAN[0], ("link_index", "integer"), _SPAN[1]), "start_time_unix_nano"),
    Owner("log", (("log_pk", "bigint"), ("ts_unix_nano", "bigint")), "ts_unix_nano"),
    Owner("metric_number", _POINT, "time_unix_nano"),
    Owner("metric_histogram", _POINT, "time_unix_nano"),
    Owner("metric_exp_histogram", _POINT, "time_unix_nano"),
    Owner("metric_summary", _POINT, "time_unix_nano"),
)

_STATS = "count bigint NOT NULL, sum double precision, min double precision, max double precision"
POINT_KINDS = (
    ("number", "value_int bigint, value_double double precision"),
    (
        "histogram",
        f"{_STATS}, explicit_bounds double precision[] NOT NULL DEFAULT '{{}}', "
        "bucket_counts bigint[] NOT NULL DEFAULT '{}'",
    ),
    (
        "exp_histogram",
        f"{_STATS}, scale integer NOT NULL, zero_count bigint NOT NULL DEFAULT 0, "
        "zero_threshold double precision NOT NULL DEFAULT 0, "
        "positive_offset integer NOT NULL DEFAULT 0, "
        "positive_bucket_counts bigint[] NOT NULL DEFAULT '{}', "
        "negative_offset integer NOT NULL DEFAULT 0, "
        "negative_bucket_counts bigint[] NOT NULL DEFAULT '{}'",
    ),
    (
        "summary",
        "count bigint NOT NULL, sum double precision NOT NULL, "
        "quantiles double precision[] NOT NULL DEFAULT '{}', "
        "quantile_values double precision[] NOT NULL DEFAULT '{}'",
    ),
)

FACT_TABLES = ("otel_spans_fact", "otel_span_events", "otel_span_links", "otel_logs_fact")
VIEWS = (
    "v_otel_spans_enriched",
    "v_otel_traces",
    "v_otel_logs_enriched",
    "v_otel_metrics_number",
    "v_otel_metrics_histogram",
    "v_otel_metrics",
)
FUNCTIONS = (
    "otel_ensure_partitions(date, date)",
    "otel_drop_partitions_before(bigint)",
    "otel_partitioned_tables()",
    "otel_day_bounds(date)",
    "otel_attributes_to_json(jsonb)",
    "otel_keyvalues_to_json(jsonb)",
    "otel_anyvalue_to_json(jsonb)",
    "otel_double_to_json(double precision)",
)
LOOKUPS = (
    "span_kinds",
    "status_codes",
    "log_severity_numbers",
    "log_body_types",
    "metric_types",
    "aggregation_temporalities",
)
DIMENSIONS = ("otel_metrics_dim", "otel_scopes_dim", "otel_resources_dim", "attribute_keys")


def _attribute_tables(owner: Owner) -> str:
    if owner.references:
        ((column, sql_type),) = owner.columns
        owner_columns = (
            f"{column} {sql_type} NOT NULL REFERENCES {owner.references} ON DELETE CASCADE"
        )
        key_reference, partitioning = " REFERENCES attribute_keys", ""
    else:
        owner_columns = ",\n    ".join(f"{c} {t} NOT NULL" for c, t in owner.columns)
        key_reference, partitioning = "", f" PARTITION BY RANGE ({owner.partition_key})"
    common = {
        "owner_columns": owner_columns,
        "partitioning": partitioning,
        "owner_key": ", ".join(c for c, _ in owner.columns),
    }
    statements = [
        SQL["typed_attribute_table"].format(
            table=f"{owner.prefix}_{kind}", sql_type=sql_type, key_reference=key_reference, **common
        )
        for kind, sql_type in VALUE_TYPES
    ]
    statements.append(SQL["other_attribute_table"].format(table=f"{owner.prefix}_other", **common))
    return "\n".join(statements)


def _attributes_function(owner: Owner) -> str:
    names = [c for c, _ in owner.columns]
    return SQL["attributes_function"].format(
        function=f"otel_{owner.name}_attributes",
        prefix=owner.prefix,
        owner_params=", ".join(f"p_{c} {t}" for c, t in owner.columns),
        owner_args=", ".join(f"p_{c}" for c in names),
        owner_match=" AND ".join(f"{c} = p_{c}" for c in names),
    )


def _owner_function_signatures() -> list[str]:
    out = []
    for owner in OWNERS:
        types = ", ".join(t for _, t in owner.columns)
        out += [
            f"otel_{owner.name}_attributes_all({types})",
            f"otel_{owner.name}_attributes({types})",
        ]
    return out


def partitioned_tables() -> list[str]:
    tables = list(FACT_TABLES) + [f"otel_metrics_data_points_{kind}" for kind, _ in POINT_KINDS]
    tables.append("otel_metrics_number_rollups")
    for owner in OWNERS:
        if owner.partition_key:
            tables += [f"{owner.prefix}_{kind}" for kind, _ in VALUE_TYPES]
            tables.append(f"{owner.prefix}_other")
    return tables


def upgrade() -> None:
    sqlfile.execute(SQL["lookups"])
    sqlfile.execute(SQL["dimensions"])
    sqlfile.execute(SQL["facts"])
    for kind, columns in POINT_KINDS:
        sqlfile.execute(SQL["metric_point_table"].format(kind=kind, columns=columns))
    sqlfile.execute(SQL["rollups"])
    for owner in OWNERS:
        sqlfile.execute(_attribute_tables(owner))
    for table in partitioned_tables():
        sqlfile.execute(SQL["default_partition"].format(table=table))
    sqlfile.execute(SQL["value_functions"])
    for owner in OWNERS:
        sqlfile.execute(_attributes_function(owner))
    sqlfile.execute(SQL["partition_functions"])
    sqlfile.execute("SELECT otel_ensure_partitions(current_date - 1, current_date + 2)")
    sqlfile.execute(SQL["views"])


def _drop_dated_partitions() -> None:
    """Drop the daily partitions a day per transaction; all at once would exhaust the
    lock table of a store that has kept many days."""
    by_day: dict[object, list[str]] = {}
    for day, name in sqlfile.fetch(SQL["dated_partitions"]):
        by_day.setdefault(day, []).append(name)
    with op.get_context().autocommit_block():
        for names in by_day.values():
            sqlfile.execute("DROP TABLE " + ", ".join(f'"{name}"' for name in names))


def downgrade() -> None:
    _drop_dated_partitions()
    statements = [f"DROP VIEW IF EXISTS {view}" for view in VIEWS]
    statements += [f"DROP FUNCTION IF EXISTS {fn}" for fn in _owner_function_signatures()]
    statements += [f"DROP FUNCTION IF EXISTS {fn}" for fn in FUNCTIONS]
    statements += [f"DROP TABLE IF EXISTS {table}" for table in partitioned_tables()]
    statements += ["DROP TABLE IF EXISTS otel_trace_summary", "DROP TABLE IF EXISTS "
                   "otel_metrics_rollup_state, otel_metrics_rollup_pending",
                   "DROP SEQUENCE IF EXISTS otel_metrics_rollup_mark_seq"]
    statements += [
        f"DROP TABLE IF EXISTS {t}_{kind}"
        for o in OWNERS
        if o.references
        for t in [o.prefix]
        for kind in [*(k for k, _ in VALUE_TYPES), "other"]
    ]
    statements += [f"DROP TABLE IF EXISTS {table}" for table in (*DIMENSIONS, *LOOKUPS)]
    sqlfile.execute(";\n".join(statements))
