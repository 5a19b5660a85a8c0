"""The migrations on a real PostgreSQL: up, down to base, up again, and no drift."""

from __future__ import annotations

import psycopg

from ollygraph import migrate, store
from tests.migrations import snapshot

STORE_TABLES = {
    "attribute_keys",
    "otel_resources_dim",
    "otel_scopes_dim",
    "otel_metrics_dim",
    "otel_spans_fact",
    "otel_span_events",
    "otel_span_links",
    "otel_logs_fact",
    "otel_metrics_data_points_number",
    "otel_metrics_data_points_histogram",
    "otel_metrics_data_points_exp_histogram",
    "otel_metrics_data_points_summary",
    "otel_trace_summary",
    "span_kinds",
    "status_codes",
    "log_severity_numbers",
    "log_body_types",
    "metric_types",
    "aggregation_temporalities",
}
VIEWS = {
    "v_otel_spans_enriched",
    "v_otel_traces",
    "v_otel_logs_enriched",
    "v_otel_metrics_number",
    "v_otel_metrics_histogram",
    "v_otel_metrics",
}


def relations(conn: psycopg.Connection, schema: str, kinds: str = "rpv") -> set[str]:
    rows = conn.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace "
        "AND relkind = ANY(%s) AND NOT relispartition",
        (f'"{schema}"', list(kinds)),
    )
    return {name for (name,) in rows}


def test_upgrade_creates_the_whole_store(database_url, migrated_schema, sql):
    found = relations(sql, migrated_schema)
    expected = (
        STORE_TABLES
        | VIEWS
        | {name for owner in store.OWNERS for name in owner.attribute_tables}
    )
    assert expected <= found, sorted(expected - found)
    assert migrate.current(database_url, migrated_schema) == migrate.head()


def test_lookup_tables_hold_the_otlp_enums(migrated_schema, sql):
    sql.execute(f'SET search_path TO "{migrated_schema}"')
    assert dict(sql.execute("SELECT kind_id, name FROM span_kinds")) == {
        0: "UNSPECIFIED",
        1: "INTERNAL",
        2: "SERVER",
        3: "CLIENT",
        4: "PRODUCER",
        5: "CONSUMER",
    }
    assert dict(sql.execute("SELECT status_code_id, name FROM status_codes")) == {
        0: "UNSET",
        1: "OK",
        2: "ERROR",
    }
    severities = dict(sql.execute("SELECT severity_number, name FROM log_severity_numbers"))
    assert len(severities) == 25
    assert (severities[1], severities[4], severities[9], severities[17], severities[24]) == (
        "TRACE",
        "TRACE4",
        "INFO",
        "ERROR",
        "FATAL4",
    )
    assert [n for (n,) in sql.execute("SELECT name FROM metric_types ORDER BY 1")] == [
        "EXPONENTIAL_HISTOGRAM",
        "GAUGE",
        "HISTOGRAM",
        "SUM",
        "SUMMARY",
    ]
    assert len(list(sql.execute("SELECT * FROM log_body_types"))) == 8
    assert len(list(sql.execute("SELECT * FROM aggregation_temporalities"))) == 3


def test_facts_and_their_children_are_partitioned_by_day(migrated_schema, sql):
    sql.execute(f'SET search_path TO "{migrated_schema}"')
    partitioned = dict(sql.execute("SELECT table_name, key_column FROM otel_partitioned_tables()"))
    assert partitioned["otel_spans_fact"] == "start_time_unix_nano"
    assert partitioned["otel_span_event_attrs_string"] == "start_time_unix_nano"
    assert partitioned["otel_logs_fact"] == "ts_unix_nano"
    assert partitioned["otel_metrics_data_points_summary"] == "time_unix_nano"
    assert "otel_resources_dim" not in partitioned
    children = {
        name
        for (name,) in sql.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'otel_spans_fact'::regclass"
        )
    }
    today = sql.execute("SELECT to_char(current_date, 'YYYYMMDD')").fetchone()[0]
    assert {"otel_spans_fact_default", f"otel_spans_fact_p{today}"} <= children


def test_downgrade_to_base_leaves_the_schema_empty_and_upgrade_again(
    database_url, migrated_schema, sql
):
    migrate.downgrade(database_url, migrated_schema, "base")
    assert relations(sql, migrated_schema, "rpvS") - {"alembic_version"} == set()
    functions = sql.execute(
        "SELECT count(*) FROM pg_proc WHERE pronamespace = %s::regnamespace",
        (f'"{migrated_schema}"',),
    ).fetchone()[0]
    assert functions == 0
    assert migrate.current(database_url, migrated_schema) is None
    migrate.upgrade(database_url, migrated_schema)
    assert migrate.current(database_url, migrated_schema) == migrate.head()


def test_no_drift_from_the_committed_snapshot(database_url, migrated_schema):
    built = snapshot.snapshot(database_url, migrated_schema)
    committed = snapshot.SNAPSHOT.read_text()
    assert built == committed, (
        "the migrated schema differs from tests/migrations/schema_snapshot.txt; "
        "if the change is intended run `make snapshot` and commit the file"
    )


def test_anyvalue_functions_turn_tagged_values_into_plain_json(migrated_schema, sql):
    sql.execute(f'SET search_path TO "{migrated_schema}"')
    tagged = {
        "s": {"stringValue": "x"},
        "b": {"boolValue": False},
        "i": {"intValue": "-9223372036854775808"},
        "d": {"doubleValue": "-Infinity"},
        "y": {"bytesValue": "AAH/"},
        "e": {},
        "a": {"arrayValue": {"values": [{"intValue": "1"}, {"arrayValue": {}}]}},
        "k": {"kvlistValue": {"values": [{"key": "n", "value": {"doubleValue": 0.5}}]}},
    }
    (plain,) = sql.execute(
        "SELECT otel_attributes_to_json(%s::jsonb)", (psycopg.types.json.Jsonb(tagged),)
    ).fetchone()
    assert plain == {
        "s": "x",
        "b": False,
        "i": -9223372036854775808,
        "d": "-Infinity",
        "y": "AAH/",
        "e": None,
        "a": [1, []],
        "k": {"n": 0.5},
    }


def test_the_revisions_read_from_the_files_are_alembics():
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(migrate.SCRIPT_LOCATION))
    assert [migrate.head()] == scripts.get_heads()
    assert migrate.revisions() == {
        s.revision: set(s._all_down_revisions) for s in scripts.walk_revisions()}


def test_starting_at_head_does_not_load_alembic(database_url, migrated_schema):
    """What `up` and the services run at start: the head check and a no-op upgrade."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from ollygraph import cli, migrate\n"
            f"migrate.check_at_head({database_url!r}, {migrated_schema!r})\n"
            f"assert not migrate.upgrade_if_behind({database_url!r}, {migrated_schema!r})\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('alembic', 'sqlalchemy')))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_a_database_behind_is_upgraded(database_url, empty_schema):
    migrate.upgrade(database_url, empty_schema, "0001")
    assert migrate.upgrade_if_behind(database_url, empty_schema)
    assert migrate.current(database_url, empty_schema) == migrate.head()
