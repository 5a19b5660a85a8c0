"""The store's tagged JSON values back into protobuf: the inverse of
`ollygraph.codecs.anyvalue_to_tagged` and of ingest's exemplar JSON."""

from __future__ import annotations

import base64
import math
from typing import Any

import orjson
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2

_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def loads(value: Any) -> Any:
    """A JSONB column as asyncpg returned it: text, or already decoded (the gateway's pool
    decodes JSON; the store's JSON values are objects and arrays, never bare strings)."""
    return orjson.loads(value) if isinstance(value, str) else value


def double(value: float | int | str) -> float:
    """A double of OTLP/JSON: a number, or "NaN" / "Infinity" / "-Infinity" / "-0"."""
    return _SPECIAL[value] if value in _SPECIAL else float(value)


def anyvalue(tagged: dict[str, Any], out: common_pb2.AnyValue | None = None
             ) -> common_pb2.AnyValue:
    """A tagged value (`{"stringValue": "a"}`, ...) -> AnyValue (`{}`: the empty value)."""
    out = common_pb2.AnyValue() if out is None else out
    if not tagged:
        out.SetInParent()  # a KeyValue's empty value is sent as present: {"key": k, "value": {}}
        return out
    (kind, inner), = tagged.items()
    if kind == "stringValue":
        out.string_value = inner
    elif kind == "intValue":
        out.int_value = int(inner)
    elif kind == "doubleValue":
        out.double_value = double(inner)
    elif kind == "boolValue":
        out.bool_value = inner
    elif kind == "bytesValue":
        out.bytes_value = base64.b64decode(inner)
    elif kind == "arrayValue":
        values = out.array_value.values
        for item in inner.get("values", ()):
            anyvalue(item, values.add())
        out.array_value.SetInParent()
    elif kind == "kvlistValue":
        values = out.kvlist_value.values
        for kv in inner.get("values", ()):
            anyvalue(kv.get("value") or {}, values.add(key=kv["key"]).value)
        out.kvlist_value.SetInParent()
    else:
        raise ValueError(f"unknown AnyValue kind {kind!r}")
    return out


def keyvalues(tagged: dict[str, dict[str, Any]]) -> list[common_pb2.KeyValue]:
    """{key: tagged value} -> KeyValues."""
    return [common_pb2.KeyValue(key=k, value=anyvalue(v)) for k, v in tagged.items()]


def exemplars(stored: Any, out: Any) -> None:
    """The exemplars column (OTLP/JSON exemplars, see ingest.metrics.exemplars_json)
    appended to the repeated field `out`."""
    for item in loads(stored) or ():
        e: metrics_pb2.Exemplar = out.add(time_unix_nano=int(item.get("timeUnixNano", 0)))
        if "asInt" in item:
            e.as_int = int(item["asInt"])
        elif "asDouble" in item:
            e.as_double = double(item["asDouble"])
        if "spanId" in item:
            e.span_id = bytes.fromhex(item["spanId"])
        if "traceId" in item:
            e.trace_id = bytes.fromhex(item["traceId"])
        for kv in item.get("filteredAttributes", ()):
            anyvalue(kv.get("value") or {}, e.filtered_attributes.add(key=kv["key"]).value)


def entity_refs(stored: Any) -> list[common_pb2.EntityRef]:
    """The entity_refs column (OTLP/JSON `[{"schemaUrl", "type", "idKeys",
    "descriptionKeys"}]`, see ingest.flatten.entity_refs) as EntityRefs, order kept."""
    return [common_pb2.EntityRef(schema_url=ref.get("schemaUrl", ""), type=ref.get("type", ""),
                                 id_keys=ref.get("idKeys", ()),
                                 description_keys=ref.get("descriptionKeys", ()))
            for ref in loads(stored) or ()]
