"""Logs through the Pipeline: every field and body kind back exactly, retries (also of
records without a time), bad records, and records from the real SDK encoder."""

from __future__ import annotations

from opentelemetry import trace as trace_api
from opentelemetry._logs import SeverityNumber
from opentelemetry.exporter.otlp.proto.common import _log_encoder
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from opentelemetry.proto.logs.v1 import logs_pb2
from opentelemetry.sdk import _logs as sdk_logs
from opentelemetry.sdk import resources, trace
from opentelemetry.sdk._logs import export as log_export

from ingest import logs
from tests.ingest import storekit as kit

LOG_COLUMNS = ("ts_unix_nano, time_unix_nano, observed_time_unix_nano, severity_number, "
               "severity_text, body_type_id, body, trace_id, span_id, flags, event_name, "
               "dropped_attributes_count, log_pk, resource_id, scope_id")
BODY_TYPES = {None: 0, "s": 1, True: 2, 7: 3, 2.5: 4}


def request(records: list[logs_pb2.LogRecord], service: str = "logsvc"):
    return logs_service_pb2.ExportLogsServiceRequest(resource_logs=[logs_pb2.ResourceLogs(
        resource={"attributes": kit.kvs({"service.name": service})}, schema_url="r-url",
        scope_logs=[logs_pb2.ScopeLogs(scope={"name": "app.logger", "version": "2"},
                                       schema_url="s-url", log_records=records)])])


def record(body=None, **changes) -> logs_pb2.LogRecord:
    now = kit.now_ns()
    fields = dict(time_unix_nano=now, observed_time_unix_nano=now + 5, severity_number=17,
                  severity_text="ERROR", body=kit.value(body),
                  attributes=kit.kvs({"log.logger": "app", "log.line": 42, "user": "u1",
                                      "payload": {"a": [1, 2]}}),
                  dropped_attributes_count=2, flags=1, trace_id=kit.trace_id(),
                  span_id=kit.span_id(), event_name="app.event")
    fields.update(changes)
    return logs_pb2.LogRecord(**fields)


def stored(conn, rec: logs_pb2.LogRecord) -> list[tuple]:
    return kit.rows(conn, f"SELECT {LOG_COLUMNS} FROM otel_logs_fact WHERE time_unix_nano = %s "
                          "AND severity_text = %s AND event_name = %s ORDER BY log_pk",
                    rec.time_unix_nano, rec.severity_text, rec.event_name)


def assert_stored(conn, rec: logs_pb2.LogRecord, body) -> None:
    (row,) = stored(conn, rec)
    assert row[:12] == (
        rec.time_unix_nano or rec.observed_time_unix_nano, rec.time_unix_nano,
        rec.observed_time_unix_nano, rec.severity_number, rec.severity_text,
        _body_type(body), kit.tagged(body) if body is not None else None,
        rec.trace_id or None, rec.span_id or None, rec.flags, rec.event_name,
        rec.dropped_attributes_count)
    attrs, _ = kit.stored_attributes(conn, "log", "log_pk = %s AND ts_unix_nano = %s",
                                     row[12], row[0])
    expected = kit.expected_attributes(rec.attributes)
    assert kit.same_tagged(attrs, expected)


def _body_type(body) -> int:
    if body is None:
        return 0
    for kind, type_id in ((bool, 2), (str, 1), (int, 3), (float, 4), (bytes, 7), (list, 5),
                          (dict, 6)):
        if isinstance(body, kind):
            return type_id
    raise AssertionError(body)


async def test_every_body_kind_and_field(database_url, module_schema):
    bodies = [None, *kit.EVERY_KIND.values()]
    records = [record(body, event_name=f"body-{i}") for i, body in enumerate(bodies)]
    async with kit.started(database_url, module_schema) as p:
        assert await p.export("logs", request(records)) == (0, "")
    with kit.connect(database_url, module_schema) as conn:
        for rec, body in zip(records, bodies, strict=True):
            assert_stored(conn, rec, body)
        (row,) = stored(conn, records[1])
        assert kit.rows(conn, "SELECT service_name, schema_url FROM otel_resources_dim "
                              "WHERE resource_id = %s", row[13]) == [("logsvc", "r-url")]
        assert kit.rows(conn, "SELECT name, version, schema_url FROM otel_scopes_dim "
                              "WHERE scope_id = %s", row[14]) == [("app.logger", "2", "s-url")]
        # promoted typed values and the plain-JSON view
        _, promoted = kit.stored_attributes(conn, "log", "log_pk = %s", row[12])
        assert promoted == {"log.logger", "log.line"}
        (view,) = kit.rows(conn, "SELECT body, attributes FROM v_otel_logs_enriched "
                                 "WHERE log_id = %s", row[12])
        assert view == (kit.EVERY_KIND["s"], {"log.logger": "app", "log.line": 42, "user": "u1",
                                              "payload": {"a": [1, 2]}})


async def test_retried_logs_add_nothing(database_url, module_schema):
    records = [record("first", event_name="retry"), record("second", event_name="retry"),
               # neither time nor observed time: stored at receipt time, still deduplicated
               record("untimed", event_name="retry", time_unix_nano=0,
                      observed_time_unix_nano=0)]
    async with kit.started(database_url, module_schema) as p:
        for _ in range(3):
            assert await p.export("logs", request(records)) == (0, "")
    with kit.connect(database_url, module_schema) as conn:
        assert kit.rows(conn, "SELECT count(*) FROM otel_logs_fact WHERE event_name = 'retry'"
                        ) == [(3,)]
        assert kit.rows(conn, "SELECT count(*) FROM otel_log_attrs_other AS a JOIN otel_logs_fact "
                              "AS l USING (log_pk, ts_unix_nano) WHERE l.event_name = 'retry'"
                        ) == [(3,)]


async def test_records_without_time_are_retries_only_within_the_window(
        database_url, module_schema, monkeypatch):
    rec = record("untimed", event_name="window", time_unix_nano=0, observed_time_unix_nano=0)
    async with kit.started(database_url, module_schema) as p:
        for _ in range(2):  # the export and its retry
            assert await p.export("logs", request([rec])) == (0, "")
        monkeypatch.setattr(logs, "RETRY_WINDOW_NS", 0)  # later than any retry
        assert await p.export("logs", request([rec])) == (0, "")
    with kit.connect(database_url, module_schema) as conn:
        assert kit.rows(conn, "SELECT count(*) FROM otel_logs_fact WHERE event_name = 'window'"
                        ) == [(2,)]


async def test_bad_records_are_rejected_one_by_one(database_url, module_schema):
    good = [record("ok", event_name="bad-batch"), record("ok2", event_name="bad-batch")]
    bad = [record("x", event_name="bad-batch", trace_id=b"\x01" * 5),
           record("x", event_name="bad-batch", span_id=b"\x01" * 7),
           record("nul\x00", event_name="bad-batch"),
           record("x", event_name="bad-batch", severity_text="a\x00b"),
           record("x", event_name="bad-batch", attributes=kit.kvs({"k\x00": 1})),
           record(_nested(40), event_name="bad-batch")]
    async with kit.started(database_url, module_schema) as p:
        result = await p.export("logs", request([bad[0], good[0], *bad[1:], good[1]]))
    assert result.rejected == len(bad) and "NUL" in result.message
    with kit.connect(database_url, module_schema) as conn:
        assert kit.rows(conn, "SELECT count(*) FROM otel_logs_fact WHERE event_name = 'bad-batch'"
                        ) == [(2,)]


def _nested(depth: int):
    value: object = 1
    for _ in range(depth):
        value = [value]  # (kvlists this deep are past the protobuf parser's own limit)
    return value


async def test_sdk_logs_round_trip(database_url, module_schema):
    exporter = log_export.InMemoryLogRecordExporter()
    provider = sdk_logs.LoggerProvider(resource=resources.Resource.create(
        {"service.name": "sdk-logs"}))
    provider.add_log_record_processor(log_export.SimpleLogRecordProcessor(exporter))
    logger = provider.get_logger("tests.sdk.logs", "1.0")
    tracer = trace.TracerProvider().get_tracer("t")
    with tracer.start_as_current_span("with-logs"):
        logger.emit(body="disk sda is 93% full", severity_number=SeverityNumber.WARN,
                    severity_text="WARN", attributes={"disk.free": 1.5, "log.logger": "disk"},
                    event_name="disk.full")
        span_context = trace_api.get_current_span().get_span_context()
    logger.emit(body={"structured": [1, "two"]}, severity_number=SeverityNumber.ERROR,
                event_name="outside.span")
    provider.shutdown()
    req = _log_encoder.encode_logs(exporter.get_finished_logs())
    records = [r for rl in req.resource_logs for sl in rl.scope_logs for r in sl.log_records]
    assert len(records) == 2
    async with kit.started(database_url, module_schema) as p:
        assert await p.export("logs", req) == (0, "")
    with kit.connect(database_url, module_schema) as conn:
        for rec in records:
            assert_stored(conn, rec, kit.tagged_to_python_value(rec.body))
        (row,) = stored(conn, records[0])
        assert row[7] == span_context.trace_id.to_bytes(16, "big")
        assert row[8] == span_context.span_id.to_bytes(8, "big")
