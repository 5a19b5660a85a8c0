"""Custom scalars: JSON, BigInt (decimal strings), Timestamp (RFC 3339, UTC, ns), UInt32
(unsigned 32-bit numbers) and Double (numbers or "NaN"/"Infinity"/"-Infinity").

Timestamps travel inside the gateway as integers of Unix nanoseconds; only the
GraphQL boundary turns them into text.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from typing import Any, NewType

import strawberry

from gateway import errors

_RFC3339 = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(Z|z|[+-]\d{2}:\d{2})$")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@functools.lru_cache(maxsize=4096)
def _second(seconds: int) -> str:
    return (_EPOCH + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")


def format_timestamp(unix_nano: int) -> str:
    """Unix nanoseconds -> '2024-05-01T12:00:00.123456789Z' (fraction trimmed).
    The times of one response share few seconds; their text is computed once."""
    seconds, nanos = divmod(int(unix_nano), 1_000_000_000)
    if nanos:
        return f"{_second(seconds)}.{nanos:09d}".rstrip("0") + "Z"
    return _second(seconds) + "Z"


def parse_timestamp(value: Any) -> int:
    """RFC 3339 text (any offset, up to 9 fraction digits) -> Unix nanoseconds."""
    match = _RFC3339.match(value) if isinstance(value, str) else None
    if not match:
        raise errors.UserError(
            f"{value!r} is not an RFC 3339 timestamp like 2024-05-01T12:00:00.5Z")
    day, hh, mm, ss, fraction, offset = match.groups()
    try:
        base = dt.datetime.fromisoformat(f"{day}T{hh}:{mm}:{ss}")
    except ValueError as exc:
        raise errors.UserError(f"{value!r} is not a valid timestamp: {exc}") from None
    if offset in ("Z", "z"):
        base = base.replace(tzinfo=dt.UTC)
    else:
        sign = 1 if offset[0] == "+" else -1
        delta = dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
        base = base.replace(tzinfo=dt.timezone(sign * delta))
    seconds = int((base - _EPOCH).total_seconds())
    return seconds * 1_000_000_000 + int((fraction or "").ljust(9, "0"))


def _parse_bigint(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise errors.UserError(f"{value!r} is not a BigInt (a decimal string)")
    try:
        return int(value)
    except ValueError:
        raise errors.UserError(f"{value!r} is not a BigInt (a decimal string)") from None


JSON = strawberry.scalar(
    NewType("JSON", object),
    description="Any JSON value: attribute maps, attribute values and log bodies.",
    serialize=lambda v: v,
    parse_value=lambda v: v,
)

BigInt = strawberry.scalar(
    NewType("BigInt", int),
    description="A 64-bit integer, serialized as a decimal string.",
    serialize=lambda v: str(v),
    parse_value=_parse_bigint,
)

Timestamp = strawberry.scalar(
    NewType("Timestamp", int),
    description="A point in time: RFC 3339, UTC, up to nanosecond precision.",
    serialize=format_timestamp,
    parse_value=parse_timestamp,
)


def _parse_uint32(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFFFFFFFF:
        raise errors.UserError(f"{value!r} is not a UInt32 (an integer 0 to 4294967295)")
    return value


UInt32 = strawberry.scalar(
    NewType("UInt32", int),
    description="An unsigned 32-bit integer (0 to 4294967295) as a JSON number: OTLP's "
                "flags (fixed32) and dropped counts (uint32), which GraphQL's Int (signed "
                "32-bit) cannot all hold.",
    serialize=lambda v: int(v) & 0xFFFFFFFF,
    parse_value=_parse_uint32,
)

_DOUBLE_TEXT = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def serialize_double(value: Any) -> float | str:
    """A double -> a JSON number, or "NaN" / "Infinity" / "-Infinity" (OTLP/JSON's text for
    what JSON numbers cannot be). -0.0 stays -0.0."""
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return number


def parse_double(value: Any) -> float:
    if isinstance(value, str) and value in _DOUBLE_TEXT:
        return _DOUBLE_TEXT[value]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise errors.UserError(f"{value!r} is not a Double (a number, \"NaN\", \"Infinity\" "
                               "or \"-Infinity\")")
    return float(value)


Double = strawberry.scalar(
    NewType("Double", float),
    description="An IEEE 754 double: a JSON number (-0.0 included), or the strings \"NaN\", "
                "\"Infinity\" and \"-Infinity\" as OTLP/JSON writes them (GraphQL's Float "
                "cannot carry them). Metric values, sums, min/max, bounds, quantiles and "
                "exemplar values.",
    serialize=serialize_double,
    parse_value=parse_double,
)
