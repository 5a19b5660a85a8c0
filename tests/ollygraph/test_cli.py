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
from tests.conftest import free_port

OLLYGRAPH = [sys.executable, "-m", "ollygraph"]


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    return subprocess.run(
        [*OLLYGRAPH, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )



def test_help_lists_every_command():
    result = run("--help")
    assert result.returncode == 0
    for command in ("up", "ingest", "gateway", "migrate", "retention", "schema", "demo", "psql"):
        assert command in result.stdout
    result = run("migrate", "--help")
    assert "--database-url" in result.stdout and "OLLYGRAPH_DATABASE_URL" in result.stdout


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("ollygraph ")
    assert result.stdout.split()[1][0].isdigit()


@pytest.mark.parametrize(("command", "listed", "not_listed"), [
    ("migrate", ["--database-url", "--schema", "--data-dir"],
     ["--gateway-port", "--grpc-port", "--max-in-flight", "--cors-origins", "--workers"]),
    ("gateway", ["--gateway-port", "--statement-timeout", "--database-url"],
     ["--grpc-port", "--max-in-flight", "--workers", "--retention"]),
    ("ingest", ["--grpc-port", "--http-port", "--workers", "--max-in-flight"],
     ["--gateway-port", "--statement-timeout"]),
    ("demo", ["--endpoint", "--grpc-port"], ["--database-url", "--schema", "--workers"]),
    ("schema", [], ["--database-url", "--schema", "--gateway-port"]),
    ("psql", ["--database-url", "--data-dir"], ["--gateway-port", "--workers"]),
])
def test_each_command_lists_only_the_settings_it_uses(command, listed, not_listed):
    result = run(command, "--help")
    assert result.returncode == 0
    for flag in listed:
        assert flag in result.stdout, flag
    for flag in not_listed:
        assert flag not in result.stdout, flag


def test_bad_setting_is_one_line_naming_the_variable():
    result = run("migrate", "current", env={"OLLYGRAPH_GATEWAY_PORT": "eighty"})
    assert result.returncode == 2
    assert result.stderr == "ollygraph: OLLYGRAPH_GATEWAY_PORT: 'eighty' is not a number\n"


def free_ports(command: str) -> list[str]:
    """Flags that put the ports a command listens on onto free ones."""
    names = {"up": ("grpc", "http", "gateway"), "ingest": ("grpc", "http"),
             "gateway": ("gateway",)}.get(command, ())
    return [arg for name in names for arg in (f"--{name}-port", str(free_port()))]


@pytest.mark.parametrize("command", [["migrate", "current"], ["migrate"], ["up"],
                                     ["retention", "--keep", "7d"], ["gateway"], ["psql"]])
@pytest.mark.parametrize("url", ["postgresql://x@127.0.0.1:{port}/x",
                                 "postgresql://x@127.0.0.1:port/x"])
def test_unreachable_or_bad_database_url_is_one_line(command, url):
    result = run(*command, *free_ports(command[0]),
                 "--database-url", url.format(port=free_port()))
    assert result.returncode == 2
    assert result.stderr.startswith("ollygraph: cannot reach the database")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "OLLYGRAPH_DATABASE_URL" in result.stderr
    assert "running" not in result.stdout


@pytest.mark.parametrize(("command", "flag", "variable"), [
    ("up", "--gateway-port", "OLLYGRAPH_GATEWAY_PORT"),
    ("up", "--grpc-port", "OLLYGRAPH_GRPC_PORT"),
    ("gateway", "--gateway-port", "OLLYGRAPH_GATEWAY_PORT"),
    ("ingest", "--http-port", "OLLYGRAPH_HTTP_PORT"),
])
def test_a_taken_port_is_one_line_naming_the_setting(tmp_path, command, flag, variable):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = [*free_ports(command), flag, str(port), "--data-dir", str(tmp_path)]
        result = run(command, *args)
    assert result.returncode == 2
    assert result.stderr == (f"ollygraph: port {port} on 127.0.0.1 is in use (Address already in "
                             f"use); set {variable} or {flag} to a free port\n")
    assert "running" not in result.stdout
    assert not (tmp_path / "pgdata").exists()  # checked before anything started


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
    result = run(command, "--database-url", database_url, "--schema", empty_schema,
                 *free_ports(command))
    assert result.returncode == 2
    assert result.stderr == (
        f'ollygraph: the database schema "{empty_schema}" is not migrated, but this ollygraph '
        f"needs revision {migrate.head()}; run `ollygraph migrate` first\n"
    )


@pytest.mark.parametrize("command", ["ingest", "gateway"])
def test_services_refuse_to_start_on_an_old_revision(database_url, migrated_schema, sql, command):
    sql.execute(f'UPDATE "{migrated_schema}".alembic_version SET version_num = %s', ("0000",))
    result = run(command, "--database-url", database_url, "--schema", migrated_schema,
                 *free_ports(command))
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


def start_up(data_dir) -> tuple[subprocess.Popen[str], list[str]]:
    """`ollygraph up` on free ports and its own data dir, once it printed "running"."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("OLLYGRAPH_DATABASE_URL", "POSTGRES_URL")
    }
    proc = subprocess.Popen(
        [*OLLYGRAPH, "up", "--data-dir", str(data_dir), *free_ports("up")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Ctrl-C stops everything" in line:
            break
    assert any("running; Ctrl-C stops everything" in line for line in lines), "".join(lines)
    return proc, lines


def postgres_of(data_dir) -> list[int]:
    """The pids of postgres processes serving `data_dir`."""
    pgdata, found = str((data_dir / "pgdata").resolve()), []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if cmdline and cmdline[0].endswith("/postgres") and pgdata in cmdline:
            found.append(int(entry))
    return found


def test_up_runs_on_the_embedded_database_and_stops_on_ctrl_c(tmp_path):
    data = tmp_path / "data"
    proc, lines = start_up(data)
    try:
        assert any(f"schema otel at revision {migrate.head()}" in line for line in lines)
        (url_line,) = [line for line in lines if "database embedded in" in line]
        assert "postgresql://postgres:@/ollygraph?host=" in url_line
        assert postgres_of(data)
        # other commands use the running server: no "data dir in use"
        current = run("migrate", "current", "--data-dir", str(data))
        assert (current.returncode, current.stdout) == (0, migrate.head() + "\n"), current.stderr
        psql = run("psql", "--data-dir", str(data), "-At", "-c",
                   "SELECT count(*) FROM v_otel_traces")
        assert (psql.returncode, psql.stdout) == (0, "0\n"), psql.stderr
        kept = run("retention", "--keep", "7d", "--data-dir", str(data))
        assert kept.returncode == 0, kept.stderr
        # a second `up` on the same data dir is refused with a clear message
        second = run("up", "--data-dir", str(data), *free_ports("up"))
        assert second.returncode == 2 and "is in use by ollygraph" in second.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, "".join(lines) + out
    assert "ollygraph: stopped" in out
    assert postgres_of(data) == []


def test_a_closed_terminal_sighup_stops_everything_and_the_embedded_server(tmp_path):
    data = tmp_path / "data"
    proc, _ = start_up(data)
    try:
        assert postgres_of(data)
        proc.send_signal(signal.SIGHUP)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out
    assert "ollygraph: stopped" in out
    assert postgres_of(data) == []
