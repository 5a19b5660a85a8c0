"""`ollygraph up`: the database, migrations, then ingest and gateway as child processes.

Ctrl-C, SIGTERM and SIGHUP (a closed terminal) all stop everything the same way: the
children first, then the embedded PostgreSQL, so no server is left behind. "running" is
printed only once every port answers; a taken port is reported before anything starts.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence

from ollygraph import db, maintenance, migrate, settings

log = logging.getLogger("ollygraph")

MAINTENANCE_INTERVAL_S = 3600
START_TIMEOUT_S = 120
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

SERVICES = (  # (module that must exist, subcommand, its ports, the lines it prints)
    (
        "ingest.server",
        "ingest",
        ("grpc_port", "http_port"),
        "OTLP ingest  grpc://localhost:{grpc_port}  http://localhost:{http_port}",
    ),
    ("gateway.app", "gateway", ("gateway_port",),
     "UI           http://localhost:{gateway_port}/\n"
     "GraphQL      http://localhost:{gateway_port}/graphql"),
)
PORTS = {command: ports for _, command, ports, _ in SERVICES}


class PortTaken(RuntimeError):
    """A port the services need cannot be bound; str() names the setting to change."""


def say(line: str, err: bool = False) -> None:
    """Print a line; a terminal that was closed (SIGHUP) must not stop the shutdown."""
    with contextlib.suppress(OSError):
        print(f"ollygraph: {line}", file=sys.stderr if err else sys.stdout, flush=True)


def check_ports(cfg: settings.Settings, names: Sequence[str]) -> None:
    """Raise PortTaken unless every port in `names` can be bound on cfg.host now."""
    for name in names:
        port = getattr(cfg, name)
        field = next(f for f in settings.FIELDS if f.name == name)
        change = f"set {field.env[0]} or --{name.replace('_', '-')} to a free port"
        try:
            family, kind, proto, _, address = socket.getaddrinfo(
                cfg.host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
            with socket.socket(family, kind, proto) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(address)
        except OSError as exc:
            if isinstance(exc, socket.gaierror) or exc.errno == 99:  # EADDRNOTAVAIL
                raise PortTaken(f"cannot listen on host {cfg.host!r} ({exc.strerror}); "
                                "set OLLYGRAPH_HOST or --host") from None
            raise PortTaken(f"port {port} on {cfg.host} is in use ({exc.strerror}); {change}"
                            ) from None


def _answers(host: str, port: int) -> bool:
    target = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    try:
        with socket.create_connection((target, port), timeout=1):
            return True
    except OSError:
        return False


class Supervisor:
    """The child processes, and whether a stop signal arrived."""

    def __init__(self) -> None:
        self.stopping = False
        self.children: list[tuple[str, subprocess.Popen[bytes]]] = []

    def catch_signals(self) -> None:
        def stop(signum: int, frame: object) -> None:
            self.stopping = True

        for signum in STOP_SIGNALS:
            signal.signal(signum, stop)

    def start(self, command: str, env: dict[str, str]) -> None:
        proc = subprocess.Popen([sys.executable, "-m", "ollygraph", command], env=env)
        self.children.append((command, proc))

    def exited(self) -> tuple[str, int] | None:
        for name, proc in self.children:
            if proc.poll() is not None:
                return name, proc.returncode
        return None

    def wait_until_listening(self, cfg: settings.Settings) -> bool:
        """True once every child's ports answer; False when a child exits first, a stop
        signal arrives or START_TIMEOUT_S passes (each reported)."""
        waiting = [(name, getattr(cfg, port)) for name, _ in self.children
                   for port in PORTS[name]]
        deadline = time.monotonic() + START_TIMEOUT_S
        while waiting and not self.stopping:
            if (gone := self.exited()) is not None:
                say(f"{gone[0]} exited with status {gone[1]} while starting (its message is "
                    "above); stopping", err=True)
                return False
            if time.monotonic() > deadline:
                say(f"{waiting[0][0]} did not listen on port {waiting[0][1]} within "
                    f"{START_TIMEOUT_S} s; stopping", err=True)
                return False
            waiting = [(name, port) for name, port in waiting if not _answers(cfg.host, port)]
            time.sleep(0.2)
        return not self.stopping

    def run(self, upkeep: Callable[[], None]) -> int:
        """Watch the children until a stop signal or one of them exits."""
        next_upkeep = time.monotonic() + MAINTENANCE_INTERVAL_S
        while not self.stopping:
            if (gone := self.exited()) is not None:
                say(f"{gone[0]} exited with status {gone[1]}; stopping", err=True)
                return 1
            if time.monotonic() >= next_upkeep:
                try:
                    upkeep()
                except Exception as exc:  # keep serving; report and try again next round
                    log.warning("partition upkeep failed: %s", exc)
                next_upkeep = time.monotonic() + MAINTENANCE_INTERVAL_S
            time.sleep(0.2)
        return 0

    def stop(self) -> None:
        for _, proc in self.children:
            if proc.poll() is None:
                proc.terminate()
        for _, proc in self.children:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run(cfg: settings.Settings) -> int:
    """Everything, until a stop signal; the exit status."""
    try:
        return _run(cfg)
    finally:
        say("stopped")


def _run(cfg: settings.Settings) -> int:
    services = [s for s in SERVICES if importlib.util.find_spec(s[0]) is not None]
    check_ports(cfg, [port for _, _, ports, _ in services for port in ports])
    if not cfg.database_url and not (cfg.data_dir / "pgdata" / "PG_VERSION").exists():
        # A new embedded database, to be migrated: load Alembic while initdb runs.
        threading.Thread(target=importlib.import_module, args=("alembic.command",),
                         daemon=True).start()
    supervisor = Supervisor()
    # Until the supervisor watches, SIGTERM and SIGHUP unwind like Ctrl-C, so a server
    # that was started is stopped again.
    for signum in STOP_SIGNALS[1:]:
        signal.signal(signum, signal.default_int_handler)
    with db.database(cfg, share=False) as url:
        migrate.upgrade_if_behind(url, cfg.schema)
        maintenance.run(url, cfg.schema, cfg.partition_days_ahead, cfg.retention)
        revision = migrate.current(url, cfg.schema)
        where = (f"at {db.redacted(url)}" if cfg.database_url
                 else f"embedded in {cfg.data_dir}: {db.redacted(url)}")
        say(f"database {where}, schema {cfg.schema} at revision {revision}")
        if not cfg.database_url:
            say("SQL: `ollygraph psql` (or psql with the URL above) while this runs")
        child_env = {**os.environ, **cfg.replace(database_url=url).to_env()}
        supervisor.catch_signals()
        try:
            for _, command, _, _ in services:
                supervisor.start(command, child_env)
            if not supervisor.wait_until_listening(cfg):
                return 0 if supervisor.stopping else 1
            for *_, banner in services:
                for line in banner.format(**vars(cfg)).splitlines():
                    say(line)
            say("running; Ctrl-C stops everything")
            return supervisor.run(
                lambda: maintenance.run(url, cfg.schema, cfg.partition_days_ahead,
                                        cfg.retention))
        finally:
            supervisor.stop()
