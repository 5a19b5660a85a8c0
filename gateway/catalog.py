"""Query fields about what is stored: services, attribute keys and attribute values."""

from __future__ import annotations

import strawberry

from gateway import enums, filters, inputs, pagination, resources, scalars, sqlparts

SQL = resources.SQL
SAMPLE_ROWS = 10_000
# Attribute table prefixes of each scope; metric points have one per point kind.
TABLES = {
    enums.AttributeScope.SPAN: ("otel_span_attrs",),
    enums.AttributeScope.RESOURCE: ("otel_resource_attrs",),
    enums.AttributeScope.SCOPE: ("otel_scope_attrs",),
    enums.AttributeScope.EVENT: ("otel_span_event_attrs",),
    enums.AttributeScope.LOG: ("otel_log_attrs",),
    enums.AttributeScope.METRIC: tuple(
        f"otel_metric_{kind}_attrs" for kind in ("number", "histogram", "exp_histogram", "summary")
    ),
}


@strawberry.type
class Service:
    name: str
    namespace: str | None


@strawberry.type
class AttributeKey:
    key: str
    promoted: bool = strawberry.field(
        description="Stored in the typed tables (else only in the JSONB catch-all).")


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

    @strawberry.field(description="Attribute keys of a scope; JSONB-stored keys are sampled "
                                  f"from up to {SAMPLE_ROWS} rows.")
    async def attribute_keys(self, info: strawberry.Info, scope: enums.AttributeScope,
                             prefix: str | None = None,
                             first: int | None = 100) -> list[AttributeKey]:
        limit = pagination.page_size(first, 100)
        db = info.context.db
        keys: dict[str, bool] = {}
        for table in TABLES[scope]:
            slots = {"prefix": table}
            promoted = await db.fetch(sqlparts.numbered(SQL.promoted_keys, ["prefix", "limit"],
                                                        slots), prefix or "", limit)
            other = await db.fetch(sqlparts.numbered(
                SQL.other_keys, ["prefix", "limit", "sample"], slots), prefix or "", limit,
                SAMPLE_ROWS)
            for r in promoted:
                keys[r["key"]] = True
            for r in other:
                keys.setdefault(r["key"], False)
        return [AttributeKey(key=k, promoted=keys[k]) for k in sorted(keys)[:limit]]

    @strawberry.field(description="Distinct values of one attribute key (string values can be "
                                  "narrowed by `prefix`).")
    async def attribute_values(self, info: strawberry.Info, scope: enums.AttributeScope,
                               key: str, prefix: str | None = None,
                               first: int | None = 100) -> list[scalars.JSON]:
        limit = pagination.page_size(first, 100)
        values: list[scalars.JSON] = []
        for table in TABLES[scope]:
            sql = sqlparts.numbered(SQL.attribute_values, ["key", "prefix", "limit", "sample"],
                                    {"prefix": table})
            rows = await info.context.db.fetch(sql, key, prefix or "", limit, SAMPLE_ROWS)
            values += [r["v"] for r in rows if r["v"] not in values]
        return values[:limit]
