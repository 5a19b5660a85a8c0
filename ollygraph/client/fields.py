"""What the client selects of each GraphQL type, and the column type of each field.

A `Field` names a schema field by its path (`status.code` is `status { code }`) and
says how its JSON value becomes a column (`frames.py` applies it). The selections the
client sends are built from these tuples once, at import, so the columns a frame has
and the fields a query asks for cannot drift apart.
"""

from __future__ import annotations

from typing import NamedTuple

STR = "str"          # String, ID and enum values
TIME = "time"        # Timestamp: RFC 3339 text -> datetime64[ns, UTC]
BIGINT = "bigint"    # BigInt: decimal text -> int64 (Int64 when nullable)
INT = "int"          # Int -> int64 (Int64 when nullable)
FLOAT = "float"      # Float -> float64
BOOL = "bool"        # Boolean -> bool (boolean when nullable)
LIST = "list"        # [String!] -> a list per row
JSON = "json"        # JSON (attribute maps, log bodies) -> the decoded value per row


class Field(NamedTuple):
    path: str
    kind: str = STR
    nullable: bool = False


TRACE = (
    Field("traceId"), Field("rootService", nullable=True), Field("rootName", nullable=True),
    Field("startTime", TIME), Field("endTime", TIME), Field("durationMs", FLOAT),
    Field("spanCount", INT), Field("errorCount", INT), Field("status"),
    Field("services", LIST), Field("semanticTypes", LIST),
)

SPAN = (
    Field("traceId"), Field("spanId"), Field("parentSpanId", nullable=True), Field("name"),
    Field("kind"), Field("service", nullable=True),
    Field("startTime", TIME), Field("endTime", TIME),
    Field("startTimeUnixNano", BIGINT), Field("endTimeUnixNano", BIGINT),
    Field("durationMs", FLOAT), Field("status.code"), Field("status.message", nullable=True),
    Field("semanticType", nullable=True), Field("attributes", JSON),
)

LOG = (
    Field("id"), Field("timestamp", TIME), Field("time", TIME, nullable=True),
    Field("observedTime", TIME), Field("severityNumber", INT, nullable=True),
    Field("severityText", nullable=True), Field("service", nullable=True),
    Field("body", JSON, nullable=True), Field("eventName", nullable=True),
    Field("traceId", nullable=True), Field("spanId", nullable=True), Field("attributes", JSON),
)

METRIC = (
    Field("name"), Field("type"), Field("unit"), Field("description"),
    Field("temporality", nullable=True), Field("isMonotonic", BOOL, nullable=True),
    Field("services", LIST), Field("attributeKeys", LIST),
)

# a series frame has a row per point: the series' fields, then the point's
SERIES = (Field("service", nullable=True), Field("labels", JSON))
SERIES_POINT = (
    Field("time", TIME), Field("value", FLOAT, nullable=True),
    Field("count", FLOAT, nullable=True), Field("sum", FLOAT, nullable=True),
    Field("min", FLOAT, nullable=True), Field("max", FLOAT, nullable=True),
)

METRIC_POINT = (
    Field("time", TIME), Field("startTime", TIME, nullable=True),
    Field("timeUnixNano", BIGINT), Field("value", FLOAT, nullable=True),
    Field("valueInt", BIGINT, nullable=True), Field("count", BIGINT, nullable=True),
    Field("sum", FLOAT, nullable=True), Field("min", FLOAT, nullable=True),
    Field("max", FLOAT, nullable=True), Field("attributes", JSON),
)


def selection(fields: tuple[Field, ...]) -> str:
    """The GraphQL selection of `fields`: ('a', 'b.c', 'b.d') -> 'a b { c d }'."""
    tree: dict[str, dict] = {}
    for field in fields:
        node = tree
        for part in field.path.split("."):
            node = node.setdefault(part, {})
    return _render(tree)


def _render(tree: dict[str, dict]) -> str:
    return " ".join(f"{name} {{ {_render(sub)} }}" if sub else name for name, sub in tree.items())


def value(node: dict, path: str) -> object:
    """The value at `path` in a result node; None when an object on the way is null."""
    for part in path.split("."):
        if node is None:
            return None
        node = node[part]
    return node
