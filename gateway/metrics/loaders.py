"""Per-request loaders of the metrics signal; each returns one result per key, in key order."""

from __future__ import annotations

from gateway import attributes, db, loaders, resources, sqlparts
from gateway.metrics import filters

SQL = filters.SQL
MAX_SERIES = 10_000  # per descriptor, for the catalog fields
_K = loaders.KeyColumn


class Loaders:
    """attributes[kind]: (point_pk, time_ns) -> dict of the point's attributes;
    series[kind]: metric name -> [(attributes, resource_id) of each of its series (at most
    MAX_SERIES per descriptor)]."""

    def __init__(self, database: db.Db) -> None:
        self.attributes: dict[str, loaders.KeyedLoader] = {}
        self.series: dict[str, loaders.KeyedLoader] = {}
        for kind in filters.POINT_KINDS:
            slots = {"kind": f"metric_{kind}", "table": f"otel_metrics_data_points_{kind}"}
            self.attributes[kind] = loaders.KeyedLoader(
                database, sqlparts.numbered(SQL.point_attributes, ["pks", "times"], slots),
                loaders.with_keys([_K(0), _K(1)]), shape=lambda row: row["attributes"])
            source = SQL.catalog_series.replace("@table@", slots["table"])
            self.series[kind] = loaders.KeyedLoader(
                database, resources.owned_sql(f"otel_metric_{kind}_attrs",
                                              ("point_pk", "time_unix_nano"), None, source,
                                              "src.r", ["names", "cap"]),
                loaders.with_keys([_K(), MAX_SERIES]), many=True,
                shape=lambda row: (attributes.merge(row), row["resource_id"]))
