"""gateway.stats.cover.plan: which rows read which part of a range."""

from __future__ import annotations

from gateway.stats import cover

M, H = cover.MINUTE, cover.HOUR
T = 1_700_000_000 // 3600 * H        # a whole hour


def test_whole_hours_from_hours_partial_hours_from_minutes_ends_raw() -> None:
    c = cover.plan((T - 90 * M - 7, T + 3 * H + 30 * M), (T - 80 * M, T + 3 * H + 20 * M),
                   T - 80 * M, [])
    assert c.hours == (T - H, T + 3 * H) and c.pending_hours == []
    assert c.minutes == [(T - 80 * M, T - H), (T + 3 * H, T + 3 * H + 20 * M)]
    assert c.raw == [(T - 90 * M - 7, T - 80 * M), (T + 3 * H + 20 * M, T + 3 * H + 30 * M)]


def test_an_hour_with_a_pending_minute_is_read_from_its_minutes() -> None:
    late = T + H + 17 * M
    c = cover.plan((T, T + 3 * H), (T, T + 3 * H), T, [late])
    assert c.hours == (T, T + 3 * H) and c.pending_hours == [T + H]
    assert c.minutes == [(T + H, T + 2 * H)] and c.pending == [late]
    assert c.raw == [(late, late + M)]


def test_hours_start_where_the_hourly_rollups_do() -> None:
    c = cover.plan((T, T + 3 * H), (T, T + 3 * H), T + H + 1, [])
    assert c.hours == (T + 2 * H, T + 3 * H)
    assert c.minutes == [(T, T + 2 * H)] and c.raw == []


def test_no_hours_without_a_whole_hour_or_when_not_hourly() -> None:
    within = cover.plan((T + M, T + H - M), (T + M, T + H - 2 * M), T, [T + 5 * M])
    assert within.hours[0] == within.hours[1]
    assert within.minutes == [(T + M, T + H - 2 * M)]
    assert within.raw == [(T + 5 * M, T + 6 * M), (T + H - 2 * M, T + H - M)]
    minutes = cover.plan((T, T + 2 * H), (T, T + 2 * H), None, [])
    assert minutes.hours[0] == minutes.hours[1] and minutes.minutes == [(T, T + 2 * H)]


def test_pending_minutes_outside_the_rolled_ones_are_read_once() -> None:
    c = cover.plan((T, T + 2 * H), (T, T + H + 30 * M), T, [T + H + 40 * M])
    assert c.pending == [] and c.raw == [(T + H + 30 * M, T + 2 * H)]
