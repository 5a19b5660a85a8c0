"""Histogram buckets as value intervals, and quantiles estimated from them.

A bucket is (lower, upper, count). Quantiles are estimated as Prometheus'
`histogram_quantile` does: linear interpolation inside the bucket where the rank falls,
then the estimate is clamped to the point's recorded [min, max] when those are known (so
coarse buckets never answer a value that was never reached: 0.009 s recorded into a
(0, 5] bucket is not estimated as 4.95). Explicit buckets are (bounds[i-1], bounds[i]];
the lowest bucket starts at the recorded min when known, else at 0 (or is the single
value bounds[0] when that is not positive); the +Inf bucket is the last finite bound
when max is unknown, else it runs from that bound to max. Exponential buckets at
scale s have base b = 2^(2^-s): positive index i is (b^i, b^(i+1)], negative index i is
[-b^(i+1), -b^i), and the zero bucket is [-zero_threshold, zero_threshold]; every
interval is clamped to [min, max] when those are known.
"""

from __future__ import annotations

import bisect
import math
from typing import NamedTuple


class Bucket(NamedTuple):
    lower: float
    upper: float
    count: float


def explicit(bounds: list[float], counts: list[float], low: float | None,
             high: float | None) -> list[Bucket]:
    """The buckets of an explicit-bounds histogram (len(counts) == len(bounds) + 1)."""
    if not bounds:
        lo = low if low is not None else 0.0
        hi = high if high is not None else lo
        return [Bucket(lo, hi, float(sum(counts)))]
    out = []
    for i, count in enumerate(counts):
        if i == 0:
            upper = bounds[0]
            lower = low if low is not None and low <= upper else (0.0 if upper > 0 else upper)
        elif i >= len(bounds):
            lower = bounds[-1]
            upper = high if high is not None and high >= lower else lower
        else:
            lower, upper = bounds[i - 1], bounds[i]
        out.append(Bucket(lower, upper, float(count)))
    return out


def merge_explicit(sets: list[tuple[list[float], list[float]]]) -> tuple[list[float], list[float]]:
    """Explicit histograms (bounds, counts) with different bounds merged onto the bounds
    they all share: every bucket of a set lies inside one shared interval (no shared bound
    falls strictly inside it), so the merged counts are exact, at the shared resolution.
    Sets without counts (points without buckets) are left out."""
    sets = [(bounds, counts) for bounds, counts in sets if counts]
    if not sets:
        return [], []
    shared = sorted(set.intersection(*(set(bounds) for bounds, _ in sets)))
    counts = [0.0] * (len(shared) + 1)
    for bounds, own in sets:
        for i, count in enumerate(own):
            upper = bounds[i] if i < len(bounds) else math.inf
            counts[bisect.bisect_left(shared, upper)] += count
    return shared, counts


def _power(base_log2: float, index: int) -> float:
    try:
        return 2.0 ** (index * base_log2)
    except OverflowError:
        return math.inf


def exponential(scale: int, zero_count: float, zero_threshold: float,
                cells: list[tuple[int, int, float]], low: float | None,
                high: float | None) -> list[Bucket]:
    """Ascending buckets of an exponential histogram; cells are (sign, index, count)."""
    base_log2 = 2.0 ** -scale
    out: list[Bucket] = []
    negative = sorted((c for c in cells if c[0] < 0), key=lambda c: -c[1])
    positive = sorted((c for c in cells if c[0] > 0), key=lambda c: c[1])
    for _, index, count in negative:
        out.append(Bucket(-_power(base_log2, index + 1), -_power(base_log2, index), count))
    if zero_count:
        out.append(Bucket(-zero_threshold, zero_threshold, zero_count))
    for _, index, count in positive:
        out.append(Bucket(_power(base_log2, index), _power(base_log2, index + 1), count))
    return [Bucket(max(b.lower, low) if low is not None else b.lower,
                   min(b.upper, high) if high is not None else b.upper, b.count)
            for b in out if b.count]


def quantile(buckets: list[Bucket], q: float, low: float | None = None,
             high: float | None = None) -> float | None:
    """The q-quantile (0 <= q <= 1) by linear interpolation, clamped to [low, high] (the
    recorded min and max) when given; None without counts."""
    total = sum(b.count for b in buckets if b.count > 0)
    if total <= 0:
        return None
    rank, seen, value = q * total, 0.0, buckets[-1].upper
    for b in buckets:
        if b.count <= 0:
            continue
        if seen + b.count >= rank:
            value = b.lower + (b.upper - b.lower) * (rank - seen) / b.count
            break
        seen += b.count
    if high is not None:
        value = min(value, high)
    if low is not None:
        value = max(value, low)
    return value
