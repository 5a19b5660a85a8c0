"""Errors the user can fix, and the masking of everything else.

`UserError` messages reach the client verbatim (a bad cursor, id or filter value, a
statement timeout); any other exception raised while resolving is masked as
"Unexpected error." by `strawberry.extensions.MaskErrors` with `should_mask`.
"""

from __future__ import annotations

from graphql import GraphQLError


class UserError(Exception):
    """A problem with the request itself; str() is shown to the client."""


def should_mask(error: GraphQLError) -> bool:
    """Mask resolver failures except our own `UserError` (validation errors pass)."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):  # e.g. a bad variable value
        return False
    return not isinstance(original, UserError)
