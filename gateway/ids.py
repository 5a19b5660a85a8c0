"""Trace, span and log ids: hex text at the GraphQL boundary, bytes in the store."""

from __future__ import annotations

import re

from gateway import errors

_HEX = re.compile(r"^[0-9a-fA-F]*$")


def _parse(value: str, size: int, what: str) -> bytes:
    text = value.strip()
    if len(text) != size * 2 or not _HEX.match(text):
        raise errors.UserError(f"{what} must be {size * 2} hex digits, got {value!r}")
    raw = bytes.fromhex(text)
    if raw == bytes(size):
        raise errors.UserError(f"{what} must not be all zeros")
    return raw


def trace_id(value: str) -> bytes:
    """32 hex digits -> 16 bytes, or a UserError."""
    return _parse(value, 16, "traceId")


def span_id(value: str) -> bytes:
    """16 hex digits -> 8 bytes, or a UserError."""
    return _parse(value, 8, "spanId")


def hex_or_none(raw: bytes | None) -> str | None:
    return raw.hex() if raw else None
