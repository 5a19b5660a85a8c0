"""TextMatch (prefix / contains / regex) -> SQL conditions on a name column."""

from __future__ import annotations

from gateway import errors, filters, inputs, sqlparts

SQL = filters.SQL


def like_prefix(text: str) -> str:
    """A LIKE pattern matching the strings that start with `text`."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def conditions(stmt: sqlparts.Statement, column: str, match: inputs.TextMatch | None,
               what: str) -> list[str]:
    """Conditions on `column` for every part of `match` given (all must hold)."""
    if match is None:
        return []
    if match.prefix is None and match.contains is None and match.regex is None:
        raise errors.UserError(f"{what}: give prefix, contains or regex")
    out = []
    slots = {"column": column}
    if match.prefix is not None:
        out.append(stmt.render(SQL.text_prefix, slots, v=like_prefix(match.prefix)))
    if match.contains is not None:
        out.append(stmt.render(SQL.text_contains, slots, v=match.contains))
    if match.regex is not None:
        out.append(stmt.render(SQL.text_regex, slots, v=match.regex))
    return out
