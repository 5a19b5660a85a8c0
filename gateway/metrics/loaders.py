"""Per-request loaders of the metrics signal; each returns one result per key, in key order."""

from __future__ import annotations

from gateway import attributes, attrsql, db, loaders, sqlparts
from gateway.metrics import filters, types
from ollygraph import store

SQL = filters.SQL
MAX_SERIES = 10_000  # per descriptor, for the catalog fields
_K = loaders.KeyColumn


class Loaders:
    """attributes[kind]: (point_pk, time_ns) -> dict of the point's attributes;
    series[kind]: metric name -> [(attributes, resource_id) of each of its series (at most
    MAX_SERIES per descriptor)]; descriptors: metric_id -> MetricDescriptor | None."""

    def __init__(self, database: db.Db) -> None:
        self.attributes: dict[str, loaders.KeyedLoader] = {}
        self.series: dict[str, loaders.KeyedLoader] = {}
        self.descriptors = loaders.KeyedLoader(
            database, sqlparts.numbered(SQL.descriptors_by_id, ["ids"]),
            lambda keys: [list(keys)], shape=types.MetricDescriptor.from_row)
        for kind in store.POINT_KINDS:
            self.attributes[kind.name] = loaders.owner_attributes(
                database, attrsql.attributes_sql(store.OWNER[kind.owner]))
            source = sqlparts.fill(SQL.catalog_series, {"table": kind.table})
            self.series[kind.name] = loaders.KeyedLoader(
                database, attrsql.owned_sql(store.OWNER[kind.owner], source, "src.r",
                                            ["names", "cap"], bounded=False),
                loaders.with_keys([_K(), MAX_SERIES]), many=True,
                shape=lambda row: (attributes.merge(row), row["resource_id"]))
