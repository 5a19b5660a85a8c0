"""Prometheus self-metrics of the ollygraph processes: the `/metrics` endpoint.

prometheus-client gives the standard text exposition format (and OpenMetrics when the
scraper asks for it) and the process-wide registry in which `ingest/selfmetrics.py` and
`gateway/selfmetrics.py` define their metrics.

One process (the gateway, `ollygraph ingest` with one worker): `/metrics` is the default
registry, process and Python metrics included. Several ingest workers
(`OLLYGRAPH_WORKERS` > 1) share their ports, so a scrape reaches any one of them; they
use prometheus-client's multiprocess mode instead: the parent makes a fresh directory
(`share_between_processes`) and names it in `PROMETHEUS_MULTIPROC_DIR` before starting
them, each worker writes its values to its own files there, and whichever worker
answers a scrape adds up the files of all of them (counters and histograms summed,
gauges as each declares). A worker that dies keeps its counts (totals never go back);
its live gauges are dropped (`process_gone`). Per-process metrics (CPU, memory, GC) are
not exported in that mode.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

import prometheus_client
from prometheus_client import REGISTRY, CollectorRegistry, exposition, multiprocess
from starlette.requests import Request
from starlette.responses import Response

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# no `*_created` series beside every counter and histogram: Prometheus does not need them
# in the text format, and they double the size of a scrape
prometheus_client.disable_created_metrics()


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


def share_between_processes() -> str | None:
    """Before starting worker processes: a fresh directory for their values, named in the
    environment they inherit. Returns it (to `remove` at the end), or None when the
    environment already names one (then whoever named it keeps it clean)."""
    if multiprocess_mode():
        return None
    path = tempfile.mkdtemp(prefix="ollygraph-metrics-")
    os.environ[MULTIPROC_ENV] = path
    return path


def process_gone(pid: int) -> None:
    """A worker exited: drop its live gauges (its counters still count)."""
    if multiprocess_mode():
        multiprocess.mark_process_dead(pid)


def remove(path: str | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            shutil.rmtree(path)
        if os.environ.get(MULTIPROC_ENV) == path:
            del os.environ[MULTIPROC_ENV]


def exposition_bytes(accept: str | None = None) -> tuple[bytes, str]:
    """The scrape's body and content type: this process's registry, or the sum of every
    worker's in multiprocess mode."""
    registry = REGISTRY
    if multiprocess_mode():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    encoder, content_type = exposition.choose_encoder(accept or "")
    return encoder(registry), content_type


def metrics_endpoint(request: Request) -> Response:
    """GET /metrics (sync: Starlette runs it in a thread, off the event loop)."""
    body, content_type = exposition_bytes(request.headers.get("accept"))
    return Response(body, media_type=content_type)
