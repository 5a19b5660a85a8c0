"""Query fields about what is stored: services, attribute keys and attribute values."""

from __future__ import annotations

import math
from typing import Annotated

import strawberry

from gateway import attrsql, enums, filters, inputs, pagination, scalars, sqlparts
from gateway.stats import catalog as stats_catalog
from ollygraph import key_registry, store

SQL = attrsql.SQL
SAMPLE_ROWS = 10_000        # newest rows of a JSONB catch-all looked at for values
SCAN_VALUES = 10_000        # distinct values of a promoted key looked at for a `prefix`
# The owners of each scope's attributes (metric points: one per point kind); their first
# key column rises with time: the newest rows have the highest.
OWNERS = {scope: tuple(o for o in store.OWNERS if o.scope == scope.name)
          for scope in enums.AttributeScope}
# typed tables whose distinct values attributeValues lists (not bytes: base64 text, in no
# order a reader could use)
LISTED = tuple(t for t in store.VALUE_TYPES if t.sql_type != "bytea")


@strawberry.type
class Service:
    name: str
    namespace: str | None


@strawberry.type
class AttributeKey:
    key: str
    promoted: bool = strawberry.field(
        description="Stored in the typed tables (else only in the JSONB catch-all).")
    value_types: list[stats_catalog.ValueTypeCount] | None = strawberry.field(
        default=None, description="Value types seen, with counts.")
    count: int | None = strawberry.field(
        default=None, description=(
            "Items seen with this key: spans, events, logs or metric points; for RESOURCE and "
            "SCOPE the spans, logs and metric points of resources or scopes with it."))
    last_seen: scalars.Timestamp | None = strawberry.field(
        default=None, description="The last minute it was seen in.")
    distinct_values: int | None = strawberry.field(
        default=None, description=(
            f"Distinct values seen: exact below {key_registry.K}, above an estimate from a "
            f"KMV sketch (relative standard error about 1/sqrt({key_registry.K - 2}), "
            f"{1 / math.sqrt(key_registry.K - 2):.0%}). Null until the rollup job has "
            "sketched every minute of the range."))


@strawberry.type
class Query:
    @strawberry.field(description="Services seen (within `timeRange` when given).")
    async def services(self, info: strawberry.Info,
                       time_range: inputs.TimeRange | None = None) -> list[Service]:
        bounds = filters.time_bounds(time_range)
        if bounds is None:
            rows = await info.context.db.fetch(SQL.services)
        else:
            sql = sqlparts.numbered(SQL.services_in_range, ["lo", "hi"])
            rows = await info.context.db.fetch(sql, *bounds)
        return [Service(name=r["service_name"], namespace=r["service_namespace"]) for r in rows]

    @strawberry.field(description=(
        "Attribute keys of a scope, by name, from the registry the rollup job keeps: every "
        "key seen in the minutes `timeRange` touches, JSONB-stored ones included, with value "
        "types, counts, distinct values and when last seen (the minutes the job has not "
        "rolled yet read from the attribute tables). Pages go on `after` a key."))
    async def attribute_keys(self, info: strawberry.Info, scope: enums.AttributeScope,
                             prefix: str | None = None, first: int | None = 100,
                             time_range: inputs.TimeRange | None = None,
                             after: Annotated[str | None, strawberry.argument(
                                 description="List the keys after this one (the last key "
                                             "of the previous page).")] = None,
                             ) -> list[AttributeKey]:
        limit = pagination.page_size(first, 100)
        found = await stats_catalog.registry_keys(info.context.db, scope, prefix, after,
                                                  time_range)
        return [AttributeKey(key=k.key, promoted=k.promoted, value_types=k.types,
                             count=k.count, last_seen=k.last_minute,
                             distinct_values=k.distinct)
                for k in found[:limit]]

    @strawberry.field(description=(
        "Distinct values of one attribute key, in order (string values can be narrowed by "
        "`prefix`). Values stored in typed tables are read from their index: all of them, "
        f"or with `prefix` those among the first {SCAN_VALUES:,} distinct values; values "
        f"stored in JSONB are those of the newest {SAMPLE_ROWS:,} rows of each table of "
        "the scope."))
    async def attribute_values(self, info: strawberry.Info, scope: enums.AttributeScope,
                               key: str, prefix: str | None = None,
                               first: int | None = 100) -> list[scalars.JSON]:
        limit = pagination.page_size(first, 100)
        db = info.context.db
        key_id = (await filters.key_ids(db, [inputs.AttributeFilter(key=key)])).get(key)
        values: list[scalars.JSON] = []
        for owner in OWNERS[scope]:
            stmt = sqlparts.Statement()
            parts = [stmt.render(SQL.typed_values, {
                "table": owner.attribute_table(t.name), "json": attrsql.value_json(t),
                "match": stmt.render(SQL.value_prefix, prefix=prefix) if prefix else "true"},
                key_id=key_id, scan=SCAN_VALUES if prefix else limit, limit=limit)
                for t in LISTED if key_id is not None and (t.sql_type == "text" or not prefix)]
            parts.append(stmt.render(SQL.other_values, _other_slots(owner),
                                     key=key, sample=SAMPLE_ROWS))
            sql = stmt.render(SQL.attribute_values, {"parts": "\nUNION ".join(parts)},
                              prefix=prefix or "", limit=limit)
            rows = await db.fetch(sql, *stmt.params)
            values += [r["v"] for r in rows if r["v"] not in values]
        return values[:limit]


def _other_slots(owner: store.Owner) -> dict[str, str]:
    """An owner's JSONB catch-all and its first key column (newest rows highest)."""
    return {"table": owner.attribute_table(store.OTHER), "pk": owner.key_names[0]}
