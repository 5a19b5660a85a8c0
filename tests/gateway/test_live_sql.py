"""The statements of live subscriptions, checked in: tests/gateway/snapshots/live_*.sql.

One batch read per subscription type (each point kind's for metricPoints) for three
subscribers (no filter, a service and status, an attribute), the read of quiet traces and
the catch-up listing of committed keys, rendered as the hub renders them (bind parameters
`$n`). `OLLYGRAPH_UPDATE_SNAPSHOTS=1` rewrites them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gateway import enums, inputs
from gateway.live import kinds

SNAPSHOTS = Path(__file__).with_name("snapshots")
UPDATE = os.environ.get("OLLYGRAPH_UPDATE_SNAPSHOTS") == "1"
ATTRIBUTE = [inputs.AttributeFilter(key="http.route", op=enums.AttributeOp.EQ, value="/a")]
FILTERS = {
    "spans": [None, inputs.SpanFilter(service="shop", status=enums.StatusCode.ERROR),
              inputs.SpanFilter(attributes=ATTRIBUTE)],
    "traces": [None, inputs.TraceFilter(service="shop", status=enums.StatusCode.ERROR),
               inputs.TraceFilter(attributes=ATTRIBUTE)],
    "logs": [None, inputs.LogFilter(service="shop", min_severity=17),
             inputs.LogFilter(attributes=ATTRIBUTE)],
    **{
        kind.name: [kinds.PointFilter(point, (3, 4), None, None),
                    kinds.PointFilter(point, (3,), None, "shop"),
                    kinds.PointFilter(point, (3,), ATTRIBUTE, None)]
        for point, kind in kinds.POINTS.items()
    },
}


def rendered() -> dict[str, str]:
    out = {}
    for kind in kinds.KINDS:
        sql, _ = kinds.batch_sql(kind, [(f, {"http.route": 7}) for f in FILTERS[kind.name]],
                                 [(10, 20), (30, 40)], 0, 100)
        out[f"live_{kind.name.replace('.', '_')}"] = sql
    sql, _ = kinds.quiet_traces_sql([(f, {"http.route": 7}) for f in FILTERS["traces"]],
                                    [b"\x01" * 16])
    out["live_quiet_traces"] = sql
    sql, _ = kinds.committed_sql(kinds.SPANS, 0, 5, [(10, 20)], 100)
    out["live_committed"] = sql
    return out


@pytest.mark.parametrize("name", sorted(rendered()))
def test_live_statement_equals_its_snapshot(name):
    text = "\n".join(line.rstrip() for line in rendered()[name].splitlines()
                     if line.strip()) + "\n"
    path = SNAPSHOTS / f"{name}.sql"
    if UPDATE:
        path.write_text(text)
    assert path.read_text() == text, f"{name}: run OLLYGRAPH_UPDATE_SNAPSHOTS=1"
