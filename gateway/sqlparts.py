"""Composing SQL from whitelisted fragments with bind parameters.

Fragments are named blocks of `.sql` files (`ollygraph.sql.Queries`). In a fragment,
`:name` is a bind parameter (rendered as `$n`, its value appended to the statement's
parameters) and `@name@` is a piece of SQL text that only the gateway chooses (another
rendered fragment, or an identifier from a fixed table): user values never become text.
"""

from __future__ import annotations

import functools
import re
from typing import Any

_BIND = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")
_SLOT = re.compile(r"@([a-z_]+)@")


class Statement:
    """One statement's growing parameter list."""

    def __init__(self) -> None:
        self.params: list[Any] = []

    def bind(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}"

    def render(self, fragment: str, slots: dict[str, str] | None = None, **binds: Any) -> str:
        """`fragment` with `@slot@` filled from `slots` and each `:bind` bound once."""
        numbers: dict[str, str] = {}

        def bind(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in binds:
                raise KeyError(f"no value for :{name}")
            if name not in numbers:
                numbers[name] = self.bind(binds[name])
            return numbers[name]

        text = _BIND.sub(bind, fragment)
        if slots is not None:
            text = _SLOT.sub(lambda m: slots[m.group(1)], text)
        return text


def conjunction(conditions: list[str]) -> str:
    return " AND ".join(f"({c})" for c in conditions) if conditions else "true"


def numbered(fragment: str, names: list[str], slots: dict[str, str] | None = None) -> str:
    """A static query with `:name` -> `$n` by position in `names` (for fixed statements).
    Rendered once per process: loaders are made for every request."""
    return _numbered(fragment, tuple(names), tuple(sorted(slots.items())) if slots else None)


@functools.cache
def _numbered(fragment: str, names: tuple[str, ...],
              slots: tuple[tuple[str, str], ...] | None) -> str:
    positions = {name: f"${i}" for i, name in enumerate(names, 1)}
    text = _BIND.sub(lambda m: positions[m.group(1)], fragment)
    if slots is not None:
        filled = dict(slots)
        text = _SLOT.sub(lambda m: filled[m.group(1)], text)
    return text
