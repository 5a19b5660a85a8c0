"""Attribute maps as returned to clients (one JSON object per owner), and the one place
the gateway turns stored values (tagged AnyValues: attribute maps' JSONB catch-all, log
bodies, exemplars' attributes) into plain JSON; typed-table values become JSON in SQL
(gateway/sql/attributes.sql, value_json)."""

from __future__ import annotations

from typing import Any


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
    if kind in ("stringValue", "boolValue", "doubleValue", "bytesValue"):
        return inner
    return None


def merge(row: Any) -> dict[str, Any]:
    """One attribute map from a row of `owned_attributes`: the JSONB catch-all (tagged)
    overlaid by the promoted keys."""
    other, typed = row["other_attributes"], row["typed_attributes"]
    if not other:
        return typed or {}
    out = {key: plain(value) for key, value in other.items()}
    if typed:
        out.update(typed)
    return out
