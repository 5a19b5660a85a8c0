"""Helpers for the store-side ingest tests: a started Pipeline, hand-built OTLP pieces,
and reading stored rows back in the OTLP/JSON tagged form."""

from __future__ import annotations

import base64
import contextlib
import math
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg
from opentelemetry.proto.common.v1 import common_pb2

from ingest import pipeline
from ollygraph import migrate, settings


def now_ns(offset_s: float = 0) -> int:
    return int((time.time() + offset_s) * 1e9)


@contextlib.asynccontextmanager
async def started(database_url: str, schema: str, overrides: Path | None = None,
                  **options: Any) -> AsyncIterator[pipeline.Pipeline]:
    cfg = settings.Settings(database_url=database_url, schema=schema,
                            attribute_overrides=overrides or Path("/nonexistent/overrides.yaml"))
    p = await pipeline.Pipeline.start(cfg, **options)
    try:
        yield p
    finally:
        await p.close()


def connect(database_url: str, schema: str) -> psycopg.Connection:
    conn = psycopg.connect(migrate.libpq_url(database_url), autocommit=True)
    conn.execute(f'SET search_path TO "{schema}"')
    return conn


def rows(conn: psycopg.Connection, query: str, *params: Any) -> list[tuple]:
    return conn.execute(query, params).fetchall()


# --- building OTLP pieces ------------------------------------------------------------------

def value(v: Any) -> common_pb2.AnyValue:
    """A Python value -> AnyValue (bool, int, float, str, bytes, list, dict, None)."""
    if v is None:
        return common_pb2.AnyValue()
    if isinstance(v, bool):
        return common_pb2.AnyValue(bool_value=v)
    if isinstance(v, int):
        return common_pb2.AnyValue(int_value=v)
    if isinstance(v, float):
        return common_pb2.AnyValue(double_value=v)
    if isinstance(v, str):
        return common_pb2.AnyValue(string_value=v)
    if isinstance(v, bytes):
        return common_pb2.AnyValue(bytes_value=v)
    if isinstance(v, list):
        return common_pb2.AnyValue(array_value=common_pb2.ArrayValue(values=[value(x) for x in v]))
    return common_pb2.AnyValue(kvlist_value=common_pb2.KeyValueList(values=kvs(v)))


def kvs(mapping: dict[str, Any]) -> list[common_pb2.KeyValue]:
    return [common_pb2.KeyValue(key=k, value=value(v)) for k, v in mapping.items()]


def trace_id() -> bytes:
    return os.urandom(16)


def span_id() -> bytes:
    return os.urandom(8)


# Every AnyValue kind, with the tagged form the store must hold.
EVERY_KIND = {
    "s": "héllo ✓", "empty.s": "", "t": True, "f": False,
    "i.max": 2**63 - 1, "i.min": -(2**63), "i.zero": 0,
    "d": 1.5, "d.nan": math.nan, "d.inf": math.inf, "d.ninf": -math.inf,
    "b": b"\x00\x01\xffbytes", "b.empty": b"",
    "arr": [1, "two", 3.0, False, b"\x02", [None, {"k": "v"}]], "arr.empty": [],
    "kv": {"a": 1, "nested": {"deep": [1, 2, {"x": math.inf}]}}, "kv.empty": {},
    "none": None,
}


def tagged(v: Any) -> dict[str, Any]:
    """The expected OTLP/JSON tagged form of a Python value (independent of the codec)."""
    if v is None:
        return {}
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            return {"doubleValue": "NaN"}
        if math.isinf(v):
            return {"doubleValue": "Infinity" if v > 0 else "-Infinity"}
        return {"doubleValue": v}
    if isinstance(v, str):
        return {"stringValue": v}
    if isinstance(v, bytes):
        return {"bytesValue": base64.b64encode(v).decode()}
    if isinstance(v, list):
        return {"arrayValue": {"values": [tagged(x) for x in v]}}
    return {"kvlistValue": {"values": [{"key": k, "value": tagged(x)} for k, x in v.items()]}}


def same_tagged(a: Any, b: Any) -> bool:
    """Equality of tagged forms that also tells -0.0 from 0.0."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_tagged(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_tagged(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


# --- reading attributes back ---------------------------------------------------------------

_TYPED = {
    "string": lambda v: {"stringValue": v},
    "int": lambda v: {"intValue": str(v)},
    "double": lambda v: tagged(float(v)),
    "bool": lambda v: {"boolValue": v},
    "bytes": lambda v: {"bytesValue": base64.b64encode(bytes(v)).decode()},
}


def stored_attributes(conn: psycopg.Connection, owner: str, where: str,
                      *params: Any) -> tuple[dict[str, Any], set[str]]:
    """({key: tagged value}, promoted keys) of one owner row; `where` matches its key."""
    out: dict[str, Any] = {}
    promoted: set[str] = set()
    for kind, to_tagged in _TYPED.items():
        for key, v in rows(conn, f"SELECT k.key, a.value FROM otel_{owner}_attrs_{kind} AS a "
                                 f"JOIN attribute_keys AS k USING (key_id) WHERE {where}", *params):
            out[key] = to_tagged(v)
            promoted.add(key)
    for (attributes,) in rows(conn, f"SELECT attributes FROM otel_{owner}_attrs_other AS a "
                                    f"WHERE {where}", *params):
        out.update(attributes)
    return out, promoted


def tagged_to_python_value(v: common_pb2.AnyValue) -> Any:
    """AnyValue -> the Python value `value()` would build it from (independent of the codec)."""
    kind = v.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [tagged_to_python_value(x) for x in v.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: tagged_to_python_value(kv.value) for kv in v.kvlist_value.values}
    return getattr(v, kind)


def expected_attributes(kvs: Any) -> dict[str, Any]:
    """Repeated KeyValue -> {key: tagged value}, what the store must give back."""
    return {kv.key: tagged(tagged_to_python_value(kv.value)) for kv in kvs}
