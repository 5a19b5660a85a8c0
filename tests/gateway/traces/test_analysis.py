"""The trace analysis over rows (no database): Jaeger's critical path, self times, the
rollups and the tree diff, on the hand-built trace of hand_trace."""

from __future__ import annotations

from typing import Any

from gateway.traces import analysis
from tests.gateway.traces import hand_trace

MS = 1_000_000


def rows(specs: list[hand_trace.Spec]) -> list[dict[str, Any]]:
    out = [{"span_id": s.key.encode(), "parent_span_id": s.parent.encode() if s.parent else None,
            "service_name": s.service, "name": s.name, "start_time_unix_nano": s.start_ms * MS,
            "end_time_unix_nano": s.end_ms * MS, "status_code_id": 2 if s.error else 0}
           for s in specs]
    return sorted(out, key=lambda r: r["start_time_unix_nano"])


def analyse(specs: list[hand_trace.Spec]) -> analysis.Analysis:
    return analysis.Analysis(rows(specs), lambda r: r)


def test_critical_path_and_self_times() -> None:
    a = analyse(hand_trace.TRACE)
    assert [(s.span_id.decode(), s.start // MS, s.end // MS)
            for s in a.critical_path] == hand_trace.CRITICAL_PATH
    assert {k.decode(): v / MS for k, v in a.self_time_ns.items()} == hand_trace.SELF_TIME_MS
    assert sorted(k.decode() for k in a.on_critical_path) == ["B", "B2", "C", "C1", "D", "R"]


def test_service_totals_and_errors() -> None:
    a = analyse(hand_trace.TRACE)
    assert [(s.service, s.span_count, s.error_count, s.self_time_ns / MS, s.critical_path_ns / MS)
            for s in a.services] == [("frontend", 4, 0, 70, 45), ("backend", 4, 1, 55, 45),
                                     ("worker", 1, 0, 35, 10)]
    assert {k.decode(): v for k, v in a.subtree_error_count.items() if v} == {
        "R": 1, "B": 1, "B1": 1}


def test_usage_sums_over_subtrees() -> None:
    a = analyse(hand_trace.TRACE)
    own = {b"B2": analysis.Usage(1, 100, 20, 120, 0.5), b"C1": analysis.Usage(1, 7, 3, 12, 0.25)}
    sums = a.subtree_usage(own)
    assert sums[b"R"] == analysis.Usage(2, 107, 23, 132, 0.75)
    assert sums[b"B"] == own[b"B2"] and sums[b"C"] == own[b"C1"]
    assert sums[b"A"] == analysis.Usage() and sums[b"A"].cost is None


def test_a_flat_trace_walks_back_through_sequential_children() -> None:
    specs = [hand_trace.Spec("R", None, "s", "root", 0, 1000)] + [
        hand_trace.Spec(f"c{i}", "R", "s", "step", 10 * i + 1, 10 * i + 9) for i in range(100)]
    path = analyse(specs).critical_path
    assert len(path) == 201 and sum(s.end - s.start for s in path) == 1000 * MS
    assert (path[0].span_id, path[-1].span_id) == (b"R", b"R")


def test_parent_cycles_and_orphans_do_not_hang() -> None:
    specs = [hand_trace.Spec("X", "Y", "s", "x", 0, 10), hand_trace.Spec("Y", "X", "s", "y", 1, 5),
             hand_trace.Spec("O", "missing", "s", "orphan", 2, 4)]
    a = analyse(specs)
    assert [s.span_id for s in a.critical_path] == [b"O"]
    assert a.self_time_ns[b"X"] == 6 * MS and a.subtree_error_count[b"O"] == 0


def test_compare_matches_by_service_and_name_path() -> None:
    nodes = analysis.compare(analyse(hand_trace.TRACE), analyse(hand_trace.OTHER))
    got = [("/".join(name for _, name in n.path), n.count_a, n.count_b,
            n.duration_a_ns // MS, n.duration_b_ns // MS) for n in nodes]
    assert got == [
        ("GET /checkout", 1, 1, 100, 120),
        ("GET /checkout/warmup", 1, 0, 10, 0),
        ("GET /checkout/auth", 1, 1, 30, 40),
        ("GET /checkout/orders", 1, 1, 40, 60),
        ("GET /checkout/orders/SELECT orders", 1, 2, 15, 30),
        ("GET /checkout/orders/chat", 1, 0, 15, 0),
        ("GET /checkout/notify", 1, 0, 50, 0),
        ("GET /checkout/notify/send email", 1, 0, 35, 0),
        ("GET /checkout/audit", 1, 0, 10, 0),
        ("GET /checkout/cache get", 0, 1, 0, 3),
    ]
