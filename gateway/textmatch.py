"""TextMatch (prefix / contains / regex) -> the values of a name's conditions.

A filter block lists `<field>_prefix`, `<field>_contains` and `<field>_regex` conditions
(e.g. gateway/traces/sql/traces.sql); a prefix becomes a LIKE pattern with its wildcards
escaped, which a btree (text_pattern_ops) index serves.
"""

from __future__ import annotations

from typing import Any

from gateway import errors, inputs


def like_prefix(text: str) -> str:
    """A LIKE pattern matching the strings that start with `text`."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def fields(match: inputs.TextMatch | None, field: str, what: str) -> dict[str, Any]:
    """{`field`_prefix: pattern, `field`_contains: text, `field`_regex: text} of the parts
    of `match` given (all must hold)."""
    if match is None:
        return {}
    if match.prefix is None and match.contains is None and match.regex is None:
        raise errors.UserError(f"{what}: give prefix, contains or regex")
    return {f"{field}_prefix": None if match.prefix is None else like_prefix(match.prefix),
            f"{field}_contains": match.contains, f"{field}_regex": match.regex}
