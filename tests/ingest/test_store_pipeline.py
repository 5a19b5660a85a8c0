"""Pipeline-wide behaviour: resource dedup across racing pipelines, stable hashes across
processes, the promotion config files, and a database that is down."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest import errors, promotion
from ollygraph import settings
from tests.ingest import storekit as kit
from tests.ingest import test_store_traces as traces


async def test_racing_pipelines_share_one_resource(database_url, migrated_schema):
    async with kit.started(database_url, migrated_schema) as a, \
            kit.started(database_url, migrated_schema) as b:
        tid = kit.trace_id()
        attrs = {"host.name": "race", "k8s.pod.name": "p1", "extra": [1, 2]}
        requests = [traces.request([traces.full_span(tid)], service="racer",
                                   resource_attrs=attrs) for _ in range(8)]
        await asyncio.gather(*(p.export("traces", r)
                               for p, r in zip([a, b] * 4, requests, strict=True)))
        assert a.dimensions.resources.ids == b.dimensions.resources.ids
    with kit.connect(database_url, migrated_schema) as conn:
        assert kit.rows(conn, "SELECT count(*) FROM otel_resources_dim") == [(1,)]
        assert kit.rows(conn, "SELECT count(*) FROM otel_scopes_dim") == [(1,)]
        assert kit.rows(conn, "SELECT count(*) FROM otel_resource_attrs_string") == [(3,)]
        assert kit.rows(conn, "SELECT count(*) FROM otel_resource_attrs_other") == [(1,)]
        assert kit.rows(conn, "SELECT count(DISTINCT resource_id), count(*) "
                              "FROM otel_spans_fact") == [(1, 8)]
        assert kit.rows(conn, "SELECT span_count FROM otel_trace_summary") == [(8,)]


HASH_SCRIPT = """
from opentelemetry.proto.trace.v1 import trace_pb2
from ingest import dimensions, flatten
from tests.ingest import storekit as kit
rs = trace_pb2.ResourceSpans(resource={"attributes": kit.kvs(kit.EVERY_KIND)}, schema_url="u")
print(flatten.resource_identity(rs, dimensions.Dimension("resources"))[0].hex())
"""


def test_resource_hash_is_stable_across_processes():
    def run() -> str:
        return subprocess.run([sys.executable, "-c", HASH_SCRIPT], capture_output=True,
                              text=True, check=True).stdout.strip()

    first, second = run(), run()
    assert first == second and len(first) == 64


def test_promotion_config_merges_overrides(tmp_path: Path):
    base = promotion.load(None)
    assert base.override_file is None
    assert "service.name" in base.signals["resource"].promoted["string"]
    assert "http.status_code" in base.signals["spans"].promoted["int"]
    overrides = tmp_path / "o.yaml"
    overrides.write_text("promote:\n  logs:\n    string: [app.version]\n"
                         "drop:\n  logs: [log.logger, secret]\n")
    cfg = promotion.load(overrides)
    logs = cfg.signals["logs"]
    assert "app.version" in logs.promoted["string"]
    assert "log.logger" not in logs.promoted["string"]  # a drop wins over the base list
    assert logs.dropped == {"log.logger", "secret"}
    assert "app.version" in cfg.describe() and str(overrides) in cfg.describe()
    overrides.write_text("promote:\n  nonsense: {}\n")
    with pytest.raises(promotion.ConfigError, match="expected signals"):
        promotion.load(overrides)
    overrides.write_text("promote:\n  spans:\n    text: [a]\n")
    with pytest.raises(promotion.ConfigError, match="value types"):
        promotion.load(overrides)


async def test_database_down_raises_unavailable_promptly():
    cfg = settings.Settings(database_url="postgresql://postgres@127.0.0.1:1/none",
                            attribute_overrides=Path("/nonexistent"))
    start = time.monotonic()
    with pytest.raises(errors.Unavailable) as raised:
        await kit.pipeline.Pipeline.start(cfg, timeout_s=2)
    assert raised.value.retry_after
    assert time.monotonic() - start < 10


async def test_racing_pipelines_store_a_retried_request_once(database_url, migrated_schema):
    tid = kit.trace_id()
    req = traces.request([traces.full_span(tid) for _ in range(20)])
    async with kit.started(database_url, migrated_schema) as a, \
            kit.started(database_url, migrated_schema) as b:
        results = await asyncio.gather(*(p.export("traces", req) for p in (a, b, a, b)))
    assert all(r == (0, "") for r in results)
    with kit.connect(database_url, migrated_schema) as conn:
        assert kit.rows(conn, "SELECT count(*) FROM otel_spans_fact") == [(20,)]
        assert kit.rows(conn, "SELECT count(*) FROM otel_span_events") == [(40,)]
        assert kit.rows(conn, "SELECT span_count FROM otel_trace_summary") == [(20,)]


async def test_concurrent_batches_store_a_retried_request_once(database_url, migrated_schema):
    tid = kit.trace_id()
    req = traces.request([traces.full_span(tid) for _ in range(20)])
    async with kit.started(database_url, migrated_schema, max_batch_rows=1) as p:
        # one export per batch: several batches with the same spans are written at once
        results = await asyncio.gather(*(p.export("traces", req) for _ in range(6)))
        pending = [asyncio.create_task(p.export("traces", traces.request(
            [traces.full_span(tid)]))) for _ in range(3)]
        await asyncio.sleep(0)
    # closing drained the batches in flight
    assert all(r == (0, "") for r in results) and [t.result() for t in pending] == [(0, "")] * 3
    with kit.connect(database_url, migrated_schema) as conn:
        assert kit.rows(conn, "SELECT count(*) FROM otel_spans_fact") == [(23,)]
        assert kit.rows(conn, "SELECT count(*) FROM otel_span_events") == [(46,)]
        assert kit.rows(conn, "SELECT span_count FROM otel_trace_summary") == [(23,)]


async def test_lost_connections_give_unavailable_then_recover(database_url, migrated_schema, sql):
    tid = kit.trace_id()
    async with kit.started(database_url, migrated_schema) as p:
        await p.export("traces", traces.request([traces.full_span(tid)]))
        held = [await p.pool.acquire() for _ in range(p.pool.get_size())]
        pids = [c.get_server_pid() for c in held]
        for c in held:
            await p.pool.release(c)
        sql.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", (pids,))
        outcomes = []
        for _ in range(3):
            try:
                outcomes.append(await p.export("traces", traces.request([traces.full_span(tid)])))
            except errors.Unavailable as exc:
                outcomes.append(exc)
        assert outcomes[-1] == (0, "")  # the pool reconnects
        assert all(o == (0, "") or isinstance(o, errors.Unavailable) for o in outcomes)


async def test_last_seen_of_used_dimensions_moves(database_url, migrated_schema, sql):
    tid = kit.trace_id()
    async with kit.started(database_url, migrated_schema) as p:
        await p.export("traces", traces.request([traces.full_span(tid)]))
    sql.execute(f'SET search_path TO "{migrated_schema}"')
    for table in ("otel_resources_dim", "otel_scopes_dim"):
        sql.execute(f"UPDATE {table} SET last_seen = now() - interval '1 day'")
    async with kit.started(database_url, migrated_schema) as p:
        await p.export("traces", traces.request([traces.full_span(tid)]))
    for table in ("otel_resources_dim", "otel_scopes_dim"):
        (age,) = sql.execute(f"SELECT max(now() - last_seen) < interval '1 hour' "
                             f"FROM {table}").fetchone()
        assert age, table


async def test_start_logs_the_promotion_config_in_force(database_url, module_schema, tmp_path,
                                                        caplog):
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("drop:\n  spans: [secret.token]\n")
    caplog.set_level(logging.INFO, logger="ingest.pipeline")
    async with kit.started(database_url, module_schema, overrides):
        pass
    (summary,) = [r.getMessage() for r in caplog.records if "attribute promotion" in r.getMessage()]
    assert str(overrides) in summary and "1 dropped" in summary  # one line at INFO
    assert "\n" not in summary and "service.name" not in summary
    caplog.clear()
    caplog.set_level(logging.DEBUG, logger="ingest.pipeline")
    async with kit.started(database_url, module_schema, overrides):
        pass
    assert "secret.token" in caplog.text and "service.name" in caplog.text  # keys at DEBUG
