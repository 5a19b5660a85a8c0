"""Errors the user can fix or wait out, and the masking of everything else.

`UserError` messages reach the client verbatim (a bad cursor, id or filter value, a
statement timeout) with a machine-readable `extensions.code`; any other exception raised
while resolving is masked as "Unexpected error." (`selfmetrics.Observe` asks
`should_mask`), with a correlation id that the gateway's log line also carries.

Codes (`extensions.code`):

- BAD_USER_INPUT: a value of the request is malformed, absurd or over a cap;
- COST_LIMIT_EXCEEDED: the query could return more objects than the limit (gateway.cost);
- STATEMENT_TIMEOUT: a SQL statement ran past the statement timeout;
- TOO_MANY_REQUESTS: the client's queue for the database did not move in time; HTTP 429
  with Retry-After when no data could be returned;
- DATABASE_UNAVAILABLE: the database cannot be reached (down, restarting, no connection
  free in time); HTTP 503 with Retry-After when no data could be returned.
"""

from __future__ import annotations

from typing import Any, ClassVar

from graphql import GraphQLError

BAD_USER_INPUT = "BAD_USER_INPUT"
DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"
RETRY_AFTER_S = 1  # what Retry-After says for the transient codes

# the HTTP status of a response whose errors carry this code and that has no data
STATUS_OF = {DATABASE_UNAVAILABLE: 503, TOO_MANY_REQUESTS: 429}


class UserError(Exception):
    """A problem with the request itself; str() is shown to the client."""

    code: ClassVar[str] = BAD_USER_INPUT

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        # graphql-core copies an original error's `extensions` into the GraphQL error
        self.extensions = {"code": self.code, **details}


class CostLimitExceeded(UserError):
    code = "COST_LIMIT_EXCEEDED"


class StatementTimeout(UserError):
    code = "STATEMENT_TIMEOUT"


class TooManyRequests(UserError):
    code = TOO_MANY_REQUESTS


class DatabaseUnavailable(UserError):
    code = DATABASE_UNAVAILABLE


def should_mask(error: GraphQLError) -> bool:
    """Mask resolver failures except our own `UserError` (validation errors pass)."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):  # e.g. a bad variable value
        return False
    return not isinstance(original, UserError)


def refusal(error: UserError) -> GraphQLError:
    """`error` as the GraphQL error of a request refused before it ran."""
    return GraphQLError(str(error), original_error=error)


def http_status(errors: list[dict[str, Any]] | None, data: Any) -> int | None:
    """The status for a response that could not run at all (no data, or only nulls)
    because of a transient condition (see STATUS_OF), else None (the usual 200)."""
    if not errors or (isinstance(data, dict) and any(v is not None for v in data.values())):
        return None
    for error in errors:
        status = STATUS_OF.get((error.get("extensions") or {}).get("code"))
        if status is not None:
            return status
    return None
