"""The SQL views read the same rows after revision 0008 as before it.

Revision 0008 rewrote the per-owner attribute functions the `v_otel_*` views call. This
stores telemetry with every field and every AnyValue kind (promoted to each typed table
and kept in the JSONB catch-all) through the ingest pipeline, recreates revision 0001's
definition of each function beside the new one, and compares every owner's attribute
map and every view's rows, read through the old and the new function.
"""

from __future__ import annotations

import re
from importlib import import_module

import psycopg
import pytest

from ollygraph import store
from tests.export import payloads
from tests.ingest import storekit as kit
from tests.migrations.test_migrations import VIEWS

EVERY_KIND = {f"ek.{key}": value for key, value in kit.EVERY_KIND.items()}
# the same kinds promoted to the typed tables under keys of their own
PROMOTED = {
    "x.bool": True,
    "x.bytes": b"\x00\xff",
    "http.method": "GET",
    "http.status_code": 503,
    "http.response.size": 12.5,
}
_ALL = re.compile(r"\b(otel_\w+_attributes_all)\(")


def _previous_functions() -> str:
    """Revision 0001's otel_<owner>_attributes_all() bodies, named ..._all_before()."""
    revision = import_module("migrations.versions.0008_views")
    return _ALL.sub(r"\1_before(", revision._functions("previous_attributes_all"))


@pytest.fixture
async def stored(database_url: str, migrated_schema: str, tmp_path) -> psycopg.Connection:
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(payloads.OVERRIDES)
    base = kit.now_ns(-60)
    traces = payloads.traces("views", base)
    for span in traces.resource_spans[0].scope_spans[0].spans:
        span.attributes.extend(kit.kvs({**EVERY_KIND, **PROMOTED}))
        for event in span.events:
            event.attributes.extend(kit.kvs(EVERY_KIND))
        for link in span.links:
            link.attributes.extend(kit.kvs(EVERY_KIND))
    traces.resource_spans[0].resource.attributes.extend(kit.kvs(EVERY_KIND))
    logs = payloads.logs("views", base)
    for record in logs.resource_logs[0].scope_logs[0].log_records:
        record.attributes.extend(kit.kvs(EVERY_KIND))
    async with kit.started(database_url, migrated_schema, overrides) as pipe:
        for signal, request in (
            ("traces", traces),
            ("logs", logs),
            ("metrics", payloads.metrics("views", base)),
        ):
            result = await pipe.export(signal, request)
            assert not result.rejected, result
    conn = kit.connect(database_url, migrated_schema)  # search_path: the store's schema
    conn.execute(_previous_functions())
    # 0008's bodies, also where the migration kept 0001's (PostgreSQL 18 and later)
    conn.execute(import_module("migrations.versions.0008_views")._functions("attributes_all"))
    yield conn
    conn.close()


def _owner_rows(conn: psycopg.Connection, owner: store.Owner) -> list[tuple]:
    key = ", ".join(owner.key_names)
    return conn.execute(
        f"SELECT {key}, otel_{owner.name}_attributes_all({key})::text, "
        f"otel_{owner.name}_attributes_all_before({key})::text "
        f"FROM {owner.table} ORDER BY {key}"
    ).fetchall()


def test_every_owner_reads_the_same_attributes(stored):
    for owner in store.OWNERS:
        rows = _owner_rows(stored, owner)
        assert rows, owner.name
        assert any(row[-1] != "{}" for row in rows), owner.name
        differ = [row for row in rows if row[-2] != row[-1]]
        assert not differ, (owner.name, differ[:2])


def test_every_value_kind_reads_as_before(stored):
    (attributes,) = stored.execute(
        "SELECT attributes FROM v_otel_spans_enriched WHERE attributes ? 'ek.arr' "
        "ORDER BY span_pk LIMIT 1"
    ).fetchone()
    assert {k for k in attributes if k.startswith("ek.")} == set(EVERY_KIND)
    assert attributes["ek.i.min"] == -(2**63) and attributes["ek.d.inf"] == "Infinity"
    assert attributes["ek.arr"] == [1, "two", 3.0, False, "Ag==", [None, {"k": "v"}]]
    assert attributes["x.bytes"] == "AP8=" and attributes["http.status_code"] == 503


def test_every_view_reads_the_same_rows(stored):
    for view in sorted(VIEWS):
        (definition,) = stored.execute("SELECT pg_get_viewdef(%s::regclass)", (view,)).fetchone()
        before = _ALL.sub(r"\1_before(", definition.rstrip().rstrip(";"))
        now = stored.execute(f"SELECT * FROM {view} ORDER BY 1, 2").fetchall()
        then = stored.execute(f"SELECT * FROM ({before}) AS v ORDER BY 1, 2").fetchall()
        assert now, view
        assert now == then, view
