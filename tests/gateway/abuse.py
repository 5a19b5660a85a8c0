"""What a hostile client sends, and the parts to send it with: a gateway process with its
own settings, a TCP proxy to the database that can be cut (the database "down"), a lock
that keeps statements waiting (slow queries holding connections). Shared by
tests/gateway/test_abuse.py and bench/abuse.py."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import psycopg

from ollygraph import migrate
from tests.conftest import free_port

FANOUT = ("query ($id: ID!) { trace(traceId: $id) { spans { trace { spans { trace { spans "
          "{ spanId } } } } } } }")
TRACE = ("query ($id: ID!) { trace(traceId: $id) { spanCount spans { spanId name events "
         "{ name } links { spanId } } logs { body } } }")
SPANS = "query ($f: SpanFilter) { spans(filter: $f, first: 10) { nodes { spanId } } }"
TRACES = ("query ($f: TraceFilter, $after: String) { traces(filter: $f, after: $after) "
          "{ nodes { traceId } } }")
SLOW = ("{ spans(filter: {attributes: [{key: \"abuse.text\", op: REGEX, value: \"x.*y\"}]}) "
        "{ nodes { spanId } } }")


def filters(n: int) -> dict[str, Any]:
    return {"f": {"attributes": [{"key": f"k{i}", "value": f"v{i}"} for i in range(n)]}}


def in_list(n: int) -> dict[str, Any]:
    return {"f": {"attributes": [{"key": "k", "op": "IN", "values": list(range(n))}]}}


def deep_json(depth: int) -> bytes:
    """A GraphQL body whose variables nest `depth` arrays deep."""
    return (b'{"query": "{ __typename }", "variables": {"v": ' + b"[" * depth
            + b"]" * depth + b"}}")


def deep_cursor(depth: int) -> str:
    import base64

    return base64.urlsafe_b64encode(b"[" * depth + b"]" * depth).decode().rstrip("=")



class Proxy:
    """A TCP proxy on 127.0.0.1 to the PostgreSQL of `url`; `cut()` closes every
    connection and refuses new ones (the database is down), `restore()` undoes it.
    `url` is the database URL through the proxy."""

    def __init__(self, database_url: str) -> None:
        parts = urlsplit(migrate.libpq_url(database_url))
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        host = query.pop("host", parts.hostname or "127.0.0.1")
        port = parts.port or int(query.pop("port", 5432))
        self.target: Any = (f"{host}/.s.PGSQL.{port}" if host.startswith("/")
                            else (host, port))
        self.port = free_port()
        user = parts.username or "postgres"
        password = f":{parts.password}" if parts.password else ""
        self.url = f"postgresql://{user}{password}@127.0.0.1:{self.port}{parts.path}"
        self._open: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    close = cut

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            family = socket.AF_UNIX if isinstance(self.target, str) else socket.AF_INET
            upstream = socket.socket(family)
            try:
                upstream.connect(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


class Gateway(str):
    """The base URL of a gateway process, with its `pid`."""

    pid: int


def rss_mib(pid: int) -> float:
    """A process's resident memory now."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@contextlib.contextmanager
def gateway(database_url: str, schema: str, **settings: Any) -> Iterator[Gateway]:
    """An `ollygraph gateway` process on a free port with OLLYGRAPH_<NAME> `settings`;
    yields its base URL (with its pid)."""
    port = free_port()
    env = {**os.environ, "OLLYGRAPH_DATABASE_URL": database_url, "OLLYGRAPH_SCHEMA": schema,
           "OLLYGRAPH_HOST": "127.0.0.1", "OLLYGRAPH_GATEWAY_PORT": str(port),
           "OLLYGRAPH_LOG_LEVEL": "WARNING",
           **{f"OLLYGRAPH_{k.upper()}": str(v) for k, v in settings.items()}}
    proc = subprocess.Popen([sys.executable, "-m", "ollygraph", "gateway"], env=env,
                            stderr=subprocess.DEVNULL)
    url = Gateway(f"http://127.0.0.1:{port}")
    url.pid = proc.pid
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gateway exited with status {proc.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("gateway did not come up")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def spans_locked(database_url: str, schema: str) -> Iterator[Callable[[], int]]:
    """Statements reading spans wait while this holds an exclusive lock on the span table:
    each holds its connection as a slow REGEX filter would. Yields a function that counts
    the statements waiting for the lock."""
    url = migrate.libpq_url(database_url)
    with psycopg.connect(url) as conn, psycopg.connect(url, autocommit=True) as watch:
        conn.execute(f'LOCK TABLE "{schema}".otel_spans_fact IN ACCESS EXCLUSIVE MODE')

        def waiting() -> int:
            return watch.execute(
                "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND relation = "
                "%s::regclass", (f'"{schema}".otel_spans_fact',)).fetchone()[0]

        yield waiting
        conn.rollback()


def codes(body: dict[str, Any]) -> list[str | None]:
    return [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]
