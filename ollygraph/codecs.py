"""Value codecs shared by ingest and the gateway.

The store keeps AnyValues in the OTLP/JSON "tagged" form: `{"stringValue": "a"}`,
`{"boolValue": true}`, `{"intValue": "123"}` (a decimal string, so 64-bit values survive
JSON), `{"doubleValue": 1.5}` or `"NaN"`/`"Infinity"`/`"-Infinity"`/`"-0"` (JSONB numbers
have no negative zero, so it is kept as OTLP/JSON's string form of it), `{"bytesValue":
base64}`, `{"arrayValue": {"values": [...]}}`, `{"kvlistValue": {"values": [{"key": k,
"value": v}]}}`, and `{}` for an empty value. The SQL function `otel_anyvalue_to_json`
turns it into plain JSON, and so does the gateway (`gateway.attributes.plain`).
`canonical_hash` is the stable identity used for dimensions.
"""

from __future__ import annotations

import base64
import hashlib
import json
import json.encoder
import math
from typing import Any

MAX_DEPTH = 32  # arrays/kvlists nested deeper than this are refused
NEGATIVE_ZERO = "-0"  # the stored doubleValue of -0.0
_copysign = math.copysign


class BadValue(ValueError):
    """A value PostgreSQL cannot hold or we refuse (NUL in text, absurd nesting)."""


def check_text(text: str, what: str = "string") -> str:
    """`text` unless it contains NUL, which PostgreSQL text and JSONB cannot hold."""
    if "\x00" in text:
        raise BadValue(f"{what} contains a NUL character")
    return text


def double_to_json(value: float) -> float | str:
    """A double as OTLP/JSON writes it: NaN and the infinities as strings, and -0.0 as
    "-0" (a JSON number -0.0 would become 0 in JSONB)."""
    if math.isfinite(value):
        return NEGATIVE_ZERO if value == 0 and _copysign(1.0, value) < 0 else value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def anyvalue_to_tagged(value: Any, depth: int = 0) -> dict[str, Any]:
    """An `AnyValue` protobuf message -> its tagged JSON form; raises `BadValue`."""
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return {"stringValue": check_text(value.string_value)}
    if kind == "int_value":
        return {"intValue": str(value.int_value)}
    if kind == "double_value":
        return {"doubleValue": double_to_json(value.double_value)}
    if kind == "bool_value":
        return {"boolValue": value.bool_value}
    if kind == "bytes_value":
        return {"bytesValue": base64.b64encode(value.bytes_value).decode()}
    if kind is None:
        return {}
    if depth >= MAX_DEPTH:
        raise BadValue(f"value nested deeper than {MAX_DEPTH} levels")
    if kind == "array_value":
        return {"arrayValue": {"values": [anyvalue_to_tagged(v, depth + 1)
                                          for v in value.array_value.values]}}
    if kind == "kvlist_value":
        return {"kvlistValue": {"values": [
            {"key": check_text(kv.key, "key"), "value": anyvalue_to_tagged(kv.value, depth + 1)}
            for kv in value.kvlist_value.values]}}
    # e.g. string_value_strindex: an index into a profile's string table, meaningless
    # outside the profiles signal
    raise BadValue(f"{kind} is not a value outside profiles")


def keyvalues_to_tagged(kvs: Any) -> dict[str, dict[str, Any]]:
    """Repeated `KeyValue` -> {key: tagged value} (a repeated key keeps its last value)."""
    return {check_text(kv.key, "attribute key"): anyvalue_to_tagged(kv.value) for kv in kvs}


def keyvalues_to_list(kvs: Any) -> list[dict[str, Any]]:
    """Repeated `KeyValue` -> OTLP/JSON `[{"key": k, "value": tagged}]`, order kept."""
    return [{"key": check_text(kv.key, "attribute key"), "value": anyvalue_to_tagged(kv.value)}
            for kv in kvs]


_quote = json.encoder.encode_basestring  # C-accelerated JSON string literal
_isfinite = math.isfinite


def tagged_json(value: Any, kind: str | None, depth: int = 0) -> str:
    """JSON text of `anyvalue_to_tagged(value)` (`kind` is its oneof), fast for scalars."""
    if kind == "string_value":
        return '{"stringValue":' + quote_text(value.string_value) + "}"
    if kind == "int_value":
        return '{"intValue":"' + str(value.int_value) + '"}'
    if kind == "bool_value":
        return '{"boolValue":true}' if value.bool_value else '{"boolValue":false}'
    if kind == "double_value" and _isfinite(value.double_value) and (
            value.double_value or _copysign(1.0, value.double_value) > 0):
        return '{"doubleValue":' + repr(value.double_value) + "}"
    if kind == "array_value" and depth < MAX_DEPTH:
        items = value.array_value.values
        kinds = [v.WhichOneof("value") for v in items]
        if all(k == "string_value" for k in kinds):  # the common array, inlined
            return '{"arrayValue":{"values":[' + ",".join(
                ['{"stringValue":' + quote_text(v.string_value) + "}" for v in items]) + "]}}"
        return '{"arrayValue":{"values":[' + ",".join(
            [tagged_json(v, k, depth + 1) for v, k in zip(items, kinds, strict=True)]) + "]}}"
    return dumps(anyvalue_to_tagged(value, depth))


def quote_text(text: str) -> str:
    """A JSON string literal for `text`; refuses NUL (JSONB cannot hold it)."""
    if "\x00" in text:
        raise BadValue("string or key contains a NUL character")
    return _quote(text)


def dumps(obj: Any) -> str:
    """Compact JSON text (what the store's JSONB columns are fed)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_hash(obj: Any) -> bytes:
    """SHA-256 of the canonical JSON of `obj` (sorted keys, compact): stable everywhere."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)
    return hashlib.sha256(text.encode()).digest()
