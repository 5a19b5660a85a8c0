"""What a subscriber has seen, and its resumable cursor.

Surrogate keys are handed out by a sequence before their transaction commits, and
transactions commit in any order: "every key up to N" is no position in commit order. A
subscriber's position is therefore a watermark plus ranges: every key up to `watermark`
that will ever commit has been seen (the watermark only moves to a key the sequence had
handed out long enough ago, gateway.live.hub), and so have the keys of `ranges` above it.
A cursor is that position of one signal's keys, opaque to clients.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable

import orjson

from gateway import errors

Run = tuple[int, int]  # inclusive range of keys


class Seen:
    """Watermark plus ascending, disjoint, non-adjacent runs (some may lie below it: a
    late commit seen after the watermark passed its key)."""

    def __init__(self, watermark: int = 0, runs: Iterable[Run] = ()) -> None:
        self.watermark = watermark
        self.runs: list[Run] = []
        self.add(runs)

    def copy(self) -> Seen:
        return Seen(self.watermark, self.runs)

    def add(self, runs: Iterable[Run]) -> None:
        merged = sorted([*self.runs, *runs])
        out: list[Run] = []
        for lo, hi in merged:
            if out and lo <= out[-1][1] + 1:
                out[-1] = (out[-1][0], max(out[-1][1], hi))
            else:
                out.append((lo, hi))
        self.runs = out

    def contains(self, key: int) -> bool:
        """Whether `key` was seen in a run (the watermark alone does not say: a key below
        it may still commit late and be new)."""
        for lo, hi in self.runs:
            if lo <= key <= hi:
                return True
            if lo > key:
                return False
        return False

    def unseen(self, runs: Iterable[Run]) -> list[Run]:
        """The parts of `runs` not in this set's runs."""
        out: list[Run] = []
        for lo, hi in runs:
            for slo, shi in self.runs:
                if shi < lo or slo > hi:
                    continue
                if slo > lo:
                    out.append((lo, slo - 1))
                lo = shi + 1
                if lo > hi:
                    break
            if lo <= hi:
                out.append((lo, hi))
        return out

    def settle(self, watermark: int) -> None:
        """Move the watermark up to `watermark` and forget the runs below it."""
        if watermark > self.watermark:
            self.watermark = watermark
            self.runs = [(lo, hi) for lo, hi in self.runs if hi > watermark]


def encode(kind: str, seen: Seen) -> str:
    body = orjson.dumps(
        {"k": kind, "w": seen.watermark, "r": [r for r in seen.runs if r[1] > seen.watermark]}
    )
    return base64.urlsafe_b64encode(body).decode().rstrip("=")


def decode(kind: str, cursor: str) -> Seen:
    """The position of `cursor`; UserError when it is not a cursor of `kind`'s keys."""
    try:
        body = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if body["k"] != kind:
            raise ValueError
        watermark = int(body["w"])
        runs = [(int(lo), int(hi)) for lo, hi in body["r"]]
        if watermark < 0 or any(lo > hi for lo, hi in runs):
            raise ValueError
    except (ValueError, TypeError, KeyError, binascii.Error, orjson.JSONDecodeError):
        raise errors.UserError("`after` is not a cursor of this subscription") from None
    return Seen(watermark, runs)
