"""Which rows answer a span aggregation over [lo, end): the rollups' cover of a range.

The rollup job (ollygraph.span_rollups) keeps minute rollups over [rolled_from, rolled) and
hourly rollups of the whole hours from `hours_from`; a minute that late spans marked
pending is read from the raw rows until the job computes it (and its hour) again. So a
range is read, most rows first:

- the whole hours inside the rolled minutes (from `hours_from`) that hold no pending
  minute: from the hourly rollups;
- the rest of the rolled minutes (the partial hours at the ends, the hours with a pending
  minute), but the pending minutes: from the minute rollups;
- the pending minutes and the ragged ends of the range (before the rollups start, and the
  freshest minutes the job has not rolled): from the raw rows.

`hourly=False` (a step that hours do not divide) reads no hour.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ollygraph import span_rollups
from ollygraph.sql import QUERIES

MINUTE = span_rollups.MINUTE_NS
HOUR = span_rollups.HOUR_NS
MAX_PENDING = 60            # pending minutes read from the raw rows; more: read all raw


@dataclasses.dataclass(frozen=True)
class Cover:
    hours: tuple[int, int]                 # [h0, h1) from the hourly rollups ...
    pending_hours: list[int]               # ... but these
    minutes: list[tuple[int, int]]         # from the minute rollups ...
    pending: list[int]                     # ... but these minutes
    raw: list[tuple[int, int]]             # from the raw rows

    @property
    def rollups(self) -> bool:
        return bool(self.minutes) or self.hours[0] < self.hours[1]


def raw_only(lo: int, end: int) -> Cover:
    return Cover((lo, lo), [], [], [], [(lo, end)])


async def of(db: Any, lo: int, end: int, hourly: bool = True) -> Cover:
    """The cover of [lo, end) by the rollups as they stand (everything raw when they do
    not reach into the range, or too many of its minutes are pending)."""
    m0, m1 = -(-lo // MINUTE) * MINUTE, end // MINUTE * MINUTE
    state = (await db.fetch(QUERIES.red_state, m0, m1)) if m0 < m1 else []
    if not state:
        return raw_only(lo, end)
    st = state[0]
    r0, r1 = max(m0, st["rolled_from"]), min(m1, st["rolled"])
    if r0 >= r1 or len(st["pending"]) > MAX_PENDING:
        return raw_only(lo, end)
    return plan((lo, end), (r0, r1), st["hours_from"] if hourly else None, st["pending"])


def plan(span: tuple[int, int], rolled: tuple[int, int], hours_from: int | None,
         pending: list[int]) -> Cover:
    """The cover of `span` when the minutes `rolled` ([r0, r1), r0 < r1) are rolled, the
    hours from `hours_from` (None: no hour) and `pending` minutes are not."""
    (lo, end), (r0, r1) = span, rolled
    pending = [p for p in pending if r0 <= p < r1]
    h0 = h1 = r0
    if hours_from is not None:
        h0 = -(-max(r0, hours_from) // HOUR) * HOUR
        h1 = max(h0, r1 // HOUR * HOUR)
    if h0 >= h1:
        h0 = h1 = r0
    pending_hours = sorted({p // HOUR * HOUR for p in pending if h0 <= p < h1})
    minutes = [(a, b) for a, b in [(r0, h0), *((h, h + HOUR) for h in pending_hours),
                                   (h1, r1)] if a < b]
    raw = [(lo, r0)] if lo < r0 else []
    raw += [(p, p + MINUTE) for p in pending]
    raw += [(r1, end)] if r1 < end else []
    return Cover((h0, h1), pending_hours, minutes, pending, raw)
