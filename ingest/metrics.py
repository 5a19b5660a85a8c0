"""Metrics: the metric dimension and the four point tables (number, histogram,
exponential histogram, summary) with their attributes and exemplars.

A metric's descriptive fields (name, description, unit, type, temporality,
monotonicity, metadata) are one `otel_metrics_dim` row. A point's identity is
`content_hash`: its resource, scope and metric hashes and its content in canonical form
(`wire.content`), made distinct for each further identical point of the same request
(`flatten.Context.occurrence`), unique together with `time_unix_nano`. A bad point is
rejected alone; a metric with a bad name or metadata is rejected with all its points.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import asyncpg
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2

from ingest import dimensions, flatten, queries, wire, writer
from ollygraph import codecs, key_registry, rollups, store

QUERIES = queries.QUERIES

SHAPE = store.SIGNAL["metrics"]
# Metric.data oneof -> (metric_type_id, point kind)
DATA = {"gauge": (1, "number"), "sum": (2, "number"), "histogram": (3, "histogram"),
        "exponential_histogram": (4, "exp_histogram"), "summary": (5, "summary")}
POINTS = {kind.name: kind.table for kind in store.POINT_KINDS}  # point kind -> its table
POINT_ATTRS = {kind.name: store.OWNER[kind.owner].attribute_tables for kind in store.POINT_KINDS}
TABLES = writer.tables(SHAPE)
FACTS = [writer.fact(table, ("content_hash", "time_unix_nano"),
                     QUERIES.existing_points.format(table=table.name)) for table in SHAPE.tables]

DataPoint = (metrics_pb2.NumberDataPoint | metrics_pb2.HistogramDataPoint
             | metrics_pb2.ExponentialHistogramDataPoint | metrics_pb2.SummaryDataPoint)
MAX_I64 = 2**63 - 1
# a point's attributes (serialized, exact) -> attributes_hash: series repeat their attributes
ATTRIBUTE_SETS = dimensions.Memo()
HASH_VERSION = b"pt1"


def metric_identity(metric: metrics_pb2.Metric, data: str) -> tuple[bytes, dimensions.Pending]:
    body = getattr(metric, data)
    temporality = getattr(body, "aggregation_temporality", None)
    # an open enum (int32): a value this version does not know is stored as sent
    monotonic = body.is_monotonic if data == "sum" else None
    for text in (metric.name, metric.description, metric.unit):
        codecs.check_text(text, "metric name, description or unit")
    metadata = codecs.keyvalues_to_tagged(metric.metadata) if metric.metadata else None
    identity = {"name": metric.name, "unit": metric.unit, "type": DATA[data][0],
                "temporality": temporality, "monotonic": monotonic, "metadata": metadata}
    digest = codecs.canonical_hash({**identity, "description": metric.description})
    return digest, dimensions.Pending((
        digest, codecs.canonical_hash(identity), metric.name, DATA[data][0], metric.unit,
        metric.description, temporality, monotonic,
        codecs.dumps(metadata) if metadata is not None else None))


def _stats(p: metrics_pb2.HistogramDataPoint
           | metrics_pb2.ExponentialHistogramDataPoint) -> tuple:
    return (p.count, p.sum if p.HasField("sum") else None, p.min if p.HasField("min") else None,
            p.max if p.HasField("max") else None)


def _values(kind: str, p: DataPoint) -> tuple:
    if kind == "number":
        which = p.WhichOneof("value")
        return (p.as_int if which == "as_int" else None,
                p.as_double if which == "as_double" else None)
    if kind == "histogram":
        return (*_stats(p), list(p.explicit_bounds), list(p.bucket_counts))
    if kind == "exp_histogram":
        return (*_stats(p), p.scale, p.zero_count, p.zero_threshold,
                p.positive.offset, list(p.positive.bucket_counts),
                p.negative.offset, list(p.negative.bucket_counts))
    return (p.count, p.sum, [q.quantile for q in p.quantile_values],
            [q.value for q in p.quantile_values])


def exemplars_json(exemplars: Sequence[metrics_pb2.Exemplar]) -> str | None:
    """Exemplars in their OTLP/JSON form (ids in hex, times and ints as strings)."""
    if not exemplars:
        return None
    out = []
    for e in exemplars:
        item: dict[str, object] = {"timeUnixNano": str(e.time_unix_nano)}
        if e.WhichOneof("value") == "as_int":
            item["asInt"] = str(e.as_int)
        elif e.WhichOneof("value") == "as_double":
            item["asDouble"] = codecs.double_to_json(e.as_double)
        if e.span_id:
            item["spanId"] = e.span_id.hex()
        if e.trace_id:
            item["traceId"] = e.trace_id.hex()
        if e.filtered_attributes:
            item["filteredAttributes"] = codecs.keyvalues_to_list(e.filtered_attributes)
        out.append(item)
    return codecs.dumps(out)


def _too_big(kind: str, values: tuple) -> bool:
    """A count (uint64 on the wire) past bigint; a number point's values are int64 or double."""
    return kind != "number" and any((isinstance(v, int) and v > MAX_I64)
               or (isinstance(v, list) and v and isinstance(v[0], int) and max(v) > MAX_I64)
               for v in values)


class Metrics:
    """The metrics `flatten.Flow`: `prepare` asks for the metric dimension rows of a scope,
    `flatten` writes their points; its `after` hook marks late points for the rollups."""

    shape, tables, facts = SHAPE, TABLES, FACTS
    before = None

    def __init__(self, dimension: dimensions.Dimension) -> None:
        self.dimension = dimension  # the metrics dimension (otel_metrics_dim)

    def resources(self, request: metrics_service_pb2.ExportMetricsServiceRequest
                  ) -> Sequence[metrics_pb2.ResourceMetrics]:
        return request.resource_metrics

    def scopes(self, resource: metrics_pb2.ResourceMetrics) -> Sequence[metrics_pb2.ScopeMetrics]:
        return resource.scope_metrics

    def items(self, scope: metrics_pb2.ScopeMetrics) -> Sequence[metrics_pb2.Metric]:
        return scope.metrics

    def count(self, metrics: Sequence[metrics_pb2.Metric]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for metric in metrics:
            data = metric.WhichOneof("data")
            if data:
                table = POINTS[DATA[data][1]]
                counts[table] = counts.get(table, 0) + len(getattr(metric, data).data_points)
        return counts

    def prepare(self, metrics: Sequence[metrics_pb2.Metric],
                ctx: flatten.Context) -> list[bytes | str | None]:
        """Per metric: its dimension hash (requested from the context), or why it is bad."""
        out: list[bytes | str | None] = []
        dims = self.dimension
        for metric in metrics:
            data = metric.WhichOneof("data")
            if data is None:
                out.append(None)
                continue
            key = (metric.name, metric.description, metric.unit, data,
                   getattr(getattr(metric, data), "aggregation_temporality", None),
                   data == "sum" and metric.sum.is_monotonic,
                   b"".join(kv.SerializeToString(deterministic=True) for kv in metric.metadata))
            try:
                digest = dims.memo(key, lambda m=metric, d=data: metric_identity(m, d)[0])
                if digest in dims.ids:
                    ctx.want(dims, digest, dimensions.Pending(()))
                else:
                    ctx.want(dims, *metric_identity(metric, data))
                out.append(digest)
            except codecs.BadValue as exc:
                out.append(f"metric: {exc}")
        return out

    def flatten(self, metrics: Sequence[metrics_pb2.Metric], ctx: flatten.Context,
                prepared: Sequence[bytes | str | None]) -> None:
        rows = ctx.rows
        split, sha256 = ctx.splitter.split, hashlib.sha256
        content, occurrence = wire.content, ctx.occurrence
        resource_id, scope_id = ctx.resource_id, ctx.scope_id
        base = HASH_VERSION + ctx.resource_hash + ctx.scope_hash
        stored = 0
        for metric, digest in zip(metrics, prepared, strict=True):
            if digest is None:
                continue
            data = metric.WhichOneof("data")
            kind = DATA[data][1]
            table = POINTS[kind]
            points = getattr(metric, data).data_points
            next_pk = ctx.pks[table].__next__
            if isinstance(digest, str):
                for _ in points:
                    next_pk()
                ctx.reject(len(points), digest)
                continue
            facts = rows[table]
            attrs = [rows[name] for name in POINT_ATTRS[kind]]
            metric_id, identity = ctx.id_of(self.dimension, digest), base + digest
            for p in points:
                pk = next_pk()
                try:
                    time_ns, start_ns = p.time_unix_nano, p.start_time_unix_nano
                    values = _values(kind, p)
                    if time_ns > MAX_I64 or start_ns > MAX_I64:
                        raise codecs.BadValue(
                            f"time {time_ns} or start time {start_ns} is past 2262-04-11, the "
                            "last instant of int64 nanoseconds the store keeps times in")
                    if _too_big(kind, values):
                        raise codecs.BadValue("a count is past 2^63-1, the most a bigint "
                                              "column holds")
                    kvs = p.attributes
                    wires = tuple(wire.encoded(kvs))  # read once: hashed, then split
                    # in the column order of store.POINTS[kind]
                    fact = (pk, time_ns, start_ns, metric_id, resource_id, scope_id,
                            ATTRIBUTE_SETS(wires, lambda kvs=kvs: codecs.canonical_hash(
                                codecs.keyvalues_to_tagged(wire.keyvalues(kvs)))),
                            *values, p.flags, exemplars_json(getattr(p, "exemplars", ())),
                            occurrence(sha256(identity + content(p, wires)).digest()))
                    split(kvs, (pk, time_ns), attrs, wires)  # appends nothing when it raises
                except codecs.BadValue as exc:
                    ctx.reject(1, f"data point: {exc}")
                    continue
                facts.append(fact)
                stored += 1
        ctx.items += stored

    async def after(self, conn: asyncpg.Connection, rows: writer.Rows) -> None:
        """Mark the minutes of number points the rollups have already passed (late points),
        and the minutes of points of every kind the attribute key registry has passed."""
        points = rows[POINTS["number"]]
        if points:
            floor = rollups.floor_minute
            await rollups.mark_late(conn, {(r[3], floor(r[1])) for r in points})
        await key_registry.mark_late(conn, {key_registry.floor_minute(r[1])
                                            for table in POINTS.values() for r in rows[table]})
