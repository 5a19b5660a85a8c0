"""Metric point conditions: time range, service and attribute filters on a point table (p).

The attribute filters of a point kind's points are those of its owner in
`gateway.filters.TARGETS` (`metric_<kind>`): scope METRIC (the default), RESOURCE, SCOPE.
"""

from __future__ import annotations

from pathlib import Path

from gateway import errors, filters, inputs, sqlparts
from ollygraph import store

SQL = sqlparts.Queries(Path(__file__).with_name("sql"))


def point_conditions(stmt: sqlparts.Statement, kind: str, bounds: tuple[int, int] | None,
                     attrs: list[inputs.AttributeFilter] | None,
                     service: str | None) -> list[str]:
    """Conditions on the points (alias p) of one point table."""
    if kind not in store.POINT_KIND:
        raise errors.UserError(f"unknown point kind {kind!r}")
    owner = store.POINT_KIND[kind].owner
    out = stmt.conditions(SQL.point_filter, service=service)
    for flt in attrs or ():
        out.append(filters.attribute_condition(stmt, flt, owner, "p", bounds))
    return out
