"""What a query selects below the field being resolved."""

from __future__ import annotations

from collections.abc import Iterable

import strawberry
from strawberry.types.nodes import SelectedField, Selection


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    """The fields of a selection set, through fragments and inline fragments."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:
            yield from _fields(selection.selections)


def names(info: strawberry.Info, *path: str) -> set[str]:
    """GraphQL names of the fields selected on the current field's value, or, with a
    `path` of field names (e.g. "edges", "node"), on the value found there."""
    level: list[SelectedField] = [f for f in _fields(info.selected_fields)]
    for step in path:
        level = [child for field in level for child in _fields(field.selections)
                 if child.name == step]
    return {child.name for field in level for child in _fields(field.selections)}
