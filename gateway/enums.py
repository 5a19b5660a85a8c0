"""Enums of the GraphQL contract; values are the store's lookup ids where there are any."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum
class SpanKind(enum.Enum):
    UNSPECIFIED = 0
    INTERNAL = 1
    SERVER = 2
    CLIENT = 3
    PRODUCER = 4
    CONSUMER = 5


@strawberry.enum
class StatusCode(enum.Enum):
    UNSET = 0
    OK = 1
    ERROR = 2


@strawberry.enum
class SemanticType(enum.Enum):
    AI_AGENT = "ai_agent"
    HTTP = "http"
    DB = "db"
    MESSAGING = "messaging"
    RPC = "rpc"
    FAAS = "faas"
    AWS = "aws"
    GCP = "gcp"
    AZURE = "azure"


@strawberry.enum(description=(
    "How an attribute filter tests a key. Only the negations (NEQ, NOT_IN, NOT_EXISTS) "
    "match items without the key, as label matchers do in PromQL and LogQL."))
class AttributeOp(enum.Enum):
    EQ = strawberry.enum_value("EQ", description="Equal to `value`; numbers as numbers.")
    NEQ = strawberry.enum_value("NEQ", description=(
        "Not EQ, including items without the key; add an EXISTS filter to require it."))
    GT = "GT"
    GTE = "GTE"
    LT = "LT"
    LTE = "LTE"
    IN = strawberry.enum_value("IN", description="Equal to one of `values`.")
    NOT_IN = strawberry.enum_value("NOT_IN", description=(
        "Not IN, including items without the key; add an EXISTS filter to require it."))
    EXISTS = "EXISTS"
    NOT_EXISTS = "NOT_EXISTS"
    CONTAINS = strawberry.enum_value("CONTAINS", description=(
        "A string value contains `value`, or an array value has it as an element."))
    REGEX = strawberry.enum_value("REGEX", description=(
        "A string value matches the POSIX regular expression `value`."))


@strawberry.enum
class AttributeScope(enum.Enum):
    SPAN = "SPAN"
    RESOURCE = "RESOURCE"
    SCOPE = "SCOPE"
    EVENT = "EVENT"
    LINK = "LINK"
    LOG = "LOG"
    METRIC = "METRIC"


@strawberry.enum
class TraceOrder(enum.Enum):
    """Newest first (the default), oldest first, slowest or fastest first; ties broken by
    trace id."""

    START_TIME_DESC = "DESC"
    START_TIME_ASC = "ASC"
    DURATION_DESC = "DURATION_DESC"
    DURATION_ASC = "DURATION_ASC"


@strawberry.enum
class SpanOrder(enum.Enum):
    """Newest first (the default), oldest first, slowest or fastest first; ties broken by
    span id."""

    START_TIME_DESC = "DESC"
    START_TIME_ASC = "ASC"
    DURATION_DESC = "DURATION_DESC"
    DURATION_ASC = "DURATION_ASC"


@strawberry.enum
class LogOrder(enum.Enum):
    """Newest first (the default) or oldest first; ties broken by log id."""

    TIME_DESC = "DESC"
    TIME_ASC = "ASC"


# the description of an open enum's numeric sibling
OPEN_ENUM = ("The OTLP enum number of `{0}` as sent: proto3 enums are open, and a value this "
             "version does not know reads as {1} in `{0}` but keeps its number here.")


def kind(value: int) -> SpanKind:
    try:
        return SpanKind(value)
    except ValueError:
        return SpanKind.UNSPECIFIED


def status(value: int) -> StatusCode:
    try:
        return StatusCode(value)
    except ValueError:
        return StatusCode.UNSET
