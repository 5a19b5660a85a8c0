"""Composing SQL from named fragments, one way: `:bind` parameters and `@slot@` text.

Fragments are named blocks of `.sql` files (`Queries`). In a fragment,
`:name` is a bind parameter (rendered as `$n`, its value appended to the statement's
parameters) and `@name@` is a piece of SQL text that only the gateway chooses (another
rendered fragment, or an identifier of `ollygraph.store`): user values never become text.

A block of conditions lists one condition per field of a filter, each ending with
`-- when <field>`: `Statement.conditions` renders those of the fields given, in the
block's order; `choose` takes the one of a field (the alternatives of one choice, such as
the predicate of an attribute filter's op, are a block too).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from ollygraph import sql as named_sql

_BIND = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")
_SLOT = re.compile(r"@([a-z_]+)@")
_WHEN = re.compile(r"\s*--\s*when\s+([a-z_][a-z0-9_]*)\s*$")


class Queries(named_sql.Queries):
    """The named fragments of a directory's `.sql` files, without their comment lines:
    those document the files, and a composed statement is read whole in its snapshot
    (tests/gateway/snapshots)."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self._queries = {name: uncommented(body) for name, body in self._queries.items()}


def uncommented(fragment: str) -> str:
    """`fragment` without its comment lines (but the `-- when` lines of conditions)."""
    return "\n".join(line for line in fragment.splitlines()
                     if not line.lstrip().startswith("--") or _WHEN.match(line))


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
        return fill(text, slots) if slots is not None else text

    def conditions(self, block: str, **values: Any) -> list[str]:
        """The conditions of `block` whose field has a value (not None, not False), each
        rendered with its binds from `values`."""
        return [self.render(sql, **values) for sql, field in _condition_lines(block)
                if values.get(field) is not None and values[field] is not False]


def choose(block: str, field: str, default: str | None = None) -> str:
    """The condition of `field` in `block`, else of `default` (KeyError without both)."""
    found = {name: sql for sql, name in reversed(_condition_lines(block))}
    return found[field] if field in found or default is None else found[default]


@functools.cache
def _condition_lines(block: str) -> tuple[tuple[str, str], ...]:
    """(condition, field) of each `... -- when field` of a block; a condition may span
    lines (the marker ends its last one); comment lines are skipped."""
    out, pending = [], []
    for line in block.splitlines():
        when = _WHEN.search(line)
        if when is None:
            if line.strip() and not line.lstrip().startswith("--"):
                pending.append(line.rstrip())
            continue
        pending.append(line[:when.start()].rstrip())
        out.append(("\n".join(pending).strip(), when.group(1)))
        pending = []
    if pending:
        raise ValueError(f"condition without `-- when <field>`: {pending}")
    return tuple(out)


def fill(fragment: str, slots: dict[str, str], *, partial: bool = False) -> str:
    """`fragment` with its `@slot@`s filled (SQL text the gateway chose, no values), or
    with `partial` those of `slots` (the others stay open); the lines of a filled text are
    indented as the slot's line, so the statement reads whole."""

    def text(match: re.Match[str]) -> str:
        if partial and match.group(1) not in slots:
            return match.group(0)
        value = slots[match.group(1)]
        if "\n" not in value:
            return value
        line = fragment[fragment.rfind("\n", 0, match.start()) + 1:match.start()]
        return value.replace("\n", "\n" + line[:len(line) - len(line.lstrip())])

    return _SLOT.sub(text, fragment)


def conjunction(conditions: list[str]) -> str:
    return "\nAND ".join(f"({c})" for c in conditions) if conditions else "true"


def numbered(fragment: str, names: list[str], slots: dict[str, str] | None = None) -> str:
    """A static query with `:name` -> `$n` by position in `names` (for fixed statements).
    Rendered once per process: loaders are made for every request."""
    return _numbered(fragment, tuple(names), tuple(sorted(slots.items())) if slots else None)


@functools.cache
def _numbered(fragment: str, names: tuple[str, ...],
              slots: tuple[tuple[str, str], ...] | None) -> str:
    positions = {name: f"${i}" for i, name in enumerate(names, 1)}
    text = _BIND.sub(lambda m: positions[m.group(1)], fragment)
    return fill(text, dict(slots)) if slots is not None else text
