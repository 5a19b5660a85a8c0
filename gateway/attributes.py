"""Attribute maps as returned to clients (one JSON object per owner)."""

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
