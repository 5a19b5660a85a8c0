"""Revision 0002 adopts the legacy runtime tables: every row converted or reported, and the
downgrade gives the legacy tables back intact."""

from __future__ import annotations

import functools
import importlib
import json
import logging
from typing import Any

import psycopg
import pytest

from ollygraph import migrate
from tests.migrations import legacy_data as data

adopt = importlib.import_module("migrations.versions.0002_adopt_legacy")
LOGGER = "ollygraph.migrations.legacy"


def relations(conn: psycopg.Connection, schema: str) -> set[str]:
    rows = conn.execute("SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace "
                        "AND relkind IN ('r', 'p', 'v') AND NOT relispartition", (f'"{schema}"',))
    return {name for (name,) in rows}


def dump(conn: psycopg.Connection, table: str, key: str) -> list[Any]:
    """Every row, every column, as JSON."""
    return [r for (r,) in conn.execute(f"SELECT to_jsonb(t) FROM {table} AS t ORDER BY {key}")]


def adopted_span(conn: psycopg.Connection, span_id: str) -> dict[str, Any]:
    row = conn.execute(
        "SELECT f.span_pk, f.start_time_unix_nano, f.end_time_unix_nano, f.trace_id, f.span_id, "
        "f.parent_span_id, f.name, f.kind_id, f.status_code_id, f.status_message, r.service_name, "
        "otel_span_attributes_all(f.span_pk, f.start_time_unix_nano), "
        "otel_resource_attributes_all(r.resource_id) "
        "FROM legacy_adopted_spans AS a "
        "JOIN otel_spans_fact AS f USING (span_pk, start_time_unix_nano) "
        "JOIN otel_resources_dim AS r USING (resource_id) WHERE a.legacy_span_id = %s",
        (span_id,)).fetchone()
    assert row is not None, f"legacy span {span_id} was not adopted"
    names = ("span_pk", "start", "end", "trace_id", "span_id", "parent", "name", "kind", "status",
             "message", "service", "attributes", "resource")
    return dict(zip(names, row, strict=True))


def check_adopted(conn: psycopg.Connection, seed: str) -> None:
    for legacy in data.good_spans():
        span = adopted_span(conn, legacy["span_id"])
        assert span["trace_id"] == bytes.fromhex(legacy["trace_id"])
        assert span["span_id"] == bytes.fromhex(legacy["span_id"])
        assert span["parent"] == (bytes.fromhex(legacy["parent"]) if legacy["parent"] else None)
        assert span["start"] == data.unix_nano(legacy["start"])
        end = legacy["end"] or legacy["start"] + legacy["duration_ms"] * data.MS
        assert span["end"] == data.unix_nano(end)
        assert (span["name"], span["kind"], span["status"]) == (
            legacy["name"], data.KINDS[legacy["kind"]], data.STATUSES[legacy["status"]])
        message = data.STATUS_MESSAGES.get(legacy["span_id"]) if seed == "001" else None
        assert span["message"] == message
        assert span["attributes"] == data.expected_attributes(legacy, seed), legacy["span_id"]
        trace = data.trace_of(legacy)
        assert span["resource"] == data.expected_resource(trace, seed)
        assert span["service"] == trace["service_name"]
        events = conn.execute(
            "SELECT name, time_unix_nano, "
            "otel_span_event_attributes_all(span_pk, event_index, start_time_unix_nano) "
            "FROM otel_span_events WHERE span_pk = %s AND start_time_unix_nano = %s "
            "ORDER BY event_index", (span["span_pk"], span["start"])).fetchall()
        assert events == data.expected_events(legacy), legacy["span_id"]
    adopted = conn.execute("SELECT count(*) FROM otel_spans_fact").fetchone()[0]
    assert adopted == len(data.good_spans())


def check_typed_placement(conn: psycopg.Connection) -> None:
    def typed(table: str, span_id: str, key: str) -> Any:
        row = conn.execute(
            f"SELECT t.value FROM {table} AS t JOIN attribute_keys USING (key_id) "
            "JOIN otel_spans_fact AS f USING (span_pk, start_time_unix_nano) "
            "WHERE f.span_id = decode(%s, 'hex') AND attribute_keys.key = %s",
            (span_id, key)).fetchone()
        return row and row[0]

    assert typed("otel_span_attrs_string", "00f067aa0ba902b7", "http.method") == "GET"
    assert typed("otel_span_attrs_int", "00f067aa0ba902b7", "http.status_code") == 500
    assert typed("otel_span_attrs_double", "00f067aa0ba902b7", "http.request.size") == 512.5
    assert typed("otel_span_attrs_int", "d1b2c3d4e5f6071b", "gen_ai.usage.input_tokens") == 120
    assert typed("otel_span_attrs_double", "d1b2c3d4e5f6071b", "gen_ai.usage.cost") == 0.0042
    # a promoted key with a value of another type stays in the JSONB catch-all, tagged
    assert typed("otel_span_attrs_int", "d1b2c3d4e5f6071b", "http.status_code") is None
    (other,) = conn.execute(
        "SELECT o.attributes FROM otel_span_attrs_other AS o JOIN otel_spans_fact AS f "
        "USING (span_pk, start_time_unix_nano) WHERE f.span_id = decode('d1b2c3d4e5f6071b', 'hex')"
    ).fetchone()
    assert other["http.status_code"] == {"stringValue": "200"}
    assert other["gen_ai.prompt"] == {"arrayValue": {"values": [{"kvlistValue": {"values": [
        {"key": "content", "value": {"stringValue": "hi"}},
        {"key": "role", "value": {"stringValue": "user"}}]}}]}}
    (root_other,) = conn.execute(
        "SELECT o.attributes FROM otel_span_attrs_other AS o JOIN otel_spans_fact AS f "
        "USING (span_pk, start_time_unix_nano) WHERE f.span_id = decode('00f067aa0ba902b7', 'hex')"
    ).fetchone()
    assert root_other["retry"] == {"boolValue": True}
    assert root_other["sampling.ratio"] == {"doubleValue": 0.25}
    assert root_other["big"] == {"intValue": "9007199254740993"}
    assert root_other["empty"] == {}
    (event_type,) = conn.execute(
        "SELECT t.value FROM otel_span_event_attrs_string AS t JOIN attribute_keys USING (key_id) "
        "WHERE key = 'exception.type'").fetchone()
    assert event_type == "ValueError"


def check_resources(conn: psycopg.Connection, seed: str) -> None:
    rows = conn.execute("SELECT resource_hash, otel_resource_attributes_all(resource_id) "
                        "FROM otel_resources_dim").fetchall()
    expected = []  # one resource per distinct attribute set (T1 and T3 share one in seed 000)
    for trace_id in (data.T1, data.T2, data.T3):
        resource = data.expected_resource(next(t for t in data.TRACES
                                               if t["trace_id"] == trace_id), seed)
        if resource not in expected:
            expected.append(resource)
    canonical = functools.partial(json.dumps, sort_keys=True)
    assert sorted(canonical(a) for _, a in rows) == sorted(map(canonical, expected))
    assert len(rows) == (2 if seed == "000" else 3)
    for digest, attributes in rows:
        assert digest == adopt.resource_hash({k: _tag(v) for k, v in attributes.items()})
    promoted = dict(conn.execute(
        "SELECT k.key, s.value FROM otel_resource_attrs_string AS s JOIN attribute_keys AS k "
        "USING (key_id) JOIN otel_resources_dim AS r USING (resource_id) "
        "WHERE r.service_name = 'llm-agent'"))
    assert promoted == {"service.name": "llm-agent", "deployment.environment": "staging"}
    if seed == "001":
        port = conn.execute("SELECT value FROM otel_resource_attrs_int").fetchall()
        assert port == [(8080,)]
        (other,) = conn.execute("SELECT attributes FROM otel_resource_attrs_other").fetchone()
        assert other == {"host.arch": {"stringValue": "amd64"}}


def _tag(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    return {"stringValue": value}


def check_summaries(conn: psycopg.Connection) -> None:
    rows = {bytes(r[0]).hex(): r[1:] for r in conn.execute(
        "SELECT trace_id, span_count, error_count, encode(root_span_id, 'hex'), root_span_name, "
        "root_service_name, service_names, start_time_unix_nano, end_time_unix_nano "
        "FROM otel_trace_summary")}
    assert set(rows) == {data.T1, data.T2.lower(), data.T3}
    for trace_id, row in rows.items():
        spans = [s for s in data.good_spans() if s["trace_id"].lower() == trace_id]
        root = next(s for s in spans if not s["parent"])
        trace = data.trace_of(root)
        ends = [data.unix_nano(s["end"] or s["start"] + s["duration_ms"] * data.MS) for s in spans]
        assert row == (len(spans), sum(data.STATUSES[s["status"]] == 2 for s in spans),
                       root["span_id"].lower(), root["name"], trace["service_name"],
                       [trace["service_name"]], min(data.unix_nano(s["start"]) for s in spans),
                       max(ends))


def check_errors(conn: psycopg.Connection, caplog: pytest.LogCaptureFixture) -> None:
    errors = {(t, r): reason for t, r, reason in conn.execute(
        "SELECT table_name, row_id, reason FROM legacy_conversion_errors")}
    assert errors == data.EXPECTED_ERRORS
    warnings = [r.getMessage() for r in caplog.records
                if r.name == LOGGER and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    for _, row_id in data.EXPECTED_ERRORS:
        assert row_id in warnings[0]


@pytest.mark.parametrize("seed", ["000", "001"])
def test_legacy_rows_are_adopted_and_given_back(database_url, empty_schema, sql, caplog, seed):
    data.create(sql, empty_schema, seed)
    traces_before = dump(sql, "traces", "trace_id")
    spans_before = dump(sql, "spans", "span_id")
    caplog.set_level(logging.INFO, logger=LOGGER)

    migrate.upgrade(database_url, empty_schema)

    sql.execute(f'SET search_path TO "{empty_schema}"')
    assert migrate.current(database_url, empty_schema) == migrate.head()
    assert {"legacy_traces", "legacy_spans"} <= relations(sql, empty_schema)
    assert not {"traces", "spans"} & relations(sql, empty_schema)
    assert dump(sql, "legacy_traces", "trace_id") == traces_before
    assert dump(sql, "legacy_spans", "span_id") == spans_before
    check_adopted(sql, seed)
    check_typed_placement(sql)
    check_resources(sql, seed)
    check_summaries(sql)
    check_errors(sql, caplog)
    if seed == "001":
        assert list(sql.execute("SELECT version_num FROM legacy_alembic_version")) == [
            ("163d8f446eb9",)]
    old_day = f"otel_spans_fact_p{data.T_OLD:%Y%m%d}"  # the 40-day-old trace's partition
    assert sql.execute("SELECT count(*) FROM " + old_day).fetchone()[0] == 1

    migrate.downgrade(database_url, empty_schema, "0001")
    assert sql.execute("SELECT to_regclass(%s)", (old_day,)).fetchone()[0] is None
    for table in ("otel_spans_fact", "otel_span_events", "otel_span_attrs_other",
                  "otel_span_event_attrs_other", "otel_trace_summary", "otel_resources_dim",
                  "otel_resource_attrs_string", "attribute_keys"):
        assert sql.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    migrate.downgrade(database_url, empty_schema, "base")
    expected = {"traces", "spans", "alembic_version"}
    if seed == "001":
        expected.add("legacy_alembic_version")
    assert relations(sql, empty_schema) == expected
    assert dump(sql, "traces", "trace_id") == traces_before
    assert dump(sql, "spans", "span_id") == spans_before


def test_adoption_keeps_data_stored_since(database_url, empty_schema, sql):
    """The downgrade removes only what the upgrade inserted: a resource a span stored after
    the adoption uses stays, and so does that span and its trace summary."""
    data.create(sql, empty_schema, "000")
    migrate.upgrade(database_url, empty_schema)
    sql.execute(f'SET search_path TO "{empty_schema}"')
    (resource_id,) = sql.execute(
        "SELECT resource_id FROM otel_resources_dim WHERE service_name = 'checkout'").fetchone()
    sql.execute("INSERT INTO otel_spans_fact (start_time_unix_nano, end_time_unix_nano, trace_id, "
                "span_id, name, resource_id) VALUES (%s, %s, decode(%s, 'hex'), "
                "'\\x0a0b0c0d0e0f1011', 'late', %s)",
                (data.unix_nano(data.T0), data.unix_nano(data.T0) + 1, data.T1, resource_id))
    migrate.downgrade(database_url, empty_schema, "0001")
    assert sql.execute("SELECT name FROM otel_spans_fact").fetchall() == [("late",)]
    assert sql.execute("SELECT service_name FROM otel_resources_dim").fetchall() == [("checkout",)]
    assert sql.execute("SELECT span_count, root_span_name FROM otel_trace_summary").fetchall() == [
        (1, "late")]


def test_no_legacy_tables_is_a_no_op(database_url, empty_schema, sql):
    migrate.upgrade(database_url, empty_schema, "0001")
    before = relations(sql, empty_schema)
    migrate.upgrade(database_url, empty_schema, "0002")
    assert relations(sql, empty_schema) == before
    migrate.downgrade(database_url, empty_schema, "0001")
    assert relations(sql, empty_schema) == before


LARGE = """
INSERT INTO traces (trace_id, start_ts, end_ts, service_name, environment, tenant_id)
SELECT lpad(to_hex(t), 32, '0'), now() - t * interval '1 minute', now(), 'svc-' || t % 7, 'prod',
       't-' || t % 3
FROM generate_series(1, 2000) AS t;
INSERT INTO spans (span_id, trace_id, parent_span_id, name, kind, start_ts, end_ts, status,
                   attributes, events)
SELECT lpad(to_hex(t * 100 + s), 16, '0'), lpad(to_hex(t), 32, '0'),
       CASE WHEN s > 0 THEN lpad(to_hex(t * 100), 16, '0') END, 'op-' || s,
       CASE WHEN s = 0 THEN 'SERVER' ELSE 'CLIENT' END,
       now() - t * interval '1 minute' + s * interval '1 ms', now(),
       CASE WHEN s = 9 THEN 'ERROR' ELSE 'OK' END,
       jsonb_build_object('http.method', 'GET', 'http.status_code', 200 + s, 'n', s,
                          'ratio', s / 10.0),
       CASE WHEN s = 9 THEN jsonb_build_array(jsonb_build_object(
           'name', 'exception', 'attributes', jsonb_build_object('exception.type', 'E'))) END
FROM generate_series(1, 2000) AS t, generate_series(0, 9) AS s;
"""


def test_a_large_adoption_reports_progress(database_url, empty_schema, sql, caplog):
    sql.execute(f'CREATE SCHEMA "{empty_schema}"')
    sql.execute(f'SET search_path TO "{empty_schema}"')
    sql.execute(data.SEED_000 + LARGE)
    caplog.set_level(logging.INFO, logger=LOGGER)
    migrate.upgrade(database_url, empty_schema)
    progress = [r.getMessage() for r in caplog.records
                if r.name == LOGGER and r.getMessage().startswith("adopted ")]
    assert len(progress) == 4
    assert progress[-1].startswith("adopted 20000/20000 ")
    counts = sql.execute(
        "SELECT (SELECT count(*) FROM otel_spans_fact), (SELECT count(*) FROM otel_span_events), "
        "(SELECT count(*) FROM otel_span_attrs_int), (SELECT count(*) FROM otel_trace_summary), "
        "(SELECT sum(error_count) FROM otel_trace_summary), "
        "(SELECT count(*) FROM otel_resources_dim), "
        "(SELECT count(*) FROM legacy_conversion_errors)").fetchone()
    assert counts == (20000, 2000, 20000, 2000, 2000, 7, 0)
