"""Attribute maps as returned to clients (one JSON object per owner), and the one place
the gateway turns stored values (tagged AnyValues: attribute maps' JSONB catch-all, log
bodies, exemplars' attributes, metric metadata) into JSON: plain JSON for people
(`plain`), or OTLP/JSON's tagged AnyValue, exact (`tagged`: the `typed: true` form).
Typed-table values become plain JSON in SQL (gateway/sql/attributes.sql, value_json), with
the tagged form of doubles and bytes beside them (value_tag); `AttributeMap.tagged` builds
the exact map from both."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from gateway import scalars
from ollygraph import codecs

Typed = Annotated[bool, strawberry.argument(
    description="false: plain JSON for people (NaN and bytes as text, ints and doubles as "
                "numbers). true: OTLP/JSON's tagged AnyValue, exact "
                "({\"intValue\": \"9223372036854775807\"}, {\"doubleValue\": \"NaN\"}, "
                "{\"bytesValue\": base64}, -0.0 kept, arrays and kvlists nested).")]


class AttributeMap(dict):
    """An owner's attributes as plain JSON, which can also give them tagged (`tagged()`):
    `other` is the stored catch-all (tagged), `promoted` the typed tables' values (plain)
    and `tags` the tagged form of those of them whose plain JSON loses their type."""

    __slots__ = ("_tagged", "other", "promoted", "tags")

    def __init__(self, plain_map: dict[str, Any], other: dict[str, Any] | None = None,
                 promoted: dict[str, Any] | None = None,
                 tags: dict[str, Any] | None = None) -> None:
        super().__init__(plain_map)
        self.other, self.promoted, self.tags, self._tagged = other, promoted, tags, None

    def tagged(self) -> dict[str, Any]:
        """{key: tagged AnyValue}; promoted keys win over the catch-all, as in `merge`."""
        if self._tagged is None:
            out = {key: tagged(value) for key, value in (self.other or {}).items()}
            tags = self.tags or {}
            for key, value in (self.promoted or {}).items():
                out[key] = tagged(tags[key]) if key in tags else typed(value)
            self._tagged = out
        return self._tagged


def typed(value: Any) -> dict[str, Any]:
    """A promoted (typed-table) string, int or bool as a tagged AnyValue."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": scalars.serialize_double(value)}
    return {"stringValue": value}


def tagged(value: Any) -> Any:
    """A stored tagged AnyValue in OTLP/JSON's canonical form: intValue a decimal string,
    doubleValue a number (-0.0 kept) or "NaN"/"Infinity"/"-Infinity", bytesValue base64
    without line breaks, arrays and kvlists nested; `{}` for an empty value."""
    if not isinstance(value, dict) or not value:
        return {} if value is None or value == {} else value
    kind, inner = next(iter(value.items()))
    if kind == "intValue":
        return {"intValue": str(int(inner))}
    if kind == "doubleValue":
        return {"doubleValue": scalars.serialize_double(inner)}
    if kind == "bytesValue":
        return {"bytesValue": inner.replace("\n", "")}
    if kind == "arrayValue":
        return {"arrayValue": {"values": [tagged(v) for v in (inner or {}).get("values", [])]}}
    if kind == "kvlistValue":
        return {"kvlistValue": {"values": [
            {"key": kv.get("key"), "value": tagged(kv.get("value"))}
            for kv in (inner or {}).get("values", [])]}}
    return {kind: inner}


def tagged_map(stored: dict[str, Any] | None) -> dict[str, Any]:
    """A stored {key: tagged} map (metric metadata) in canonical tagged form."""
    return {key: tagged(value) for key, value in (stored or {}).items()}


def plain_map(stored: dict[str, Any] | None) -> dict[str, Any]:
    """A stored {key: tagged} map as plain JSON."""
    return {key: plain(value) for key, value in (stored or {}).items()}


def choose(attrs: dict[str, Any], keys: list[str] | None, typed_form: bool) -> dict[str, Any]:
    """`select` over the plain map, or over its tagged form when `typed_form`."""
    if typed_form:
        return select(attrs.tagged() if isinstance(attrs, AttributeMap) else
                      {k: typed(v) for k, v in attrs.items()}, keys)
    return select(attrs, keys)


def one(attrs: dict[str, Any], key: str, typed_form: bool) -> Any:
    """The value of `key` (None when absent), plain or tagged."""
    if key not in attrs:
        return None
    return choose(attrs, [key], typed_form)[key]


def select(attrs: dict[str, Any] | None, keys: list[str] | None) -> dict[str, Any]:
    """All of `attrs`, or only the listed keys that are present."""
    attrs = attrs or {}
    if keys is None:
        return attrs
    return {key: attrs[key] for key in keys if key in attrs}


def first(attrs: dict[str, Any], *keys: str) -> Any:
    """The value of the first present key (new semantic-convention names go first)."""
    for key in keys:
        value = attrs.get(key)
        if value is not None:
            return value
    return None


def plain(tagged: Any) -> Any:
    """A stored tagged AnyValue -> plain JSON, as the SQL function otel_anyvalue_to_json."""
    if not isinstance(tagged, dict):
        return tagged
    if not tagged:
        return None
    kind, inner = next(iter(tagged.items()))
    if kind == "intValue":
        return int(inner)
    if kind == "arrayValue":
        return [plain(v) for v in (inner or {}).get("values", [])]
    if kind == "kvlistValue":
        return {kv.get("key"): plain(kv.get("value")) for kv in (inner or {}).get("values", [])}
    if kind == "doubleValue" and inner == codecs.NEGATIVE_ZERO:
        return -0.0
    if kind in ("stringValue", "boolValue", "doubleValue", "bytesValue"):
        return inner
    return None


def merge(row: Any) -> AttributeMap:
    """One attribute map from a row of `owned_attributes`: the JSONB catch-all (tagged)
    overlaid by the promoted keys."""
    other, promoted, tags = row["other_attributes"], row["typed_attributes"], row["typed_tags"]
    if tags:
        promoted = _one_line_bytes(promoted, tags)
    if not other:
        return AttributeMap(promoted or {}, None, promoted, tags)
    out = {key: plain(value) for key, value in other.items()}
    if promoted:
        out.update(promoted)
    return AttributeMap(out, other, promoted, tags)


def _one_line_bytes(promoted: dict[str, Any], tags: dict[str, Any]) -> dict[str, Any]:
    """The promoted bytes values as one line of base64 (PostgreSQL's encode() breaks lines
    every 76 characters); their tags say which values are bytes."""
    for key, tag in tags.items():
        if "bytesValue" in tag:
            promoted[key] = tag["bytesValue"].replace("\n", "")
    return promoted
