"""TextMatch (prefix / contains / regex) -> the values of a name's conditions.

A filter block lists `<field>_prefix`, `<field>_contains` and `<field>_regex` conditions
(e.g. gateway/traces/sql/traces.sql); a prefix becomes a LIKE pattern with its wildcards
escaped, which a btree (text_pattern_ops) index serves. A text searched by trigrams (log
bodies, migration 0005) is narrowed first by the trigrams every match must contain
(`required_trigrams`).
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


def trigrams(text: str) -> set[str]:
    """Its 3-character substrings, as the SQL function otel_log_body_trigrams computes
    them (migration 0005)."""
    return {text[i:i + 3] for i in range(len(text) - 2)}


def regex_literals(pattern: str) -> list[str]:
    """Strings that every match of the regular expression `pattern` contains: its runs of
    plain characters, read conservatively (none when it has alternatives, groups or
    options, which could make a run optional, or classes like [[:alpha:]])."""
    if any(s in pattern for s in ("|", "(", "[:", "[.", "[=")) or pattern.startswith("*"):
        return []
    runs, run, i = [], [], 0
    while i < len(pattern):
        char, atom = pattern[i], None
        if char == "\\" and i + 1 < len(pattern):
            escaped = pattern[i + 1]
            atom = None if escaped.isalnum() else escaped  # \d, \w, \y ...: no literal
            i += 2
        else:
            atom = None if char in ".[]{}^$*+?)" else char
            if char in "[{":             # a bracket expression or a bound: skip to its end
                end = pattern.find("]" if char == "[" else "}", i + 2)
                i = len(pattern) if end < 0 else end
            i += 1
        quantifier = pattern[i] if i < len(pattern) else ""
        if quantifier in ("*", "?", "{"):   # the atom may be absent
            atom = None
        if atom is None:
            runs.append("".join(run))
            run = []
        else:
            run.append(atom)
            if quantifier == "+":        # present, but what follows may repeat it
                runs.append("".join(run))
                run = []
    runs.append("".join(run))
    return [r for r in runs if r]


def required_trigrams(match: inputs.TextMatch | None, *texts: str | None) -> list[str] | None:
    """The trigrams a text must contain to satisfy `match` and contain each of `texts`;
    None when there are none to narrow by."""
    parts = [t for t in texts if t]
    if match is not None:
        parts += [t for t in (match.prefix, match.contains) if t]
        parts += regex_literals(match.regex) if match.regex else []
    found = set().union(*(trigrams(t) for t in parts)) if parts else set()
    return sorted(found) or None
