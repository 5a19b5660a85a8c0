"""Where a search with attribute filters starts: from the rows of its most selective filter,
or by walking the rows in page order.

PostgreSQL cannot estimate attribute matches (JSONB containment, key/value pairs across
keys) well enough to choose between the two itself, and a wrong choice costs seconds at a
million rows. So one statement first reads up to `START_LIMIT` + 1 owner keys of every
filter that is an index lookup by value (EQ or IN on span, event or log attributes). When
one has at most `START_LIMIT`, the search starts from its rows and checks every other
condition per row by primary-key probes: the cost follows that filter's rows, not the
store. Otherwise the search walks the rows newest first (its order) with the same probes:
when matches are common a page is full soon.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NamedTuple

from gateway import filters, inputs, sqlparts

SQL = filters.SQL
START_LIMIT = 5000


class Start(NamedTuple):
    """The attribute filter a search starts from, with the owners that satisfy it."""

    position: int               # in the filter's `attributes`
    pks: list[int]              # the owners' keys: span_pk or log_pk
    parts: list[int]            # and partition keys: start_time_unix_nano or ts_unix_nano


async def start_filter(db: Any, attributes: Sequence[inputs.AttributeFilter] | None,
                       signal: str, bounds: tuple[int, int] | None, keys: filters.KeyIds,
                       limit: int = START_LIMIT) -> Start | None:
    """The filter to start from and its owners, or None to walk. One statement reads up to
    `limit` + 1 owners of each EQ/IN filter and returns those of the one with the fewest,
    if at most `limit` (none without such filters). Numeric ranges (whose index reads all
    the rows of their buckets before any limit) are tried in a second statement, only when
    no EQ/IN filter has few enough."""
    exact: list[int] = []
    ranges: list[int] = []
    for i, attribute in enumerate(attributes or ()):
        match = filters.attribute_match(sqlparts.Statement(), attribute, signal, bounds,
                                        keys, attributes)
        if match.can_start:
            (ranges if match.sets.narrow else exact).append(i)
    for group in (exact, ranges):
        if group:
            start = await _fewest(db, attributes or (), group, signal, bounds, keys, limit)
            if start is not None:
                return start
    return None


async def _fewest(db: Any, attributes: Sequence[inputs.AttributeFilter], positions: list[int],
                  signal: str, bounds: tuple[int, int] | None, keys: filters.KeyIds,
                  limit: int) -> Start | None:
    """The owners of the filter at one of `positions` with the fewest, if at most `limit`."""
    stmt = sqlparts.Statement()
    found: list[str] = []
    for i in positions:
        rows = filters.attribute_match(stmt, attributes[i], signal, bounds, keys,
                                       attributes).sets.rows()
        found.append(stmt.render(SQL.start_rows, {"rows": rows}, limit=limit))
    sql = stmt.render(SQL.start_candidates, {"candidates": ",\n".join(
        f"{rows} AS c{n}" for n, rows in enumerate(found))})
    row = (await db.fetch(sql, *stmt.params))[0]
    count, n = min((row[3 * n], n) for n in range(len(found)))
    if count > limit:
        return None
    return Start(positions[n], row[3 * n + 1] or [], row[3 * n + 2] or [])


async def conditions(db: Any, stmt: sqlparts.Statement, flt: Any, signal: str,
                     build: Callable[..., list[str]],
                     more: Callable[..., Awaitable[dict[str, Any]]] | None = None,
                     ) -> list[str]:
    """`build(stmt, flt, keys=, start=)` (the conditions of a span or log filter) after
    resolving the attribute keys (of the nested filters too) and choosing where to start;
    at most two statements, only with attribute filters. `more(db, flt, keys)` resolves
    further arguments of `build` (where nested filters start: gateway.traces.structure)."""
    every = filters.every_attribute(flt)
    if not every:
        return build(stmt, flt)
    keys = await filters.key_ids(db, every)
    start = await start_filter(db, flt.attributes, signal, filters.time_bounds(flt.time_range),
                               keys) if flt.attributes else None
    extra = await more(db, flt, keys) if more is not None else {}
    return build(stmt, flt, keys=keys, start=start, **extra)


def attribute_conditions(stmt: sqlparts.Statement,
                         attributes: Sequence[inputs.AttributeFilter] | None, signal: str,
                         alias: str, bounds: tuple[int, int] | None,
                         keys: filters.KeyIds | None, start: Start | None,
                         keyed: str | None = None) -> list[str]:
    """A probe per row (alias `alias`) for each attribute filter but the one started from;
    filters on the row's own attributes (not its resource's or scope's) probe by the keys
    of `keyed` instead when given (the rows started from, before the rows are read)."""
    out = []
    for i, attribute in enumerate(attributes or ()):
        if start is not None and i == start.position:
            continue
        match = filters.attribute_match(stmt, attribute, signal, bounds, keys, attributes)
        own = keyed is not None and match.sets.target.partition is not None
        out.append(match.probe(keyed if own else alias))
    return out
