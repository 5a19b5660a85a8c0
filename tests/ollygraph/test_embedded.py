"""The embedded PostgreSQL: start, data kept between runs, one owner per data dir, stop."""

from __future__ import annotations

import psycopg
import pytest

from ollygraph.embedded import DataDirBusy, EmbeddedPostgres


def test_start_reuse_and_stop(tmp_path):
    server = EmbeddedPostgres(tmp_path)
    url = server.start()
    with psycopg.connect(url, autocommit=True) as conn:
        # Unix socket only: never clashes with a server already on port 5432
        assert conn.execute("SHOW listen_addresses").fetchone()[0] == ""
        conn.execute("CREATE TABLE kept (v int)")
        conn.execute("INSERT INTO kept VALUES (42)")
    server.stop()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)

    again = EmbeddedPostgres(tmp_path)
    with again as url2, psycopg.connect(url2) as conn:
        assert conn.execute("SELECT v FROM kept").fetchone() == (42,)


def test_a_second_owner_of_the_data_dir_is_refused(tmp_path):
    with EmbeddedPostgres(tmp_path), pytest.raises(DataDirBusy, match="is in use by ollygraph"):
        EmbeddedPostgres(tmp_path).start()
