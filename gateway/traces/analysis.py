"""Per-trace analysis over the span rows a trace fetch loads: the span tree, self times,
the critical path, per-service totals, the subtree rollups (errors, gen_ai usage).

Pure Python over rows (mappings with the columns of `span_columns`), no SQL. Each part is
computed when first asked for, in one pass over the tree (sorting children once:
O(n log n)); an `Analysis` is cached per trace for the request by the trace loaders.

The critical path follows Jaeger's algorithm (jaeger-ui `CriticalPath`): for each root
span, children are first clipped to their parent (a child that starts at or after its
parent's end, or ends at or before its start, is dropped with its subtree; one that starts
before or ends after its parent is cut to it). Then from the root's end the walk steps
back: a span's last-finishing child (the one ending last before the current cut) is on
the path, the span's own time after that child's end is a segment, and the walk goes
down into the child; a span with no such child contributes its time from its start to
the cut, and the walk returns to its parent with the span's start as the new cut.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")
ERROR = 2  # status_code_id of STATUS_CODE_ERROR


@dataclasses.dataclass(frozen=True)
class Segment:
    """A time slice [start, end) of span `span_id` on the critical path (Unix ns)."""

    span_id: bytes
    start: int
    end: int


@dataclasses.dataclass(frozen=True)
class ServiceTotals:
    service: str | None
    span_count: int
    error_count: int
    self_time_ns: int
    critical_path_ns: int


@dataclasses.dataclass(frozen=True)
class Usage:
    """gen_ai usage summed over spans: token counts (a span's total is its total_tokens,
    else input + output), cost (None when no span carries one), and the spans counted
    (those with a token count or a cost)."""

    span_count: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    cost: float | None = None

    def __add__(self, other: Usage) -> Usage:
        cost = (None if self.cost is None and other.cost is None
                else (self.cost or 0.0) + (other.cost or 0.0))
        return Usage(self.span_count + other.span_count, self.input_tokens + other.input_tokens,
                     self.output_tokens + other.output_tokens,
                     self.total_tokens + other.total_tokens, cost)


NO_USAGE = Usage()


class Analysis(Generic[T]):
    """The analysis of one trace's spans `items` (objects whose `row(item)` is a span row),
    ordered by start time as the trace fetch returns them."""

    def __init__(self, items: Sequence[T], row: Callable[[T], Mapping[str, Any]]) -> None:
        self.items: dict[bytes, T] = {}
        self.rows: dict[bytes, Mapping[str, Any]] = {}
        for item in items:
            r = row(item)
            self.items.setdefault(r["span_id"], item)
            self.rows.setdefault(r["span_id"], r)
        self.children: dict[bytes, list[bytes]] = {}
        self.roots: list[bytes] = []  # spans without a parent in the trace, in start order
        for span_id, r in self.rows.items():
            parent = r["parent_span_id"]
            if parent is None or parent == span_id or parent not in self.rows:
                self.roots.append(span_id)
            else:
                self.children.setdefault(parent, []).append(span_id)

    # -- the tree ---------------------------------------------------------------------

    @functools.cached_property
    def root_set(self) -> frozenset[bytes]:
        return frozenset(self.roots)

    @functools.cached_property
    def order(self) -> list[bytes]:
        """Span ids in depth-first pre-order from the roots (parents before children);
        spans only reachable through a parent cycle are left out."""
        out: list[bytes] = []
        stack = list(reversed(self.roots))
        seen: set[bytes] = set()
        while stack:
            span_id = stack.pop()
            if span_id in seen:
                continue
            seen.add(span_id)
            out.append(span_id)
            stack.extend(reversed(self.children.get(span_id, ())))
        return out

    def _subtree_sums(self, own: Callable[[bytes], Any], zero: Any) -> dict[bytes, Any]:
        """span id -> own(span) summed over its subtree (post-order over `order`)."""
        sums = {span_id: own(span_id) for span_id in self.rows}
        for span_id in reversed(self.order):
            parent = self.rows[span_id]["parent_span_id"]
            if parent in sums and parent != span_id and span_id not in self.root_set:
                sums[parent] = sums[parent] + sums[span_id]
        return sums

    # -- self time --------------------------------------------------------------------

    @functools.cached_property
    def self_time_ns(self) -> dict[bytes, int]:
        """span id -> its duration minus the union of its children's intervals, each
        clipped to the span (children are in start order, so the union is one sweep)."""
        out: dict[bytes, int] = {}
        for span_id, r in self.rows.items():
            start, end = r["start_time_unix_nano"], r["end_time_unix_nano"]
            covered, reach = 0, start
            for child_id in self.children.get(span_id, ()):
                c = self.rows[child_id]
                lo = max(c["start_time_unix_nano"], reach)
                hi = min(c["end_time_unix_nano"], end)
                if hi > lo:
                    covered += hi - lo
                    reach = hi
            out[span_id] = max(0, end - start - covered)
        return out

    # -- critical path ----------------------------------------------------------------

    @functools.cached_property
    def critical_path(self) -> list[Segment]:
        """The segments of every root's tree (roots in start order), oldest first."""
        segments: list[Segment] = []
        for root in self.roots:
            segments.extend(reversed(self._walk(root)))
        return segments

    @functools.cached_property
    def on_critical_path(self) -> frozenset[bytes]:
        return frozenset(segment.span_id for segment in self.critical_path)

    def _clipped(self, root: bytes) -> tuple[dict[bytes, tuple[int, int]], dict[bytes, list]]:
        """Jaeger's sanitizing of the root's tree: span id -> (start, end) clipped to the
        parent, and span id -> its kept children sorted by end descending (ties: the
        earlier-starting first)."""
        r = self.rows[root]
        spans = {root: (r["start_time_unix_nano"], r["end_time_unix_nano"])}
        kept: dict[bytes, list[bytes]] = {}
        stack, seen = [root], {root}
        while stack:
            parent = stack.pop()
            p_start, p_end = spans[parent]
            for child_id in self.children.get(parent, ()):
                if child_id in seen:
                    continue
                seen.add(child_id)
                c = self.rows[child_id]
                start, end = c["start_time_unix_nano"], c["end_time_unix_nano"]
                if start >= p_end or (start < p_start and end <= p_start):
                    continue  # outside the parent: dropped with its subtree
                spans[child_id] = (max(start, p_start), min(end, p_end))
                kept.setdefault(parent, []).append(child_id)
                stack.append(child_id)
        ordered = {parent: [i for _, _, i in sorted((-spans[i][1], n, i)
                                                    for n, i in enumerate(ids))]
                   for parent, ids in kept.items()}
        return spans, ordered

    def _walk(self, root: bytes) -> list[Segment]:
        """The root tree's segments, newest first (the order the walk finds them)."""
        spans, children = self._clipped(root)
        parent_of = {child: parent for parent, ids in children.items() for child in ids}
        cursor: dict[bytes, int] = {}  # per span: its children before this index ended too late
        out: list[Segment] = []
        current, cut = root, None
        while True:
            start, end = spans[current]
            section_end = end if cut is None else cut
            kids = children.get(current, [])
            i = cursor.get(current, 0)
            if cut is not None:  # cuts at a span only move back: skip the children ending after
                while i < len(kids) and spans[kids[i]][1] >= cut:
                    i += 1
                cursor[current] = i
            if i < len(kids):
                child = kids[i]
                cursor[current] = i + 1
                if spans[child][1] != section_end:
                    out.append(Segment(current, spans[child][1], section_end))
                current, cut = child, None
                continue
            if start != section_end:
                out.append(Segment(current, start, section_end))
            if current == root:
                return out
            current, cut = parent_of[current], start

    # -- rollups ----------------------------------------------------------------------

    @functools.cached_property
    def subtree_error_count(self) -> dict[bytes, int]:
        """span id -> the spans with status ERROR in its subtree, itself included."""
        return self._subtree_sums(lambda i: int(self.rows[i]["status_code_id"] == ERROR), 0)

    def subtree_usage(self, usage: Mapping[bytes, Usage]) -> dict[bytes, Usage]:
        """span id -> the gen_ai usage of its subtree, from each span's own `usage`."""
        return self._subtree_sums(lambda i: usage.get(i, NO_USAGE), NO_USAGE)

    @staticmethod
    def total_usage(usage: Iterable[Usage]) -> Usage:
        return sum(usage, NO_USAGE)

    @functools.cached_property
    def services(self) -> list[ServiceTotals]:
        """Per service: spans, errors, self time and time on the critical path; the most
        self time first (then by name)."""
        totals: dict[str | None, list[int]] = {}
        for span_id, r in self.rows.items():
            t = totals.setdefault(r["service_name"], [0, 0, 0, 0])
            t[0] += 1
            t[1] += r["status_code_id"] == ERROR
            t[2] += self.self_time_ns[span_id]
        for segment in self.critical_path:
            totals[self.rows[segment.span_id]["service_name"]][3] += segment.end - segment.start
        ordered = sorted(totals.items(), key=lambda kv: (-kv[1][2], kv[0] is None, kv[0] or ""))
        return [ServiceTotals(name, *t) for name, t in ordered]


# -- comparing two traces -------------------------------------------------------------

Step = tuple[str | None, str]  # (service, span name)


@dataclasses.dataclass(frozen=True)
class DiffNode:
    """The spans at one service+name path (root first) in trace a and in trace b: how
    many, and their summed durations (ns)."""

    path: tuple[Step, ...]
    count_a: int
    count_b: int
    duration_a_ns: int
    duration_b_ns: int


def _paths(analysis: Analysis) -> dict[tuple[Step, ...], list[int]]:
    """path -> [spans, summed duration, earliest start offset from the trace's start]."""
    rows = analysis.rows
    if not rows:
        return {}
    t0 = min(r["start_time_unix_nano"] for r in rows.values())
    path_of: dict[bytes, tuple[Step, ...]] = {}
    out: dict[tuple[Step, ...], list[int]] = {}
    for span_id in analysis.order:
        r = rows[span_id]
        parent = r["parent_span_id"]
        above = path_of.get(parent, ()) if span_id not in analysis.root_set else ()
        path = path_of[span_id] = (*above, (r["service_name"], r["name"]))
        offset = r["start_time_unix_nano"] - t0
        found = out.get(path)
        if found is None:
            out[path] = [1, r["end_time_unix_nano"] - r["start_time_unix_nano"], offset]
        else:
            found[0] += 1
            found[1] += r["end_time_unix_nano"] - r["start_time_unix_nano"]
            found[2] = min(found[2], offset)
    return out


def compare(a: Analysis, b: Analysis) -> list[DiffNode]:
    """The union of both traces' path trees, depth first; siblings ordered by their
    earliest start (offset from their trace's start), then by service and name."""
    pa, pb = _paths(a), _paths(b)
    below: dict[tuple[Step, ...], list[tuple[Step, ...]]] = {}
    for path in pa.keys() | pb.keys():
        below.setdefault(path[:-1], []).append(path)

    def first(path: tuple[Step, ...]) -> tuple[int, bool, str, str]:
        offset = min(p[path][2] for p in (pa, pb) if path in p)
        service, name = path[-1]
        return offset, service is None, service or "", name

    out: list[DiffNode] = []
    stack = sorted(below.get((), []), key=first, reverse=True)
    while stack:
        path = stack.pop()
        ca, cb = pa.get(path, [0, 0, 0]), pb.get(path, [0, 0, 0])
        out.append(DiffNode(path, ca[0], cb[0], ca[1], cb[1]))
        stack.extend(sorted(below.get(path, []), key=first, reverse=True))
    return out
