"""The embedded PostgreSQL: start, data kept between runs, one owner per data dir, stop."""

from __future__ import annotations

import subprocess
import sys

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


def test_a_server_left_by_a_killed_owner_is_stopped_by_the_next_one(tmp_path):
    from tests.ollygraph.test_cli import postgres_of

    owner = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from ollygraph.embedded import EmbeddedPostgres\n"
         "print(EmbeddedPostgres(sys.argv[1]).start(), flush=True)\n"
         "time.sleep(600)\n", str(tmp_path)],
        stdout=subprocess.PIPE, text=True)
    url = owner.stdout.readline().strip()
    owner.kill()  # no chance to stop its server
    owner.wait()
    assert postgres_of(tmp_path)
    server = EmbeddedPostgres(tmp_path)
    assert server.start() == url  # the server that was left running, now owned here
    server.stop()
    assert postgres_of(tmp_path) == []


def test_the_url_of_a_running_owner_is_found_from_the_data_dir(tmp_path):
    assert EmbeddedPostgres.running_url(tmp_path) is None
    with EmbeddedPostgres(tmp_path) as url:
        assert EmbeddedPostgres.running_url(tmp_path) == url
    assert EmbeddedPostgres.running_url(tmp_path) is None
