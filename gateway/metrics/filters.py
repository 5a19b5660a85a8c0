"""Metric point conditions: time range, service and attribute filters on a point table (p).

The point tables are registered with gateway.filters as signals `metric_<kind>`: their
own attributes are scope METRIC (the default), and RESOURCE and SCOPE apply too.
"""

from __future__ import annotations

from pathlib import Path

from gateway import enums, errors, filters, inputs, sqlparts
from ollygraph.sql import Queries

SQL = Queries(Path(__file__).with_name("sql"))
POINT_KINDS = ("number", "histogram", "exp_histogram", "summary")
Scope = enums.AttributeScope

for _kind in POINT_KINDS:
    filters.TARGETS[f"metric_{_kind}"] = {
        Scope.METRIC: filters.Target(f"otel_metric_{_kind}_attrs",
                                     "{a}.point_pk, {a}.time_unix_nano",
                                     "a.point_pk, a.time_unix_nano", "time_unix_nano"),
        Scope.RESOURCE: filters.Target("otel_resource_attrs", "{a}.resource_id",
                                       "a.resource_id", None),
        Scope.SCOPE: filters.Target("otel_scope_attrs", "coalesce({a}.scope_id, -1)",
                                    "a.scope_id", None),
    }
    filters.DEFAULT_SCOPE[f"metric_{_kind}"] = Scope.METRIC


def point_conditions(stmt: sqlparts.Statement, kind: str, bounds: tuple[int, int] | None,
                     attrs: list[inputs.AttributeFilter] | None,
                     service: str | None) -> list[str]:
    """Conditions on the points (alias p) of one point table."""
    if kind not in POINT_KINDS:
        raise errors.UserError(f"unknown point kind {kind!r}")
    out: list[str] = []
    if service is not None:
        out.append(filters.service_condition(stmt, "p.resource_id", service))
    for flt in attrs or ():
        out.append(filters.attribute_condition(stmt, flt, f"metric_{kind}", "p", bounds))
    return out
