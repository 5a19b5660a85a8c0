"""Revision 0010's `<schema>_reader`: the gateway's role can SELECT the store and nothing
else, whatever the session asks for; it reads one key by id but never the key list."""

from __future__ import annotations

import psycopg
import pytest

from ollygraph import migrate


def test_reader_role_can_only_select(database_url, migrated_schema):
    with psycopg.connect(migrate.libpq_url(database_url), autocommit=True,
                         options=f"-c search_path={migrated_schema}") as conn:
        conn.execute(f'SET ROLE "{migrated_schema}_reader"')
        assert conn.execute("SELECT count(*) FROM otel_spans_fact").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM v_otel_traces").fetchone() == (0,)
        assert conn.execute("SELECT * FROM otel_find_api_key('000000000000')").fetchall() == []
        with conn.transaction():
            conn.execute("SET TRANSACTION READ WRITE")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("INSERT INTO span_kinds VALUES (99, 'x')")
        for statement in ("SELECT * FROM otel_api_keys", "DELETE FROM otel_spans_fact",
                          "CREATE TABLE otel_extra (x int)", "TRUNCATE otel_logs_fact"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
