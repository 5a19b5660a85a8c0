"""The `ollygraph` command: help, one-line errors, migrate, fail-fast, up."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from ollygraph import migrate

OLLYGRAPH = [sys.executable, "-m", "ollygraph"]


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    return subprocess.run(
        [*OLLYGRAPH, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_help_lists_every_command():
    result = run("--help")
    assert result.returncode == 0
    for command in ("up", "ingest", "gateway", "migrate", "retention", "schema", "demo"):
        assert command in result.stdout
    result = run("migrate", "--help")
    assert "--database-url" in result.stdout and "OLLYGRAPH_DATABASE_URL" in result.stdout


def test_bad_setting_is_one_line_naming_the_variable():
    result = run("migrate", "current", env={"OLLYGRAPH_GATEWAY_PORT": "eighty"})
    assert result.returncode == 2
    assert result.stderr == "ollygraph: OLLYGRAPH_GATEWAY_PORT: 'eighty' is not a number\n"


def test_unreachable_database_is_one_line():
    result = run(
        "migrate", "current", "--database-url", f"postgresql://x@127.0.0.1:{free_port()}/x"
    )
    assert result.returncode == 2
    assert result.stderr.startswith("ollygraph: cannot reach the database")
    assert result.stderr.count("\n") == 1


def test_unknown_command_is_a_usage_error():
    result = run("frobnicate")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_migrate_upgrade_current_check_downgrade(database_url, empty_schema):
    common = ("--database-url", database_url, "--schema", empty_schema)
    assert run("migrate", "current", *common).stdout.strip() == "base (not migrated)"
    check = run("migrate", "check", *common)
    assert check.returncode == 2 and "run `ollygraph migrate`" in check.stderr
    up = run("migrate", "upgrade", *common)
    assert up.returncode == 0, up.stderr
    assert run("migrate", "current", *common).stdout.strip() == migrate.head()
    assert run("migrate", "check", *common).returncode == 0
    assert run("migrate", "downgrade", *common).returncode == 2  # needs a revision
    down = run("migrate", "downgrade", "base", *common)
    assert down.returncode == 0, down.stderr
    assert run("migrate", "current", *common).stdout.strip() == "base (not migrated)"


@pytest.mark.parametrize("command", ["ingest", "gateway"])
def test_services_refuse_to_start_on_an_unmigrated_schema(database_url, empty_schema, command):
    result = run(command, "--database-url", database_url, "--schema", empty_schema)
    assert result.returncode == 2
    assert result.stderr == (
        f'ollygraph: the database schema "{empty_schema}" is not migrated, but this ollygraph '
        f"needs revision {migrate.head()}; run `ollygraph migrate` first\n"
    )


@pytest.mark.parametrize("command", ["ingest", "gateway"])
def test_services_refuse_to_start_on_an_old_revision(database_url, migrated_schema, sql, command):
    sql.execute(f'UPDATE "{migrated_schema}".alembic_version SET version_num = %s', ("0000",))
    result = run(command, "--database-url", database_url, "--schema", migrated_schema)
    assert result.returncode == 2
    assert "is at revision 0000" in result.stderr and "run `ollygraph migrate`" in result.stderr


def test_retention_command(database_url, migrated_schema):
    result = run(
        "retention", "--keep", "7d", "--database-url", database_url, "--schema", migrated_schema
    )
    assert result.returncode == 0, result.stderr
    assert "dropped 0 partitions older than 7d" in result.stdout
    bad = run("retention", "--keep", "soon", "--database-url", database_url)
    assert bad.returncode == 2 and bad.stderr.startswith("ollygraph: --keep: ")


def test_up_runs_on_the_embedded_database_and_stops_on_ctrl_c(tmp_path):
    ports = {"--grpc-port": free_port(), "--http-port": free_port(), "--gateway-port": free_port()}
    args = [*OLLYGRAPH, "up", "--data-dir", str(tmp_path / "data")]
    for flag, port in ports.items():
        args += [flag, str(port)]
    env = {
        k: v for k, v in os.environ.items() if k not in ("OLLYGRAPH_DATABASE_URL", "POSTGRES_URL")
    }
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    lines: list[str] = []
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Ctrl-C stops everything" in line:
                break
        assert any("running; Ctrl-C stops everything" in line for line in lines), "".join(lines)
        assert any(f"schema otel at revision {migrate.head()}" in line for line in lines)
        # a second `up` on the same data dir is refused with a clear message
        second = run("up", "--data-dir", str(tmp_path / "data"), env=env)
        assert second.returncode == 2 and "is in use by ollygraph" in second.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, "".join(lines) + out
    assert "ollygraph: stopped" in out
