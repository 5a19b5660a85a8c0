"""The attribute key registry behind attributeKeys (sql/key_registry.sql).

Per minute, owner (the items of one AttributeScope: span, span_event, log, metric,
resource, scope), key and value type: how many items carry the key, and a KMV sketch of
its values, the `K` smallest distinct 64-bit hashes. Merged over any minutes and owners a
sketch gives the exact number of distinct values when it holds fewer than `K` hashes, and
otherwise the estimate (K - 1) / u, u the K-th smallest hash scaled to [0, 1): relative
standard error about 1 / sqrt(K - 2) (13% for K = 64), exact below K values. Resources and
scopes count the spans, logs and metric points of the minute that refer to them.

The rollup job keeps it over the minutes of the RED rollups (`roll_minutes`, from
ollygraph.span_rollups), which late spans mark; writers of logs and metric points mark the
minutes they wrote to that the job has passed (`mark_late`) and `roll` computes them again.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

from ollygraph import store
from ollygraph.sql import QUERIES

log = logging.getLogger(__name__)

MINUTE_NS = 60_000_000_000
K = 64
MARKS_PER_ROUND = 500
MARK_ROUNDS = 10
MINUTE_OF = "@time@ / 60000000000 * 60000000000"
# a typed value as the text its hash is taken of (as JSONB holds it: bytes in base64)
TEXT = {"string": "a.value", "bytes": "translate(encode(a.value, 'base64'), E'\\n', '')"}


def floor_minute(ns: int) -> int:
    return ns // MINUTE_NS * MINUTE_NS


def _fill(sql: str, **slots: str) -> str:
    for name, value in slots.items():
        sql = sql.replace(f"@{name}@", value)
    return sql


class RegistryOwner(NamedTuple):
    """The registry rows of one AttributeScope: its label, the owners it reads, their
    typed tables and its key_rows over the items of [$1, $2)."""

    label: str
    owners: tuple[store.Owner, ...]
    typed_tables: tuple[str, ...]
    rows: str


def _rows(owners: tuple[store.Owner, ...]) -> str:
    """key_rows of the owners' items of [$1, $2)."""
    parts, items = [], ""
    for owner in owners:
        if owner.partition:
            time = f"a.{owner.partition}"
            slots = {"minute": _fill(MINUTE_OF, time=time), "weight": "count(*)",
                     "where": f"{time} >= $1 AND {time} < $2"}
            source = "@table@ AS a"
        else:
            slots = {"minute": "i.minute_unix_nano", "weight": "sum(i.n)", "where": "true"}
            source = f"@table@ AS a JOIN items AS i ON i.id = a.{owner.key_names[0]}"
            items = _items(owner)
        for t in store.VALUE_TYPES:
            parts.append(_fill(QUERIES.typed_part, **slots, type=t.name,
                               text=TEXT.get(t.name, "a.value::text"),
                               **{"from": _fill(source, table=owner.attribute_table(t.name))}))
        parts.append(_fill(QUERIES.other_part, **slots,
                           **{"from": _fill(source, table=owner.attribute_table(store.OTHER))}))
    return _fill(QUERIES.key_rows, parts="\nUNION ALL\n".join(parts), k=str(K),
                 items=_fill(QUERIES.items_cte, items=items) if items else "")


def _items(dimension: store.Owner) -> str:
    """dimension_items: the items per minute of [$1, $2) of each row of a dimension."""
    column = dimension.key_names[0]
    facts = [_fill(QUERIES.fact_items, table=t.name, time=t.partition, id=column)
             for s in store.SIGNALS for t in s.tables if column in t.column_names]
    return _fill(QUERIES.dimension_items, facts="\nUNION ALL\n".join(facts))


def _registry() -> dict[str, RegistryOwner]:
    out = {}
    for scope in ("SPAN", "EVENT", "LINK", "LOG", "METRIC", "RESOURCE", "SCOPE"):
        owners = tuple(o for o in store.OWNERS if o.scope == scope)
        typed = tuple(o.attribute_table(t.name) for o in owners for t in store.VALUE_TYPES)
        out[scope] = RegistryOwner(owners[0].name if len(owners) == 1 else scope.lower(),
                                   owners, typed, _rows(owners))
    return out


REGISTRY = _registry()  # AttributeScope name -> its registry rows
ROLLS = tuple((r.label, _fill(QUERIES.insert_keys, rows=r.rows)) for r in REGISTRY.values())


def distinct_estimate(hashes: list[int]) -> int:
    """The number of distinct values a merged sketch (sorted, at most K) stands for."""
    if len(hashes) < K:
        return len(hashes)
    u = (hashes[K - 1] + 2**63 + 1) / 2**64
    return round((K - 1) / u)


async def roll_minutes(conn: Any, lo: int, hi: int) -> None:
    """The registry of the minutes [lo, hi), computed again (in the caller's transaction)."""
    await conn.execute(QUERIES.drop_keys_between, lo, hi)
    for label, sql in ROLLS:
        await conn.execute(sql, lo, hi, label)


async def mark_late(conn: Any, minutes: set[int]) -> None:
    """Mark the minutes a log or metric writer's batch wrote to that the registry has
    passed. In the writer's transaction, before its commit."""
    if minutes:
        await conn.execute(QUERIES.lock_shared)
        await conn.execute(QUERIES.mark_late_keys, sorted(minutes))


async def roll(conn: Any) -> int:
    """Compute again the marked minutes the span rollups have passed; returns how many.
    The caller holds the rollup job's lock."""
    state = await conn.fetchrow(QUERIES.span_rollup_state)
    if state is None:
        return 0
    done = 0
    for _ in range(MARK_ROUNDS):
        marks = await conn.fetch(QUERIES.key_marks, state["rolled"], MARKS_PER_ROUND)
        if not marks:
            break
        async with conn.transaction():
            for m in marks:
                minute = m["minute_unix_nano"]
                await roll_minutes(conn, minute, minute + MINUTE_NS)
            await conn.execute(
                QUERIES.clear_key_marks,
                [m["minute_unix_nano"] for m in marks],
                [m["mark"] for m in marks],
            )
        done += len(marks)
        if len(marks) < MARKS_PER_ROUND:
            break
    if done:
        log.debug("computed the key registry of %d late minutes again", done)
    return done
