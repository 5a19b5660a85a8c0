"""--workers N with real processes: a worker that dies is started again, the others keep
serving meanwhile, and SIGTERM still stops every process cleanly."""

from __future__ import annotations

import contextlib
import os
import signal
import time

import httpx

from tests.ingest import payloads, receiver


def export(ingest: receiver.Ingest, name: str) -> int:
    request = payloads.traces(name, payloads.new_trace_id(), count=1)
    return httpx.post(ingest.http_url + "/v1/traces", content=request.SerializeToString(),
                      headers={"content-type": "application/x-protobuf"}, timeout=30).status_code


def listens(pid: int, port: int) -> bool:
    """Whether process `pid` holds a socket listening on TCP `port` (from /proc)."""
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    listening.add(f"socket:[{fields[9]}]")
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/{pid}/fd/{fd}") in listening:
                return True
    return False


def wait_for_workers(ingest: receiver.Ingest, count: int, timeout: float = 60) -> list[int]:
    """Until `count` workers run and each one listens (its process existing is not enough)."""
    deadline = time.monotonic() + timeout
    while True:
        pids = receiver.worker_pids(ingest)
        if len(pids) == count and all(listens(pid, ingest.http_port) for pid in pids):
            return pids
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(pids)} workers, expected {count}:\n{ingest.log()}")
        time.sleep(0.2)


def wait_until_gone(ingest: receiver.Ingest, pid: int, timeout: float = 60) -> None:
    """Until `pid` is no longer a live worker (the restart may already have replaced it)
    and no longer holds its listening socket: an exiting process loses its command line
    before its files are closed, and a connection the kernel gives that socket meanwhile
    is reset."""
    deadline = time.monotonic() + timeout
    while pid in receiver.worker_pids(ingest) or listens(pid, ingest.http_port):
        if time.monotonic() > deadline:
            raise AssertionError(f"worker {pid} still alive:\n{ingest.log()}")
        time.sleep(0.05)


def test_a_dead_worker_is_restarted_and_sigterm_stops_all(database_url, module_schema, sql):
    with receiver.running(database_url, module_schema, "--workers", "2") as ingest:
        first = wait_for_workers(ingest, 2)
        victim = first[0]
        for round_ in range(2):  # the restarted one dies again soon: a longer backoff
            os.kill(victim, signal.SIGKILL)
            wait_until_gone(ingest, victim)  # dead: its sockets are closed
            # the other worker serves meanwhile; nothing is refused
            for i in range(4):
                assert export(ingest, f"restart-{round_}-{i}") == 200
            (victim,) = set(wait_for_workers(ingest, 2)) - set(first)
            receiver.wait_ready(ingest)
        assert ingest.process.poll() is None  # the parent lives on
        assert set(receiver.worker_pids(ingest)).isdisjoint([first[0]])
        log = ingest.log()
        assert log.count("exited with status -9") == 2 and "restarting it in" in log
        assert "restarting it in 0.5 s" in log and "restarting it in 1.0 s" in log
        workers = receiver.worker_pids(ingest)
    # receiver.running checked that the parent exited 0 on SIGTERM
    assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}")]
    assert receiver.count_spans(sql, module_schema, "restart-") == 8
