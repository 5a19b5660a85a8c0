"""Spans ordered by a numeric attribute (`spans(orderByAttribute: ...)`), keyset-paginated.

The order is (value, span id); spans without a number under the key (no such attribute, or
a string there) follow, newest or oldest first as the direction says. A cursor holds
(value, span_pk) under a tag made of the key and direction, or (time, span_pk) under that
tag + "-" once the page is among the spans without the key, so a cursor of another order
or key is refused instead of skipping rows. Values compare as float8 (integers beyond
2^53 lose their last digits in the order, not in the answer).
"""

from __future__ import annotations

import enum
import hashlib
import math
from types import SimpleNamespace
from typing import Any

import strawberry

from gateway import errors, filters, pagination, sqlparts
from gateway.stats import facets as stats_facets
from gateway.stats import values
from gateway.traces import filters as trace_filters
from gateway.traces import ordering, types
from ollygraph import store

SQL = trace_filters.SQL
Scope = filters.Scope
NUMERIC = ("int", "double")          # the typed tables that hold numbers
INT64 = (-(2**63), 2**63 - 1)


@strawberry.enum(description="Largest first (DESC, the default) or smallest first (ASC).")
class OrderDirection(enum.Enum):
    DESC = "DESC"
    ASC = "ASC"


@strawberry.input(description=(
    "Spans by the number under a span attribute key, ties broken by span id; spans without "
    "a number there come last. Where the key is promoted, the index of its typed table "
    "serves the order page by page; its JSONB-stored values (all of them for a key not "
    "promoted) are found by reading the attribute rows of the filter's timeRange, so give "
    "one."))
class SpanAttributeOrder:
    key: str
    direction: OrderDirection = OrderDirection.DESC


def _tag(order: SpanAttributeOrder) -> str:
    digest = hashlib.sha256(f"{order.direction.value}:{order.key}".encode()).hexdigest()
    return "sa" + digest[:10]


def check(order: SpanAttributeOrder, order_by: Any) -> None:
    if order_by is not None:
        raise errors.UserError("give either `orderBy` or `orderByAttribute`, not both")
    scope, key = values.split_key(order.key)
    if not key.strip():
        raise errors.UserError("orderByAttribute: empty attribute key")
    if scope not in (None, Scope.SPAN):
        raise errors.UserError("orderByAttribute takes a span attribute key (no `resource:` "
                               "or `scope:` prefix)")


def decode(order: SpanAttributeOrder, after: str) -> tuple[bool, Any, int]:
    """(among the spans without the key, value or time, span_pk) of a cursor."""
    tag = _tag(order)
    try:
        value, ident = pagination.decode_cursor(tag, after, number=True)
        return False, value, ident
    except errors.UserError:
        value, ident = pagination.decode_cursor(tag + "-", after)
        return True, value, ident


def _bound(value: float, direction: str) -> int:
    """The cursor's value as a bound on an int table's index (rounded toward the page)."""
    if math.isnan(value):
        return INT64[1]                  # NaN sorts above every number
    if math.isinf(value):
        return INT64[1] if value > 0 else INT64[0]
    rounded = math.floor(value) if direction == "DESC" else math.ceil(value)
    return min(max(rounded, INT64[0]), INT64[1])


def keyed_statement(stmt: sqlparts.Statement, key: str, key_id: int | None,
                    where: str, bounds: tuple[int, int] | None, direction: str,
                    after: tuple[float, int] | None, limit: int) -> str:
    """The spans with a number under `key`, in order, after `after` (value, span_pk)."""
    target = filters.TARGETS["span"][Scope.SPAN]
    slots = {"columns": SQL.span_columns, "dir": direction, "where": where,
             "inner": target.inner, "outer": target.outer("s")}
    lo, hi = bounds or (None, None)
    branches = []
    places = [(kind, "a.value::float8") for kind in NUMERIC if key_id is not None]
    places.append((store.OTHER, f"({filters.SQL.json_number})::float8"))
    for kind, value in places:
        value_sql = stmt.render(value, key=key)
        limits = stmt.conditions(
            SQL.attribute_order_filter, bounded=bounds is not None, lo=lo, hi=hi,
            **{f"after_{direction.lower()}": after is not None,
               f"typed_after_{direction.lower()}": after is not None and kind != store.OTHER},
            bound=None if after is None else (
                _bound(after[0], direction) if kind == "int" else after[0]),
            after_value=None if after is None else after[0],
            after_id=None if after is None else after[1])
        limits = [sqlparts.fill(c, {"value": value_sql}) for c in limits]
        if kind == store.OTHER:
            branches.append(stmt.render(SQL.other_branch, {
                **slots, "table": target.table(kind), "value": value_sql,
                "where": sqlparts.conjunction([where, *limits])}, key=key, limit=limit))
        else:
            branches.append(stmt.render(SQL.typed_branch, {
                **slots, "table": target.table(kind), "bounds": sqlparts.conjunction(limits)},
                key_id=key_id, limit=limit))
    return stmt.render(SQL.spans_by_attribute, {"branches": "\nUNION ALL\n".join(branches),
                                                "dir": direction}, limit=limit)


def missing_statement(stmt: sqlparts.Statement, key: str, keys: filters.KeyIds, where: str,
                      direction: str, after: tuple[int, int] | None, limit: int) -> str:
    """The spans without a number under `key`, in time order, after `after` (time, span_pk)."""
    value = values.expression(stmt, "span", "s", Scope.SPAN, key, keys, numeric=True)
    conditions = [where]
    if after is not None:
        conditions += stmt.conditions(SQL.span_filter, **{f"after_{direction.lower()}": True},
                                      after_time=after[0], after_id=after[1])
    return stmt.render(SQL.spans_without_attribute, {
        "columns": SQL.span_columns, "value": value, "dir": direction,
        "where": sqlparts.conjunction(conditions)}, limit=limit)


async def page(info: strawberry.Info, order: SpanAttributeOrder, stmt: sqlparts.Statement,
               conditions: list[str], bounds: tuple[int, int] | None, first: int | None,
               after: str | None) -> pagination.Connection[types.Span]:
    """One page of spans in `order` (LIMIT n + 1 for hasNextPage), strictly after `after`."""
    db = info.context.db
    _, key = values.split_key(order.key)
    direction = order.direction.value
    where = sqlparts.conjunction(conditions)
    count_params = list(stmt.params)
    limit = pagination.page_size(first, 50)
    keys = await filters.key_ids(db, [SimpleNamespace(key=key)])
    missing, position = False, None
    if after is not None:
        missing, after_value, after_id = decode(order, after)
        position = (after_value, after_id)
    rows: list[Any] = []
    if not missing:
        run = sqlparts.Statement()
        run.params = list(count_params)
        sql = keyed_statement(run, key, keys.get(key), where, bounds, direction, position,
                              limit + 1)
        rows = list(await db.fetch(sql, *run.params))
        position = None
    if len(rows) <= limit:
        run = sqlparts.Statement()
        run.params = list(count_params)
        sql = missing_statement(run, key, keys, where, direction, position,
                                limit + 1 - len(rows))
        rows += await db.fetch(sql, *run.params)
    tag = _tag(order)

    def cursor(row: Any) -> str:
        if row["attribute_value"] is None:
            return pagination.encode_cursor(tag + "-", row["start_time_unix_nano"],
                                            row["span_pk"])
        return pagination.encode_cursor(tag, row["attribute_value"], row["span_pk"])

    async def total() -> int:
        return await db.fetchval(stmt.render(SQL.count_spans, {"where": where}), *count_params)

    facets = stats_facets.source(db, ordering.SPAN_FACETS, where, count_params)
    return pagination.build(rows, limit, after, cursor=cursor, node=types.Span.from_row,
                            count=total, facets=facets)
