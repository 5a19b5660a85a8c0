"""The attribute maps of an owner's rows in one statement, for any owner of the store.

`owned_sql` adds to the rows of a source (spans, events, dimensions, metric series) the
attributes of their owner (an `ollygraph.store.Owner`): its typed tables (one per value
type of the store) and its JSONB catch-all, joined on the owner's key columns.
"""

from __future__ import annotations

import functools
from pathlib import Path

from gateway import sqlparts
from ollygraph import store

SQL = sqlparts.Queries(Path(__file__).with_name("sql"))


def value_json(value_type: store.ValueType) -> str:
    """SQL turning a.value of `value_type`'s table into plain JSON."""
    return sqlparts.choose(SQL.value_json, value_type.name, "any")


def value_tag(value_type: store.ValueType) -> str:
    """SQL turning a.value of `value_type`'s table into its tagged AnyValue, or NULL when its
    plain JSON says its type (strings, ints, bools)."""
    return sqlparts.choose(SQL.value_tag, value_type.name, "any")


def owned_sql(owner: store.Owner, source: str, order: str, names: list[str], *,
              bounded: bool = True) -> str:
    """The rows of `source` with their attributes (see sql/attributes.sql). For an owner
    with a partition column and `bounded`, the owner's other key columns identify it
    (surrogate keys, unique across partitions) and `:lo`/`:hi` bound the partition key
    only to choose the partitions read: pass whole days (`loaders.day_bounds`). `names`
    numbers the binds."""
    return _owned_sql(owner, source, order, tuple(names), bounded)


@functools.cache
def _owned_sql(owner: store.Owner, source: str, order: str, names: tuple[str, ...],
               bounded: bool) -> str:
    partition = owner.partition if bounded else None
    match = " AND ".join(f"a.{column} = src.{column}" for column in owner.key_names
                         if column != partition)
    if partition is not None:
        match += f" AND a.{partition} BETWEEN :lo AND :hi"
    typed = "\nUNION ALL ".join(
        sqlparts.fill(SQL.owned_typed, {"json": value_json(value_type), "match": match,
                                        "tag": value_tag(value_type),
                                        "table": owner.attribute_table(value_type.name)})
        for value_type in store.VALUE_TYPES)
    text = sqlparts.fill(SQL.owned_attributes, {
        "source": source, "typed": typed, "other": owner.attribute_table(store.OTHER),
        "match": match, "order": order})
    return sqlparts.numbered(text, list(names))


def attributes_sql(owner: store.Owner) -> str:
    """The batch attribute query of a fact owner: (key, partition key) keys -> rows k,
    attributes."""
    pk, part = owner.key_names
    source = sqlparts.fill(SQL.owner_keys, {"pk": pk, "part": part})
    return owned_sql(owner, source, "src.k", ["pks", "parts", "lo", "hi"])
