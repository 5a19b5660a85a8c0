"""Partitions: created ahead, parked rows moved in, retention drops only old days."""

from __future__ import annotations

import datetime as dt

import pytest

from ollygraph import maintenance, migrate

DAY_NS = 86_400 * 10**9


def day_ns(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()) * 10**9


def insert_span(sql, start_ns: int, span_pk: int) -> None:
    sql.execute(
        "INSERT INTO otel_spans_fact (span_pk, start_time_unix_nano, end_time_unix_nano, trace_id,"
        " span_id, name, resource_id) VALUES (%s, %s, %s, %s, %s, 'op', 1)",
        (
            span_pk,
            start_ns,
            start_ns + 1000,
            span_pk.to_bytes(16, "big"),
            span_pk.to_bytes(8, "big"),
        ),
    )
    sql.execute(
        "INSERT INTO otel_span_attrs_other (span_pk, start_time_unix_nano, attributes)"
        " VALUES (%s, %s, '{}')",
        (span_pk, start_ns),
    )


def partition_of(sql, table: str, span_pk: int) -> str:
    return sql.execute(
        f"SELECT tableoid::regclass::text FROM {table} WHERE span_pk = %s", (span_pk,)
    ).fetchone()[0]


@pytest.fixture
def store(migrated_schema, sql):
    sql.execute(f'SET search_path TO "{migrated_schema}"')
    return sql


def test_rows_outside_partitions_land_in_default_and_move_when_the_day_is_created(store):
    old = dt.date.today() - dt.timedelta(days=40)
    insert_span(store, day_ns(old) + 5, 1)
    assert partition_of(store, "otel_spans_fact", 1).endswith("otel_spans_fact_default")
    (created,) = store.execute("SELECT otel_ensure_partitions(%s, %s)", (old, old)).fetchone()
    assert created > 0
    assert partition_of(store, "otel_spans_fact", 1).endswith(f"otel_spans_fact_p{old:%Y%m%d}")
    assert partition_of(store, "otel_span_attrs_other", 1).endswith(
        f"otel_span_attrs_other_p{old:%Y%m%d}"
    )
    # a retried span is still found as a duplicate in its partition
    with pytest.raises(Exception, match="duplicate key"):
        insert_span(store, day_ns(old) + 5, 1)


def test_a_month_of_partitions_is_created_and_dropped_within_the_lock_table(
    database_url, migrated_schema, store
):
    # ~56 partitioned tables a day: a month at once would not fit one transaction's locks
    assert maintenance.ensure_partitions(database_url, migrated_schema, days_ahead=30) > 1000
    assert maintenance.ensure_partitions(database_url, migrated_schema, days_ahead=30) == 0
    assert maintenance.apply_retention(database_url, migrated_schema, 1, now=4e9) > 1000
    maintenance.ensure_partitions(database_url, migrated_schema, days_ahead=30)
    migrate.downgrade(database_url, migrated_schema, "base")
    assert store.execute("SELECT count(*) FROM pg_class WHERE relnamespace = %s::regnamespace",
                         (f'"{migrated_schema}"',)).fetchone()[0] == 2  # alembic_version + pkey


def test_retention_drops_only_old_partitions(database_url, migrated_schema, store):
    today = dt.date.today()
    old, recent = today - dt.timedelta(days=10), today - dt.timedelta(days=2)
    store.execute("SELECT otel_ensure_partitions(%s, %s)", (old, recent))
    insert_span(store, day_ns(old) + 1, 1)
    insert_span(store, day_ns(recent) + 1, 2)
    insert_span(store, day_ns(today - dt.timedelta(days=30)) + 1, 3)  # lands in default
    store.execute(
        "INSERT INTO otel_trace_summary (trace_id, start_time_unix_nano, end_time_unix_nano)"
        " VALUES ('\\x01', %s, %s), ('\\x02', %s, %s)",
        (day_ns(old), day_ns(old) + 1, day_ns(recent), day_ns(recent) + 1),
    )

    dropped = maintenance.apply_retention(database_url, migrated_schema, keep_seconds=5 * 86400)

    assert dropped > 0
    names = {
        n
        for (n,) in store.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'otel_spans_fact'::regclass"
        )
    }
    assert f"otel_spans_fact_p{old:%Y%m%d}" not in names
    assert f"otel_spans_fact_p{recent:%Y%m%d}" in names
    assert f"otel_spans_fact_p{today:%Y%m%d}" in names
    assert [pk for (pk,) in store.execute("SELECT span_pk FROM otel_spans_fact")] == [2]
    assert [pk for (pk,) in store.execute("SELECT span_pk FROM otel_span_attrs_other")] == [2]
    assert [t for (t,) in store.execute("SELECT trace_id FROM otel_trace_summary")] == [b"\x02"]
