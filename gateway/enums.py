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


@strawberry.enum
class AttributeOp(enum.Enum):
    EQ = "EQ"
    NEQ = "NEQ"
    GT = "GT"
    GTE = "GTE"
    LT = "LT"
    LTE = "LTE"
    IN = "IN"
    NOT_IN = "NOT_IN"
    EXISTS = "EXISTS"
    NOT_EXISTS = "NOT_EXISTS"
    CONTAINS = "CONTAINS"
    REGEX = "REGEX"


@strawberry.enum
class AttributeScope(enum.Enum):
    SPAN = "SPAN"
    RESOURCE = "RESOURCE"
    SCOPE = "SCOPE"
    EVENT = "EVENT"
    LOG = "LOG"
    METRIC = "METRIC"


@strawberry.enum
class TraceOrder(enum.Enum):
    """Newest first (the default) or oldest first; ties broken by trace id."""

    START_TIME_DESC = "DESC"
    START_TIME_ASC = "ASC"


@strawberry.enum
class SpanOrder(enum.Enum):
    """Newest first (the default) or oldest first; ties broken by span id."""

    START_TIME_DESC = "DESC"
    START_TIME_ASC = "ASC"


@strawberry.enum
class LogOrder(enum.Enum):
    """Newest first (the default) or oldest first; ties broken by log id."""

    TIME_DESC = "DESC"
    TIME_ASC = "ASC"


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
