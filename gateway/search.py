"""The generic list flow of every signal: filter conditions -> one page + a lazy count.

A signal supplies its named queries (`search_<x>`, `count_<x>`, and the block of its
filter's conditions with the keyset ones, `after_desc`/`after_asc`), the columns, the
sort key columns and how a row becomes a node.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import strawberry

from gateway import pagination, sqlparts
from gateway.stats import facets as stats_facets


class Listing(NamedTuple):
    """What differs between signals' lists."""

    kind: str               # cursor tag
    queries: Any            # named fragments (sqlparts.Queries, or a dict of them)
    search: str             # named query of a page
    count: str              # named query of the count
    filter: str             # block of conditions with the keyset ones
    columns: str            # select list
    time_column: str        # sort key columns of a row
    id_column: str
    default_first: int
    shape: Callable[[Any], Any]
    facets: Any = None      # gateway.stats.facets.Subject: what `facets` can group by


async def page(info: strawberry.Info, listing: Listing, stmt: sqlparts.Statement,
               conditions: list[str], first: int | None, after: str | None,
               direction: str) -> pagination.Connection[Any]:
    """One page (LIMIT n + 1 for hasNextPage) continuing strictly after `after`."""
    db, q = info.context.db, listing.queries
    count_sql = stmt.render(q[listing.count], {"where": sqlparts.conjunction(conditions)})
    count_params = list(stmt.params)
    conditions_of_count = conditions
    limit = pagination.page_size(first, listing.default_first)
    if after is not None:
        time_ns, ident = pagination.decode_cursor(listing.kind, after)
        conditions = [*conditions, *stmt.conditions(
            q[listing.filter], **{f"after_{direction.lower()}": True},
            after_time=time_ns, after_id=ident)]
    sql = stmt.render(q[listing.search], {"columns": listing.columns, "dir": direction,
                                          "where": sqlparts.conjunction(conditions)},
                      limit=limit + 1)
    rows = await db.fetch(sql, *stmt.params)

    async def total() -> int:
        return await db.fetchval(count_sql, *count_params)

    def cursor(row: Any) -> str:
        return pagination.encode_cursor(listing.kind, row[listing.time_column],
                                        row[listing.id_column])

    facets = None if listing.facets is None else stats_facets.source(
        db, listing.facets, sqlparts.conjunction(conditions_of_count), count_params)
    return pagination.build(rows, limit, after, cursor=cursor, node=listing.shape, count=total,
                            facets=facets)
