"""Per-request loaders of the metrics signal; each returns one result per key, in key order."""

from __future__ import annotations

from gateway import db, loaders, sqlparts
from gateway.metrics import filters

SQL = filters.SQL
SAMPLE_POINTS = 10_000
_K = loaders.KeyColumn


class Loaders:
    """attributes[kind]: (point_pk, time_ns) -> dict of the point's attributes;
    series[kind]: metric name -> [row of one series among the metric's newest
    SAMPLE_POINTS points: attributes, resource (attributes), service_name]."""

    def __init__(self, database: db.Db) -> None:
        self.attributes: dict[str, loaders.KeyedLoader] = {}
        self.series: dict[str, loaders.KeyedLoader] = {}
        for kind in filters.POINT_KINDS:
            slots = {"kind": f"metric_{kind}", "table": f"otel_metrics_data_points_{kind}"}
            self.attributes[kind] = loaders.KeyedLoader(
                database, sqlparts.numbered(SQL.point_attributes, ["pks", "times"], slots),
                loaders.with_keys([_K(0), _K(1)]), shape=lambda row: row["attributes"])
            self.series[kind] = loaders.KeyedLoader(
                database, sqlparts.numbered(SQL.recent_series, ["names", "sample"], slots),
                loaders.with_keys([_K(), SAMPLE_POINTS]), many=True)
