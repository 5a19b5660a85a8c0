"""Named SQL queries kept in `.sql` files.

A file holds blocks that each start with a `-- name: <query_name>` line; the text up
to the next such line is the query. `Queries(directory)` loads every file of a
directory once; `queries.select_spans_by_trace_id` (or `queries["..."]`) returns the
text. Names are unique across the directory.
"""

from __future__ import annotations

import re
from pathlib import Path

_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


def parse(text: str, origin: str = "<sql>") -> dict[str, str]:
    """`-- name:` blocks of one file -> {name: sql}."""
    parts = _NAME.split(text)
    queries: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in queries:
            raise ValueError(f"{origin}: query {name!r} is defined twice")
        queries[name] = body.strip()
    return queries


class Queries:
    """All named queries of the `.sql` files in one directory."""

    def __init__(self, directory: Path) -> None:
        self._queries: dict[str, str] = {}
        for path in sorted(directory.glob("*.sql")):
            for name, body in parse(path.read_text(), str(path)).items():
                if name in self._queries:
                    raise ValueError(f"{path}: query {name!r} is also defined in another file")
                self._queries[name] = body

    def __getitem__(self, name: str) -> str:
        return self._queries[name]

    def __getattr__(self, name: str) -> str:
        try:
            return self._queries[name]
        except KeyError:
            raise AttributeError(name) from None

    def __contains__(self, name: str) -> bool:
        return name in self._queries

    def names(self) -> list[str]:
        return sorted(self._queries)


QUERIES = Queries(Path(__file__).with_name("sql"))
