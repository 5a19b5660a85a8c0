"""`ollygraph export`: stored data in [from, to) to an OTLP receiver or a file, in batches.

Each stream (spans; log records; the points of each metric kind) is read with a keyset
over its fact table's (time, surrogate key), never OFFSET. After a batch is sent the state
file records the batch's last key per stream (and, for a file, the file's length), written
atomically, so an interrupted export run again with the same arguments continues after
the last batch the receiver took.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ollygraph import db, store
from ollygraph.export import read

SIGNALS = ("traces", "logs", "metrics")
STATE_VERSION = 1


@dataclass(frozen=True)
class Stream:
    """One keyset walk: the signal it belongs to, its page query and its key columns."""

    name: str
    signal: str
    query: str
    time: str
    pk: str
    build: Callable[[read.Reader, list], Any]


def streams(signals: tuple[str, ...]) -> list[Stream]:
    out = []
    if "traces" in signals:
        out.append(Stream("traces", "traces", read.QUERIES.spans_page, "start_time_unix_nano",
                          "span_pk", lambda r, rows: r.traces(rows)))
    if "logs" in signals:
        out.append(Stream("logs", "logs", read.QUERIES.logs_page, "ts_unix_nano", "log_pk",
                          lambda r, rows: r.logs(rows)))
    if "metrics" in signals:
        for kind in store.POINT_KINDS:
            out.append(Stream(f"metrics.{kind.name}", "metrics",
                              read.QUERIES.points_page.format(table=kind.table),
                              "time_unix_nano", "point_pk",
                              lambda r, rows, k=kind.name: r.metrics(k, rows)))
    return out


class StateMismatch(ValueError):
    """The state file belongs to an export of another range or signals."""


@dataclass
class State:
    path: Path
    start_ns: int
    end_ns: int
    keys: dict[str, list[int]] = field(default_factory=dict)  # stream -> last (time, pk)
    done: list[str] = field(default_factory=list)
    position: int | None = None  # the output file's length after the last recorded batch

    @classmethod
    def load(cls, path: Path, start_ns: int, end_ns: int) -> State:
        if not path.exists():
            return cls(path, start_ns, end_ns)
        saved = json.loads(path.read_text())
        if (saved.get("from"), saved.get("to")) != (start_ns, end_ns):
            raise StateMismatch(f"{path} is the state of an export of another time range; "
                                "remove it to start over")
        return cls(path, start_ns, end_ns, saved.get("keys", {}), saved.get("done", []),
                   saved.get("position"))

    def save(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"version": STATE_VERSION, "from": self.start_ns,
                                   "to": self.end_ns, "keys": self.keys, "done": self.done,
                                   "position": self.position}))
        os.replace(tmp, self.path)


@dataclass
class Progress:
    out: TextIO | None = sys.stderr
    items: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    rejected: int = 0
    started: float = field(default_factory=time.monotonic)

    def add(self, signal: str, n: int, rejected: int) -> None:
        self.items[signal] = self.items.get(signal, 0) + n
        self.requests += 1
        self.rejected += rejected
        self.show()

    def line(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.items.items()) or "nothing"
        rate = sum(self.items.values()) / max(time.monotonic() - self.started, 1e-6)
        return (f"exported {counts} in {self.requests} requests ({rate:.0f} items/s"
                f"{f', {self.rejected} rejected by the receiver' if self.rejected else ''})")

    def show(self, end: str = "") -> None:
        if self.out is not None:
            self.out.write("\r" + self.line() + end)
            self.out.flush()


async def export(database_url: str, schema: str, start_ns: int, end_ns: int,
                 signals: tuple[str, ...], sink: Any, state: State, batch_size: int = 1000,
                 progress: Progress | None = None, max_requests: int | None = None) -> bool:
    """Send [start_ns, end_ns) of `signals` to `sink`; True when everything was sent,
    False when `max_requests` stopped it first (run again to continue)."""
    progress = progress or Progress(None)
    sent = 0
    pool = await db.create_pool(database_url, schema, min_size=1, max_size=1, read_only=True,
                                application_name="ollygraph-export")
    try:
        async with pool.acquire() as conn:
            reader = read.Reader(conn)
            for stream in streams(signals):
                if stream.name in state.done:
                    continue
                after = state.keys.get(stream.name, [start_ns, -1])
                while True:
                    if max_requests is not None and sent >= max_requests:
                        return False
                    rows = await conn.fetch(stream.query, start_ns, end_ns, after[0], after[1],
                                            batch_size)
                    if not rows:
                        break
                    request = await stream.build(reader, rows)
                    rejected = await asyncio.to_thread(sink.send, stream.signal, request)
                    sent += 1
                    after = [rows[-1][stream.time], rows[-1][stream.pk]]
                    state.keys[stream.name], state.position = after, sink.position()
                    state.save()
                    progress.add(stream.signal, len(rows), rejected)
                    if len(rows) < batch_size:
                        break
                state.done.append(stream.name)
                state.save()
    finally:
        await pool.close()
    return True
