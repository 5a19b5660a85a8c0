"""The ingest process: OTLP/gRPC and OTLP/HTTP in one asyncio loop sharing one Pipeline.

`run(settings)` serves until SIGTERM or SIGINT, then stops accepting, lets in-flight
requests finish (up to `GRACE_S`), and closes the pipeline. With `workers > 1` it is a
parent that starts that many worker processes on the same ports (SO_REUSEPORT: the
kernel spreads connections over them), starts a worker that dies again after a backoff
(0.5 s doubling to 30 s; the others keep serving meanwhile), and stops them all when it
is told to stop. A worker that keeps dying right after its start fails the parent.

Request size limit (`max_request_bytes`, OLLYGRAPH_MAX_REQUEST_BYTES): 20 MiB by
default, measured after decompression, on both transports. It is the OTLP/HTTP
specification's recommended default; gRPC servers commonly use 4 MiB, but one limit for
both keeps a batch that fits one transport fitting the other. Over it: HTTP 413 /
gRPC RESOURCE_EXHAUSTED without RetryInfo, neither of which a client retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import signal
import socket
import sys
import threading
import time

import uvicorn

from ingest import gate as ingest_gate
from ingest import grpc as grpc_receiver
from ingest import health, pipeline, selfmetrics
from ingest import http as http_receiver
from ollygraph import logs, telemetry
from ollygraph import settings as settings_module
from ollygraph.settings import Settings

log = logging.getLogger(__name__)

GRACE_S = 10.0
BACKOFF_S = 0.5  # first restart delay of a dead worker, doubled at each early exit
MAX_BACKOFF_S = 30.0
STABLE_S = 60.0  # a worker that ran this long starts its backoff afresh when it dies
RESTARTS_AT_START = 8  # early exits in a row after which the whole process fails


def run(settings: Settings) -> None:
    """Serve OTLP until told to stop (blocking)."""
    if settings.workers > 1:
        _run_workers(settings)
    else:
        asyncio.run(serve(settings))


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Serve until `stop` is set (or SIGTERM/SIGINT when called from the main thread)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
    selfmetrics.prepare()
    pipe = await pipeline.Pipeline.start(settings, max_in_flight=settings.max_in_flight)
    selfmetrics.name_writers(pipe)
    readiness = health.Database(settings)
    budget = selfmetrics.Budget(settings.max_in_flight_bytes)
    watch: asyncio.Task[None] | None = None
    try:
        gate = ingest_gate.build(settings, pipe.pool)
        grpc_server, grpc_health = grpc_receiver.build_server(pipe, settings, budget, gate)
        http_socket = _http_socket(settings)
        http_server = _HttpServer(uvicorn.Config(
            http_receiver.build_app(pipe, settings, readiness, budget, gate), lifespan="off",
            access_log=False, log_config=None, timeout_graceful_shutdown=int(GRACE_S),
            **settings_module.uvicorn_tls(settings)))
        await grpc_server.start()
        await grpc_receiver.mark_serving(grpc_health, True)

        async def on_readiness(ready: bool) -> None:
            await selfmetrics.database_up(ready)
            await grpc_receiver.mark_ready(grpc_health, ready)

        watch = asyncio.create_task(readiness.watch(on_readiness))
        http_task = asyncio.create_task(http_server.serve(sockets=[http_socket]))
        log.info("OTLP/gRPC on %s:%d, OTLP/HTTP on %s:%d", settings.host, settings.grpc_port,
                 settings.host, settings.http_port)
        stop_task = asyncio.create_task(stop.wait())
        await asyncio.wait({http_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
        stop_task.cancel()
        log.info("stopping: finishing in-flight requests")
        watch.cancel()
        await grpc_receiver.mark_serving(grpc_health, False)
        http_server.should_exit = True
        await asyncio.gather(grpc_server.stop(GRACE_S), http_task)
    finally:
        if watch is not None:
            watch.cancel()
        await readiness.close()
        await pipe.close()
        log.info("stopped")


class _HttpServer(uvicorn.Server):
    """uvicorn without its own signal handling: `serve` decides when to stop."""

    def capture_signals(self):  # type: ignore[override]
        return contextlib.nullcontext()


def _http_socket(settings: Settings) -> socket.socket:
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if settings.workers > 1:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((settings.host, settings.http_port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen for OTLP/HTTP on {settings.host}:{settings.http_port}: "
                      f"{exc.strerror}") from None
    return sock


# --- several worker processes -------------------------------------------------------------


def _worker(settings: Settings) -> None:
    logs.configure(settings.log_level, settings.log_format)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings))


def _run_workers(settings: Settings) -> None:
    """Supervise `settings.workers` worker processes until SIGTERM/SIGINT."""
    stopping = threading.Event()

    def stop(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    slots = [_Slot(f"ingest-worker-{i}", settings) for i in range(settings.workers)]
    failed = False
    shared = telemetry.share_between_processes()  # before the workers start: they inherit it
    try:
        for slot in slots:
            slot.start()
        log.info("started %d ingest workers", len(slots))
        while not stopping.is_set() and not failed:
            for slot in slots:
                failed = slot.check() or failed
            stopping.wait(0.2)
    finally:
        deadline = time.monotonic() + GRACE_S + 5
        for slot in slots:
            slot.terminate()
        for slot in slots:
            slot.join(deadline)
        telemetry.remove(shared)
    if failed:
        sys.exit(1)


class _Slot:
    """One worker process, started again with exponential backoff when it dies.

    A worker that keeps dying soon after its start (`RESTARTS_AT_START` times in a row,
    e.g. a database that refuses it) fails the whole process instead, so the failure
    shows (a crash-looping pod) rather than hides.
    """

    def __init__(self, name: str, settings: Settings) -> None:
        self.name, self.settings = name, settings
        self.proc: multiprocessing.process.BaseProcess | None = None
        self.started_at = 0.0
        self.early_exits = 0
        self.restart_at: float | None = None

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.proc = context.Process(target=_worker, args=(self.settings,), name=self.name)
        self.proc.start()
        self.started_at, self.restart_at = time.monotonic(), None

    def check(self) -> bool:
        """Restart the worker when it is due; True when it must not be restarted."""
        now = time.monotonic()
        if self.proc is not None and self.proc.exitcode is not None:
            telemetry.process_gone(self.proc.pid)
            code, self.proc = self.proc.exitcode, None
            ran = now - self.started_at
            self.early_exits = self.early_exits + 1 if ran < STABLE_S else 1
            if self.early_exits > RESTARTS_AT_START:
                log.error("ingest worker %s exited with status %s, %d times in a row within "
                          "%g s of its start; stopping all", self.name, code,
                          self.early_exits, STABLE_S)
                return True
            delay = min(MAX_BACKOFF_S, BACKOFF_S * 2 ** (self.early_exits - 1))
            log.error("ingest worker %s exited with status %s after %.0f s; restarting it in "
                      "%.1f s", self.name, code, ran, delay)
            self.restart_at = now + delay
        if self.proc is None and self.restart_at is not None and now >= self.restart_at:
            self.start()
            log.info("restarted ingest worker %s (pid %s)", self.name, self.proc.pid)
        return False

    def terminate(self) -> None:
        if self.proc is not None and self.proc.exitcode is None and self.proc.pid is not None:
            self.proc.terminate()

    def join(self, deadline: float) -> None:
        if self.proc is not None and self.proc.pid is not None:
            self.proc.join(max(0.0, deadline - time.monotonic()))
            if self.proc.exitcode is None:
                self.proc.kill()
                self.proc.join()
