"""A numeric range -> the bucket tokens that cover it, as `otel_number_tokens` (migration
0005) indexes the numbers of the JSONB catch-alls.

A number's buckets: zero; else its sign and decimal exponent e of |n| (-21: below 1e-20,
21: from 1e21 on), and for -20 <= e <= 20 that decade narrowed by one, two and three
significant digits. Magnitudes are ordered as cells: the underflow bucket, then the
three-digit buckets of each decade, then the overflow bucket. A range covers a run of
cells per sign, widened by one cell at each end (the SQL computes in double precision,
which may put a value at a cell's edge in the neighbouring cell); the run is named by the
widest buckets that fit. The index only narrows: the exact comparison is
always tested too.
"""

from __future__ import annotations

import decimal
import math

SEP = chr(31)
LOW, HIGH = -20, 20                       # the decades with digit buckets
PER_DECADE = 900                          # three-digit buckets 100..999
LAST = 1 + (HIGH - LOW + 1) * PER_DECADE  # the overflow cell; 0 is the underflow cell


def _cell(magnitude: decimal.Decimal) -> int:
    """The cell of a magnitude > 0."""
    e = magnitude.adjusted()
    if e < LOW:
        return 0
    if e > HIGH:
        return LAST
    digits = int(magnitude.scaleb(2 - e))  # truncates: 100..999
    return 1 + (e - LOW) * PER_DECADE + min(999, max(100, digits)) - 100


def _run_tokens(prefix: str, first: int, last: int) -> list[str]:
    """The tokens (without key) naming the cells first..last of one sign (`prefix`)."""
    out = []
    if first == 0:
        out.append(f"{prefix}{LOW - 1}")
        first = 1
    if last == LAST:
        out.append(f"{prefix}{HIGH + 1}")
        last = LAST - 1
    cell = first
    while cell <= last:
        e, offset = LOW + (cell - 1) // PER_DECADE, (cell - 1) % PER_DECADE
        end_of_decade = cell - offset + PER_DECADE - 1
        if offset == 0 and end_of_decade <= last:
            out.append(f"{prefix}{e}")
            cell += PER_DECADE
            continue
        digits = 100 + offset
        for size, width in ((100, 1), (10, 2), (1, 3)):
            if digits % size == 0 and cell + size - 1 <= last:
                out.append(f"{prefix}{e}:{str(digits)[:width]}")
                cell += size
                break
    return out


def _bound(value: float | decimal.Decimal | None) -> decimal.Decimal | None:
    """A finite bound as a Decimal; None for none (or a non-finite one: a wider range)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    number = decimal.Decimal(str(value)) if isinstance(value, float) else decimal.Decimal(value)
    return number if number.is_finite() else None


def tokens(key: str, lo: float | decimal.Decimal | None,
           hi: float | decimal.Decimal | None) -> list[str]:
    """The tokens of the numbers of `key` in [lo, hi] (None: unbounded), and maybe a few
    beyond; empty when the range is empty."""
    low, high = _bound(lo), _bound(hi)
    if low is not None and high is not None and low > high:
        return []
    out: list[str] = []
    if (low is None or low <= 0) and (high is None or high >= 0):
        out.append("0")
    if high is None or high > 0:        # positives: magnitudes from max(lo, 0) to hi
        first = _cell(low) - 1 if low is not None and low > 0 else 0
        last = _cell(high) + 1 if high is not None else LAST
        out += _run_tokens("+", max(0, first), min(LAST, last))
    if low is None or low < 0:          # negatives: magnitudes from max(-hi, 0) to -lo
        first = _cell(-high) - 1 if high is not None and high < 0 else 0
        last = _cell(-low) + 1 if low is not None else LAST
        out += _run_tokens("-", max(0, first), min(LAST, last))
    return [f"{key}{SEP}{token}" for token in out]
