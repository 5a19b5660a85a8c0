"""Commit notifications for live subscriptions (gateway.live).

Inside each write transaction, after its rows, the writer sends one NOTIFY per fact table
with a surrogate-key sequence (spans, log records, metric points): PostgreSQL delivers it
only when the transaction commits, and never when it rolls back. The payload says which
rows committed, never what they hold:

    {"table": "otel_spans_fact", "ranges": [[lo, hi], ...], "from": t0, "to": t1}

`ranges` are the committed surrogate keys (inclusive, ascending), `from`/`to` the lowest
and highest partition-column value of those rows (Unix nanoseconds), so a reader finds
them by the primary key with partitions pruned. A payload stays under PostgreSQL's 8000
bytes: a batch with many ranges sends several.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import asyncpg
import orjson

from ollygraph import store

CHANNEL = "ollygraph_live"  # + "." + the schema: one channel per store
MAX_RANGES = 100  # per payload: 100 ranges of two 19-digit keys stay under 8000 bytes
NOTIFY = "SELECT pg_notify($1 || '.' || current_schema(), p) FROM unnest($2::text[]) AS p"

# fact table -> index of its partition column in a COPY row (the key is column 0)
PARTITION = {
    t.name: t.column_names.index(t.partition)
    for signal in store.SIGNALS
    for t in signal.tables
    if t.sequence and t.partition and t.parent is None
}


def ranges(keys: Iterable[int]) -> list[list[int]]:
    """`keys` as ascending inclusive [lo, hi] runs of consecutive values."""
    out: list[list[int]] = []
    for key in sorted(keys):
        if out and key <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], key)
        else:
            out.append([key, key])
    return out


def payloads(table: str, rows: Sequence[tuple]) -> list[str]:
    """The notification payloads of `rows` (COPY rows of fact table `table`)."""
    if not rows or table not in PARTITION:
        return []
    part = PARTITION[table]
    times = [r[part] for r in rows]
    low, high = min(times), max(times)
    runs = ranges(r[0] for r in rows)
    return [
        orjson.dumps(
            {"table": table, "ranges": runs[i : i + MAX_RANGES], "from": low, "to": high}
        ).decode()
        for i in range(0, len(runs), MAX_RANGES)
    ]


async def notify(
    conn: asyncpg.Connection, rows: dict[str, list[tuple]], timeout: float | None = None
) -> None:
    """NOTIFY the committed keys of `rows` (table -> COPY rows) on `conn`'s transaction:
    one statement, nothing when no fact table with a sequence has rows."""
    texts = [p for table, table_rows in rows.items() for p in payloads(table, table_rows)]
    if texts:
        await conn.execute(NOTIFY, CHANNEL, texts, timeout=timeout)
