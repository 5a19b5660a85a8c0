"""Reading stored rows back into OTLP requests, grouped by resource and scope.

`Reader(conn)` turns fact rows (spans, log records, metric points, as the named queries of
sql/export.sql select them) into `ExportTraceServiceRequest` / `ExportLogsServiceRequest` /
`ExportMetricsServiceRequest` messages carrying every field the store keeps: ids,
trace_state, flags, dropped counts, schema URLs, events and links in their original order,
attributes from the typed tables and the JSONB catch-all, log bodies, the four point kinds
with exemplars, and the metric descriptors. Resources, scopes and metric descriptors are
read once per `Reader` (dimension rows never change).

What the store does not keep, and so an export cannot give back: the order of a
message's attributes (they come back sorted by key) and a repeated key's earlier values
(OTLP: the last one wins), attribute keys dropped by the promotion config, resources,
scopes and metrics that had no spans, records or points, a log record's all-zero trace or
span id (stored as none, sent back empty), whether a span's empty status, a log record's
empty body, an exponential histogram's empty bucket side or a key's empty value was
present or absent on the wire (sent back: present, absent, absent, present), and items
that ingest rejected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import asyncpg
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2

from ollygraph import sql, store
from ollygraph.export import values

QUERIES = sql.Queries(Path(__file__).with_name("sql"))
# metric_type_id -> the Metric.data field
DATA = {1: "gauge", 2: "sum", 3: "histogram", 4: "exponential_histogram", 5: "summary"}
KIND_OF_TABLE = {kind.table: kind.name for kind in store.POINT_KINDS}


def _attribute_queries(owner: store.Owner) -> tuple[str, str]:
    key = ", ".join(f"t.{c}" for c in owner.key_names)
    if owner.partition is None:
        owners, match = "unnest($1::bigint[]) AS o(pk)", f"t.{owner.key_names[0]} = o.pk"
    else:
        owners = "unnest($1::bigint[], $2::bigint[]) AS o(pk, part)"
        match = f"t.{owner.key_names[0]} = o.pk AND t.{owner.partition} = o.part"
    fill = {"key": key, "owners": owners, "match": match, "prefix": owner.prefix}
    return QUERIES.typed_attributes.format(**fill), QUERIES.other_attributes.format(**fill)


ATTRIBUTE_QUERIES = {owner.name: _attribute_queries(owner) for owner in store.OWNERS}


def _typed_value(row: asyncpg.Record) -> common_pb2.AnyValue:
    if row["s"] is not None:
        return common_pb2.AnyValue(string_value=row["s"])
    if row["i"] is not None:
        return common_pb2.AnyValue(int_value=row["i"])
    if row["d"] is not None:
        return common_pb2.AnyValue(double_value=row["d"])
    if row["b"] is not None:
        return common_pb2.AnyValue(bool_value=row["b"])
    return common_pb2.AnyValue(bytes_value=row["y"])


class Reader:
    """Builds OTLP requests from fact rows, on one connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self.resources: dict[int, tuple[Any, str]] = {}  # id -> (Resource, schema_url)
        self.scopes: dict[int, tuple[Any, str]] = {}     # id -> (InstrumentationScope, url)
        self.descriptors: dict[int, asyncpg.Record] = {}

    async def attributes(self, owner: str, keys: Sequence[tuple]
                         ) -> dict[tuple, list[common_pb2.KeyValue]]:
        """The attributes of `owner`'s rows with `keys` ((id,) for a dimension, (pk, partition
        value) for a fact; events and links by their span's key), by the owner's full key,
        sorted by attribute key."""
        if not keys:
            return {}
        typed, other = ATTRIBUTE_QUERIES[owner]
        names = store.OWNER[owner].key_names
        args = [list(column) for column in zip(*keys, strict=True)]
        found: dict[tuple, dict[str, common_pb2.AnyValue]] = {}
        for row in await self.conn.fetch(other, *args):
            found.setdefault(tuple(row[c] for c in names), {}).update(
                (k, values.anyvalue(v)) for k, v in values.loads(row["attributes"]).items())
        for row in await self.conn.fetch(typed, *args):  # promoted keys win, as in the views
            found.setdefault(tuple(row[c] for c in names), {})[row["key"]] = _typed_value(row)
        return {key: [common_pb2.KeyValue(key=k, value=v) for k, v in sorted(kvs.items())]
                for key, kvs in found.items()}

    async def _dimensions(self, resource_ids: Iterable[int], scope_ids: Iterable[int]) -> None:
        new = sorted({i for i in resource_ids if i not in self.resources})
        if new:
            attrs = await self.attributes("resource", [(i,) for i in new])
            for row in await self.conn.fetch(QUERIES.resources_by_id, new):
                resource = {"attributes": attrs.get((row["resource_id"],), []),
                            "dropped_attributes_count": row["dropped_attributes_count"],
                            "entity_refs": values.entity_refs(row["entity_refs"])}
                self.resources[row["resource_id"]] = (resource, row["schema_url"] or "")
        new = sorted({i for i in scope_ids if i is not None and i not in self.scopes})
        if new:
            attrs = await self.attributes("scope", [(i,) for i in new])
            for row in await self.conn.fetch(QUERIES.scopes_by_id, new):
                scope = {"name": row["name"], "version": row["version"] or "",
                         "attributes": attrs.get((row["scope_id"],), []),
                         "dropped_attributes_count": row["dropped_attributes_count"]}
                self.scopes[row["scope_id"]] = (scope, row["schema_url"] or "")

    async def _envelope(self, request: Any, rows: Sequence[asyncpg.Record], names: tuple[str, str,
                        str], extra: Any = None) -> list[tuple[asyncpg.Record, Any]]:
        """For each row, the repeated items field of its (resource, scope) group in `request`,
        groups in first-seen order; `names`: the resource, scope and items fields; `extra(row)`
        splits a scope's items further (metrics: by descriptor) and returns that group's key."""
        await self._dimensions((r["resource_id"] for r in rows), (r["scope_id"] for r in rows))
        resources_field, scopes_field, items_field = names
        groups: dict[tuple, Any] = {}
        scopes_of: dict[int, dict[Any, Any]] = {}
        out = []
        for row in rows:
            rid, sid = row["resource_id"], row["scope_id"]
            key = (rid, sid, extra(row) if extra else None)
            items = groups.get(key)
            if items is None:
                scopes = scopes_of.get(rid)
                if scopes is None:
                    resource, url = self.resources[rid]
                    rs = getattr(request, resources_field).add(schema_url=url)
                    rs.resource.attributes.extend(resource["attributes"])
                    rs.resource.dropped_attributes_count = resource["dropped_attributes_count"]
                    rs.resource.entity_refs.extend(resource["entity_refs"])
                    scopes = scopes_of[rid] = {"_": rs}
                ss = scopes.get(sid)
                if ss is None:
                    ss = getattr(scopes["_"], scopes_field).add()
                    if sid is not None:
                        scope, url = self.scopes[sid]
                        ss.schema_url = url
                        ss.scope.name, ss.scope.version = scope["name"], scope["version"]
                        ss.scope.attributes.extend(scope["attributes"])
                        ss.scope.dropped_attributes_count = scope["dropped_attributes_count"]
                    scopes[sid] = ss
                items = groups[key] = getattr(ss, items_field)
            out.append((row, items))
        return out

    async def traces(self, spans: Sequence[asyncpg.Record]
                     ) -> trace_service_pb2.ExportTraceServiceRequest:
        request = trace_service_pb2.ExportTraceServiceRequest()
        keys = [(r["span_pk"], r["start_time_unix_nano"]) for r in spans]
        args = [list(c) for c in zip(*keys, strict=True)] if keys else [[], []]
        attrs = await self.attributes("span", keys)
        event_attrs = await self.attributes("span_event", keys)
        link_attrs = await self.attributes("span_link", keys)
        events: dict[int, list] = {}
        for e in await self.conn.fetch(QUERIES.events_of_spans, *args):
            events.setdefault(e["span_pk"], []).append(e)
        links: dict[int, list] = {}
        for li in await self.conn.fetch(QUERIES.links_of_spans, *args):
            links.setdefault(li["span_pk"], []).append(li)
        for row, items in await self._envelope(request, spans,
                                               ("resource_spans", "scope_spans", "spans")):
            pk, start = row["span_pk"], row["start_time_unix_nano"]
            span = items.add(
                trace_id=row["trace_id"], span_id=row["span_id"],
                parent_span_id=row["parent_span_id"] or b"", trace_state=row["trace_state"] or "",
                flags=row["flags"], name=row["name"], kind=row["kind_id"],
                start_time_unix_nano=start, end_time_unix_nano=row["end_time_unix_nano"],
                attributes=attrs.get((pk, start), ()),
                dropped_attributes_count=row["dropped_attributes_count"],
                dropped_events_count=row["dropped_events_count"],
                dropped_links_count=row["dropped_links_count"])
            span.status.code = row["status_code_id"]  # always present, as the SDKs send it
            span.status.message = row["status_message"] or ""
            for e in events.get(pk, ()):
                span.events.add(time_unix_nano=e["time_unix_nano"], name=e["name"],
                                attributes=event_attrs.get((pk, e["event_index"], start), ()),
                                dropped_attributes_count=e["dropped_attributes_count"])
            for li in links.get(pk, ()):
                span.links.add(trace_id=li["linked_trace_id"], span_id=li["linked_span_id"],
                               trace_state=li["trace_state"] or "", flags=li["flags"],
                               attributes=link_attrs.get((pk, li["link_index"], start), ()),
                               dropped_attributes_count=li["dropped_attributes_count"])
        return request

    async def logs(self, records: Sequence[asyncpg.Record]
                   ) -> logs_service_pb2.ExportLogsServiceRequest:
        request = logs_service_pb2.ExportLogsServiceRequest()
        attrs = await self.attributes("log", [(r["log_pk"], r["ts_unix_nano"]) for r in records])
        for row, items in await self._envelope(request, records,
                                               ("resource_logs", "scope_logs", "log_records")):
            record = items.add(
                time_unix_nano=row["time_unix_nano"],
                observed_time_unix_nano=row["observed_time_unix_nano"],
                severity_number=row["severity_number"], severity_text=row["severity_text"] or "",
                attributes=attrs.get((row["log_pk"], row["ts_unix_nano"]), ()),
                dropped_attributes_count=row["dropped_attributes_count"], flags=row["flags"],
                trace_id=row["trace_id"] or b"", span_id=row["span_id"] or b"",
                event_name=row["event_name"] or "")
            if row["body"] is not None:
                values.anyvalue(values.loads(row["body"]), record.body)
        return request

    async def metrics(self, kind: str, points: Sequence[asyncpg.Record]
                      ) -> metrics_service_pb2.ExportMetricsServiceRequest:
        """The points of one kind's table (store.POINT_KINDS) with their descriptors."""
        request = metrics_service_pb2.ExportMetricsServiceRequest()
        new = sorted({p["metric_id"] for p in points} - self.descriptors.keys())
        if new:
            for row in await self.conn.fetch(QUERIES.metrics_by_id, new):
                self.descriptors[row["metric_id"]] = row
        attrs = await self.attributes(store.POINT_KIND[kind].owner,
                                      [(p["point_pk"], p["time_unix_nano"]) for p in points])
        made: dict[int, Any] = {}  # id of a group's Metric list -> (Metric, data field)
        for row, metrics in await self._envelope(request, points,
                                                 ("resource_metrics", "scope_metrics", "metrics"),
                                                 extra=lambda p: p["metric_id"]):
            found = made.get(id(metrics), {}).get(row["metric_id"])
            if found is None:
                found = _metric(metrics, self.descriptors[row["metric_id"]])
                made.setdefault(id(metrics), {})[row["metric_id"]] = found
            _point(kind, row, found.data_points.add(),
                   attrs.get((row["point_pk"], row["time_unix_nano"]), ()))
        return request


def _metric(metrics: Any, d: asyncpg.Record) -> Any:
    """A new Metric in `metrics` for descriptor row `d`; returns its data (Gauge, Sum, ...)."""
    metric = metrics.add(name=d["name"], description=d["description"], unit=d["unit"])
    if d["metadata"] is not None:
        metric.metadata.extend(values.keyvalues(values.loads(d["metadata"])))
    data = getattr(metric, DATA[d["metric_type_id"]])
    data.SetInParent()
    if d["aggregation_temporality_id"] is not None:
        data.aggregation_temporality = d["aggregation_temporality_id"]
    if d["is_monotonic"] is not None:
        data.is_monotonic = d["is_monotonic"]
    return data


def _point(kind: str, p: asyncpg.Record, out: Any, attributes: Sequence) -> None:
    out.time_unix_nano, out.start_time_unix_nano = p["time_unix_nano"], p["start_time_unix_nano"]
    out.attributes.extend(attributes)
    if kind == "number":
        if p["value_int"] is not None:
            out.as_int = p["value_int"]
        elif p["value_double"] is not None:
            out.as_double = p["value_double"]
    elif kind == "summary":
        out.count, out.sum = p["count"], p["sum"]
        for q, v in zip(p["quantiles"], p["quantile_values"], strict=True):
            out.quantile_values.add(quantile=q, value=v)
    else:
        out.count = p["count"]
        for field in ("sum", "min", "max"):
            if p[field] is not None:
                setattr(out, field, p[field])
        if kind == "histogram":
            out.explicit_bounds.extend(p["explicit_bounds"])
            out.bucket_counts.extend(p["bucket_counts"])
        else:
            out.scale, out.zero_count = p["scale"], p["zero_count"]
            out.zero_threshold = p["zero_threshold"]
            for side in ("positive", "negative"):  # an empty side is sent back unset
                if p[f"{side}_offset"] or p[f"{side}_bucket_counts"]:
                    buckets = getattr(out, side)
                    buckets.offset = p[f"{side}_offset"]
                    buckets.bucket_counts.extend(p[f"{side}_bucket_counts"])
    out.flags = p["flags"]
    if kind != "summary":
        values.exemplars(p["exemplars"], out.exemplars)
