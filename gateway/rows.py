"""Base GraphQL types for objects read from one database row; the signals' types extend them.

- `Dimension`: a resource or scope row that carries its attribute map.
- `Timed`: a row with start and end times (spans and traces).
- `gateway.items.Item`: a span or log record.
"""

from __future__ import annotations

from typing import Any

import strawberry

from gateway import attributes, scalars


@strawberry.type
class Row:
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, row: Any) -> Any:
        return cls(row=row)


@strawberry.type
class Dimension(Row):
    """`row`: the dimension's columns and `attributes`, its merged attribute map."""

    @classmethod
    def from_row(cls, row: Any) -> Any:
        """From a row of `owned_attributes` (gateway/sql/attributes.sql)."""
        return cls(row={**row, "attributes": attributes.merge(row)})

    @property
    def attrs(self) -> dict[str, Any]:
        return self.row["attributes"]

    @strawberry.field
    def schema_url(self) -> str | None:
        return self.row["schema_url"]

    @strawberry.field
    def dropped_attributes_count(self) -> scalars.UInt32:
        return self.row["dropped_attributes_count"]

    @strawberry.field(description="All attributes, or only `keys`.")
    def attributes(self, keys: list[str] | None = None,
                   typed: attributes.Typed = False) -> scalars.JSON:
        return attributes.choose(self.attrs, keys, typed)

    @strawberry.field
    def attribute(self, key: str, typed: attributes.Typed = False) -> scalars.JSON | None:
        return attributes.one(self.attrs, key, typed)


@strawberry.type
class Timed(Row):
    @strawberry.field
    def start_time(self) -> scalars.Timestamp:
        return self.row["start_time_unix_nano"]

    @strawberry.field
    def end_time(self) -> scalars.Timestamp:
        return self.row["end_time_unix_nano"]

    @strawberry.field
    def duration_ms(self) -> float:
        return (self.row["end_time_unix_nano"] - self.row["start_time_unix_nano"]) / 1e6
