"""gateway.live.cursor: positions as a watermark plus runs of keys, and their cursors."""

from __future__ import annotations

import pytest

from gateway import errors
from gateway.live import cursor


def test_runs_merge_and_what_is_unseen():
    seen = cursor.Seen(10, [(20, 25)])
    seen.add([(26, 30), (40, 40), (5, 6)])
    assert seen.runs == [(5, 6), (20, 30), (40, 40)]
    assert seen.unseen([(1, 50)]) == [(1, 4), (7, 19), (31, 39), (41, 50)]
    assert seen.unseen([(21, 29)]) == []
    assert [k for k in (6, 7, 20, 30, 31, 40) if seen.contains(k)] == [6, 20, 30, 40]


def test_settling_forgets_runs_below_the_watermark():
    seen = cursor.Seen(0, [(1, 5), (8, 9), (12, 20)])
    seen.settle(10)
    assert (seen.watermark, seen.runs) == (10, [(12, 20)])
    seen.settle(3)  # never backwards
    assert seen.watermark == 10


def test_cursor_round_trip_and_kind():
    seen = cursor.Seen(100, [(120, 130), (90, 95)])
    back = cursor.decode("spans", cursor.encode("spans", seen))
    assert (back.watermark, back.runs) == (100, [(120, 130)])
    with pytest.raises(errors.UserError, match="not a cursor of this subscription"):
        cursor.decode("traces", cursor.encode("spans", seen))
    for bad in ("", "!!", "e30", cursor.encode("spans", seen)[:-3]):
        with pytest.raises(errors.UserError):
            cursor.decode("spans", bad)
