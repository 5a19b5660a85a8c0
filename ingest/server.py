"""The ingest process: OTLP/gRPC and OTLP/HTTP in one asyncio loop sharing one Pipeline.

`run(settings)` serves until SIGTERM or SIGINT, then stops accepting, lets in-flight
requests finish (up to `GRACE_S`), and closes the pipeline. With `workers > 1` it is a
parent that starts that many worker processes on the same ports (SO_REUSEPORT: the
kernel spreads connections over them) and stops them all when it is told to stop or
when one of them dies.

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

from ingest import grpc as grpc_receiver
from ingest import http as http_receiver
from ingest import pipeline
from ollygraph.settings import Settings

log = logging.getLogger(__name__)

GRACE_S = 10.0
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


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
    pipe = await pipeline.Pipeline.start(settings)
    try:
        grpc_server, health = grpc_receiver.build_server(pipe, settings)
        http_socket = _http_socket(settings)
        http_server = _HttpServer(uvicorn.Config(
            http_receiver.build_app(pipe, settings), lifespan="off", access_log=False,
            log_config=None, timeout_graceful_shutdown=int(GRACE_S)))
        await grpc_server.start()
        await grpc_receiver.mark_serving(health, True)
        http_task = asyncio.create_task(http_server.serve(sockets=[http_socket]))
        log.info("OTLP/gRPC on %s:%d, OTLP/HTTP on %s:%d", settings.host, settings.grpc_port,
                 settings.host, settings.http_port)
        stop_task = asyncio.create_task(stop.wait())
        await asyncio.wait({http_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
        stop_task.cancel()
        log.info("stopping: finishing in-flight requests")
        await grpc_receiver.mark_serving(health, False)
        http_server.should_exit = True
        await asyncio.gather(grpc_server.stop(GRACE_S), http_task)
    finally:
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
    logging.basicConfig(level=settings.log_level, format=LOG_FORMAT)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings))


def _run_workers(settings: Settings) -> None:
    context = multiprocessing.get_context("spawn")
    stopping = threading.Event()

    def stop(signum: int, frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    workers = [context.Process(target=_worker, args=(settings,), name=f"ingest-worker-{i}")
               for i in range(settings.workers)]
    failed = False
    try:
        for proc in workers:
            proc.start()
        log.info("started %d ingest workers", len(workers))
        while not stopping.is_set():
            dead = [proc for proc in workers if proc.exitcode is not None]
            if dead:
                log.error("ingest worker %s exited with status %s; stopping all",
                          dead[0].name, dead[0].exitcode)
                failed = True
                break
            stopping.wait(0.2)
    finally:
        for proc in workers:
            if proc.exitcode is None and proc.pid is not None:
                proc.terminate()
        deadline = time.monotonic() + GRACE_S + 5
        for proc in workers:
            if proc.pid is not None:
                proc.join(max(0.0, deadline - time.monotonic()))
                if proc.exitcode is None:
                    proc.kill()
                    proc.join()
    if failed:
        sys.exit(1)
