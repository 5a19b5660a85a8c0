"""Traces through the Pipeline into PostgreSQL: every field back exactly, retries, bad
spans, promotion overrides, the trace summary, and spans from the real SDK encoder."""

from __future__ import annotations

import asyncio

import pytest
from opentelemetry.exporter.otlp.proto.common import trace_encoder
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.resource.v1 import resource_pb2
from opentelemetry.proto.trace.v1 import trace_pb2
from opentelemetry.sdk import resources, trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

from ingest import decode, errors
from tests.ingest import storekit as kit

SPAN_COLUMNS = ("start_time_unix_nano, end_time_unix_nano, trace_id, span_id, parent_span_id, "
                "trace_state, flags, name, kind_id, status_code_id, status_message, "
                "dropped_attributes_count, dropped_events_count, dropped_links_count, "
                "span_pk, resource_id, scope_id")


def request(spans: list[trace_pb2.Span], service: str = "checkout",
            resource_attrs: dict | None = None) -> trace_service_pb2.ExportTraceServiceRequest:
    return trace_service_pb2.ExportTraceServiceRequest(resource_spans=[trace_pb2.ResourceSpans(
        resource=resource_pb2.Resource(
            attributes=kit.kvs({"service.name": service, **(resource_attrs or {})}),
            dropped_attributes_count=3),
        schema_url="https://opentelemetry.io/schemas/1.26.0",
        scope_spans=[trace_pb2.ScopeSpans(
            scope=common_pb2.InstrumentationScope(name="lib", version="1.2.3",
                                                  attributes=kit.kvs({"scope.a": 7}),
                                                  dropped_attributes_count=1),
            schema_url="https://scope/schema", spans=spans)])])


def full_span(trace_id: bytes, parent: bytes = b"", **changes) -> trace_pb2.Span:
    start = kit.now_ns()
    fields = dict(
        trace_id=trace_id, span_id=kit.span_id(), parent_span_id=parent,
        trace_state="vendor=abc,x=1", flags=0x301, name="GET /cart",
        kind=trace_pb2.Span.SPAN_KIND_SERVER, start_time_unix_nano=start,
        end_time_unix_nano=start + 1_234_567,
        attributes=kit.kvs({**kit.EVERY_KIND, "http.method": "GET", "http.status_code": 200,
                            "http.request.size": 12.5, "db.system": 42}),
        dropped_attributes_count=4, dropped_events_count=5, dropped_links_count=6,
        events=[trace_pb2.Span.Event(time_unix_nano=start + 10, name="exception",
                                     attributes=kit.kvs({"exception.type": "KeyError",
                                                         "n": [1, 2]}),
                                     dropped_attributes_count=2),
                trace_pb2.Span.Event(time_unix_nano=start + 20, name="empty")],
        links=[trace_pb2.Span.Link(trace_id=kit.trace_id(), span_id=kit.span_id(),
                                   trace_state="l=1", attributes=kit.kvs({"link.kind": "follows"}),
                                   dropped_attributes_count=8, flags=0x101)],
        status=trace_pb2.Status(code=trace_pb2.Status.STATUS_CODE_ERROR, message="boom"),
    )
    fields.update(changes)
    return trace_pb2.Span(**fields)


def stored_span(conn, span: trace_pb2.Span) -> tuple:
    (row,) = kit.rows(conn, f"SELECT {SPAN_COLUMNS} FROM otel_spans_fact "
                            "WHERE trace_id = %s AND span_id = %s", span.trace_id, span.span_id)
    return row


def assert_span_stored(conn, span: trace_pb2.Span) -> None:
    row = stored_span(conn, span)
    assert row[:14] == (
        span.start_time_unix_nano, span.end_time_unix_nano, span.trace_id, span.span_id,
        span.parent_span_id or None, span.trace_state, span.flags, span.name, span.kind,
        span.status.code, span.status.message, span.dropped_attributes_count,
        span.dropped_events_count, span.dropped_links_count)
    pk, start = row[14], row[0]
    attrs, _ = kit.stored_attributes(conn, "span", "span_pk = %s AND start_time_unix_nano = %s",
                                     pk, start)
    expected = kit.expected_attributes(span.attributes)
    assert kit.same_tagged(attrs, expected)
    events = kit.rows(conn, "SELECT event_index, time_unix_nano, name, dropped_attributes_count "
                            "FROM otel_span_events WHERE span_pk = %s ORDER BY event_index", pk)
    assert events == [(i, e.time_unix_nano, e.name, e.dropped_attributes_count)
                      for i, e in enumerate(span.events)]
    for i, e in enumerate(span.events):
        got, _ = kit.stored_attributes(conn, "span_event", "span_pk = %s AND event_index = %s",
                                       pk, i)
        assert got == kit.expected_attributes(e.attributes)
    links = kit.rows(conn, "SELECT link_index, linked_trace_id, linked_span_id, trace_state, "
                           "flags, dropped_attributes_count FROM otel_span_links "
                           "WHERE span_pk = %s ORDER By link_index", pk)
    assert links == [(i, x.trace_id, x.span_id, x.trace_state, x.flags,
                      x.dropped_attributes_count) for i, x in enumerate(span.links)]
    for i, x in enumerate(span.links):
        got, _ = kit.stored_attributes(conn, "span_link", "span_pk = %s AND link_index = %s",
                                       pk, i)
        assert got == kit.expected_attributes(x.attributes)


async def test_every_field_is_stored_exactly(database_url, module_schema):
    tid = kit.trace_id()
    root = full_span(tid)
    child = full_span(tid, parent=root.span_id, kind=trace_pb2.Span.SPAN_KIND_CLIENT,
                      status=trace_pb2.Status(), events=[], links=[], trace_state="")
    async with kit.started(database_url, module_schema) as p:
        result = await p.export("traces", request([root, child]))
    assert result == (0, "")
    with kit.connect(database_url, module_schema) as conn:
        assert_span_stored(conn, root)
        assert_span_stored(conn, child)
        resource_id, scope_id = stored_span(conn, root)[15:]
        assert kit.rows(conn, "SELECT service_name, schema_url, dropped_attributes_count "
                              "FROM otel_resources_dim WHERE resource_id = %s", resource_id) == [
            ("checkout", "https://opentelemetry.io/schemas/1.26.0", 3)]
        assert kit.rows(conn, "SELECT name, version, schema_url, dropped_attributes_count "
                              "FROM otel_scopes_dim WHERE scope_id = %s", scope_id) == [
            ("lib", "1.2.3", "https://scope/schema", 1)]
        scope_attrs, _ = kit.stored_attributes(conn, "scope", "scope_id = %s", scope_id)
        assert scope_attrs == {"scope.a": {"intValue": "7"}}
        # promoted where the type matches, JSONB otherwise (db.system is an int here)
        root_pk = stored_span(conn, root)[14]
        _, promoted = kit.stored_attributes(conn, "span", "span_pk = %s", root_pk)
        assert promoted == {"http.method", "http.status_code", "http.request.size"}
        # the SQL view gives plain JSON back
        (attrs,) = kit.rows(conn, "SELECT attributes FROM v_otel_spans_enriched "
                                  "WHERE span_id = %s", root.span_id.hex())[0]
        assert attrs["i.min"] == -(2**63) and attrs["d.nan"] == "NaN" and attrs["s"] == "héllo ✓"
        assert attrs["kv"] == {"a": 1, "nested": {"deep": [1, 2, {"x": "Infinity"}]}}


async def test_resource_attributes_every_kind(database_url, module_schema):
    tid = kit.trace_id()
    span = full_span(tid)
    async with kit.started(database_url, module_schema) as p:
        await p.export("traces", request([span], service="every-kind",
                                         resource_attrs={**kit.EVERY_KIND, "host.name": "h1"}))
    with kit.connect(database_url, module_schema) as conn:
        resource_id = stored_span(conn, span)[15]
        attrs, promoted = kit.stored_attributes(conn, "resource", "resource_id = %s", resource_id)
    expected = {"service.name": "every-kind", **kit.EVERY_KIND, "host.name": "h1"}
    assert kit.same_tagged(attrs, {k: kit.tagged(v) for k, v in expected.items()})
    assert promoted == {"service.name", "host.name"}


async def test_retried_export_adds_nothing(database_url, module_schema):
    tid = kit.trace_id()
    spans = [full_span(tid), full_span(tid)]
    req = request(spans)
    async with kit.started(database_url, module_schema) as p:
        await p.export("traces", req)
        await p.export("traces", req)  # a retry after a lost response
        await asyncio.gather(*(p.export("traces", req) for _ in range(3)))  # and concurrent ones
        # a batch mixing new spans with retried ones stores only the new
        new = full_span(tid)
        await p.export("traces", request([spans[0], new]))
    with kit.connect(database_url, module_schema) as conn:
        pks = [r[0] for r in kit.rows(
            conn, "SELECT span_pk FROM otel_spans_fact WHERE trace_id = %s", tid)]
        assert len(pks) == 3
        assert kit.rows(conn, "SELECT count(*) FROM otel_span_events WHERE span_pk = ANY(%s)",
                        pks) == [(6,)]
        assert kit.rows(conn, "SELECT count(*) FROM otel_span_attrs_other WHERE span_pk = ANY(%s)",
                        pks) == [(3,)]
        assert kit.rows(conn, "SELECT span_count, error_count FROM otel_trace_summary "
                              "WHERE trace_id = %s", tid) == [(3, 3)]


def as_read_from_protobuf(req: trace_service_pb2.ExportTraceServiceRequest,
                          raw_attributes: list[bytes]) -> object:
    """`req` as the receivers parse it (the `ingest.wire` view), plus one span for each
    of `raw_attributes`: bytes that are no valid KeyValue."""
    view = decode.parse(type(req), req.SerializeToString(), decode.PROTOBUF)
    spans = view.resource_spans[0].scope_spans[0].spans
    template = spans[0]
    for raw in raw_attributes:
        span = spans.add()
        span.CopyFrom(template)
        span.span_id = kit.span_id()
        del span.attributes[:]
        span.attributes.append(raw)
    return view


@pytest.mark.parametrize("form", ["message", "protobuf"])
async def test_bad_spans_are_rejected_one_by_one(database_url, module_schema, form):
    tid = kit.trace_id()
    good = [full_span(tid), full_span(tid)]
    deep: object = "leaf"
    for _ in range(40):
        deep = [deep]
    bad = [
        full_span(b"\x01" * 15),                                   # short trace id
        full_span(bytes(16)),                                      # all-zero trace id
        full_span(tid, span_id=bytes(8)),                          # all-zero span id
        full_span(tid, span_id=b"\x01" * 9),                       # long span id
        full_span(tid, parent_span_id=b"\x01" * 3),                # bad parent
        full_span(tid, name="nul\x00name"),                        # NUL in a string
        full_span(tid, attributes=kit.kvs({"k": "v\x00"})),        # NUL in an attribute
        full_span(tid, attributes=kit.kvs({"deep": deep})),        # absurd nesting
        full_span(tid, links=[trace_pb2.Span.Link(trace_id=b"x", span_id=kit.span_id())]),
    ]
    req = request([bad[0], good[0], *bad[1:], good[1]])
    raw_bad = [b"\x0a\x01\xff", b"\xff\xff", b"\x12\x03\x0a\x01"]  # bad UTF-8, garbage, cut
    if form == "protobuf":
        req = as_read_from_protobuf(req, raw_bad)
    async with kit.started(database_url, module_schema) as p:
        result = await p.export("traces", req)
    assert result.rejected == len(bad) + (len(raw_bad) if form == "protobuf" else 0)
    assert "trace_id must be 16 bytes" in result.message
    with kit.connect(database_url, module_schema) as conn:
        stored = kit.rows(conn, "SELECT span_pk, span_id FROM otel_spans_fact WHERE trace_id = %s",
                          tid)
        assert sorted(s for _, s in stored) == sorted(s.span_id for s in good)
        pks = [pk for pk, _ in stored]
        # nothing half-written: the events of rejected spans are gone too
        assert kit.rows(conn, "SELECT count(*) FROM otel_span_events WHERE span_pk IN "
                              "(SELECT span_pk FROM otel_span_events) AND NOT span_pk = ANY(%s) "
                              "AND start_time_unix_nano >= %s", pks, good[0].start_time_unix_nano
                        ) == [(0,)]
        for span in good:
            assert_span_stored(conn, span)


async def test_promotion_and_drop_overrides(database_url, migrated_schema, tmp_path):
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("promote:\n  spans:\n    string: [custom.user]\n    bool: [feature.on]\n"
                         "  resource:\n    string: [custom.dc]\n"
                         "drop:\n  spans: [secret.token, http.method]\n  resource: [build.hash]\n")
    tid = kit.trace_id()
    span = full_span(tid, attributes=kit.kvs({"custom.user": "u1", "feature.on": True,
                                              "secret.token": "s", "http.method": "GET",
                                              "other": 1}),
                     events=[trace_pb2.Span.Event(name="e", attributes=kit.kvs(
                         {"secret.token": "x", "custom.user": "u2"}))])
    async with kit.started(database_url, migrated_schema, overrides) as p:
        assert "custom.user" in p.config.describe()
        await p.export("traces", request([span], resource_attrs={"custom.dc": "eu",
                                                                 "build.hash": "abc"}))
    with kit.connect(database_url, migrated_schema) as conn:
        pk, resource_id = stored_span(conn, span)[14:16]
        attrs, promoted = kit.stored_attributes(conn, "span", "span_pk = %s", pk)
        assert attrs == {"custom.user": {"stringValue": "u1"}, "feature.on": {"boolValue": True},
                         "other": {"intValue": "1"}}
        assert promoted == {"custom.user", "feature.on"}
        attrs, promoted = kit.stored_attributes(conn, "span_event", "span_pk = %s", pk)
        assert attrs == {"custom.user": {"stringValue": "u2"}} and promoted == {"custom.user"}
        attrs, promoted = kit.stored_attributes(conn, "resource", "resource_id = %s", resource_id)
        assert attrs == {"service.name": {"stringValue": "checkout"},
                         "custom.dc": {"stringValue": "eu"}}
        assert promoted == {"service.name", "custom.dc"}


async def test_trace_summary(database_url, migrated_schema):
    tid = kit.trace_id()
    root = full_span(tid, status=trace_pb2.Status(), name="root")
    t0 = root.start_time_unix_nano
    child = full_span(tid, parent_span_id=root.span_id, start_time_unix_nano=t0 - 50,
                      end_time_unix_nano=t0 + 10**9, name="child")
    other = full_span(tid, parent_span_id=child.span_id, status=trace_pb2.Status())
    async with kit.started(database_url, migrated_schema) as p:
        await p.export("traces", request([child], service="db"))      # children first
        await p.export("traces", request([root, other], service="web"))
        await p.export("traces", request([child], service="db"))      # a retry counts nothing
    with kit.connect(database_url, migrated_schema) as conn:
        assert kit.rows(conn, "SELECT start_time_unix_nano, end_time_unix_nano, span_count, "
                              "error_count, root_span_id, root_span_name, root_service_name, "
                              "service_names FROM otel_trace_summary WHERE trace_id = %s", tid) == [
            (t0 - 50, t0 + 10**9, 3, 1, root.span_id, "root", "web", ["db", "web"])]


async def test_sdk_spans_round_trip(database_url, module_schema):
    """Spans made by the real SDK, encoded by the real OTLP encoder, stored exactly."""
    finished = []

    class Collect(SpanExporter):
        def export(self, spans):
            finished.extend(spans)
            return SpanExportResult.SUCCESS

    provider = trace.TracerProvider(resource=resources.Resource.create(
        {"service.name": "sdk-svc", "deployment.environment": "test", "service.port": 8080}))
    provider.add_span_processor(SimpleSpanProcessor(Collect()))
    tracer = provider.get_tracer("sdk.lib", "9.9", schema_url="https://s")
    with tracer.start_as_current_span("outer", kind=SpanKind.SERVER,
                                      attributes={"http.method": "POST", "n": 3,
                                                  "ratio": 0.5, "ok": True,
                                                  "tags": ["a", "b"]}) as outer:
        outer.add_event("hello", {"k": "v"})
        with tracer.start_as_current_span("inner", links=[Link(outer.get_span_context(),
                                                               {"why": "because"})]) as inner:
            inner.set_status(Status(StatusCode.ERROR, "bad"))
            inner.record_exception(ValueError("nope"))
    provider.shutdown()
    req = trace_encoder.encode_spans(finished)
    async with kit.started(database_url, module_schema) as p:
        assert await p.export("traces", req) == (0, "")
    with kit.connect(database_url, module_schema) as conn:
        for rs in req.resource_spans:
            for ss in rs.scope_spans:
                for span in ss.spans:
                    assert_span_stored(conn, span)
        tid = req.resource_spans[0].scope_spans[0].spans[0].trace_id
        assert kit.rows(conn, "SELECT span_count, error_count, root_span_name, root_service_name "
                              "FROM otel_trace_summary WHERE trace_id = %s", tid) == [
            (2, 1, "outer", "sdk-svc")]


async def test_overloaded_past_the_bound(database_url, module_schema):
    tid = kit.trace_id()
    async with kit.started(database_url, module_schema, max_in_flight=1) as p:
        await p.export("traces", request([full_span(tid)]))  # warm the caches
        results = await asyncio.gather(
            *(p.export("traces", request([full_span(tid)])) for _ in range(4)),
            return_exceptions=True)
    overloaded = [r for r in results if isinstance(r, errors.Overloaded)]
    assert overloaded and all(r.retry_after for r in overloaded)
    assert all(r == (0, "") for r in results if not isinstance(r, errors.Overloaded))
