"""The service graph's edges (sql/service_graph.sql): resolved by the span writers, rolled
up per minute by the span rollup job (ollygraph.span_rollups), read by serviceGraph
(gateway/stats/graph.py).

An edge joins the span a call comes from (the caller: a parent span, or a span another
links to) and the span that serves it (the callee: the child, or the span with the link)
when their services differ; its kind says how (`KINDS`), its start and duration are the
callee's, and it failed when the callee span, or the caller's CLIENT or PRODUCER span,
has status ERROR. Each such pair gives exactly one edge, in whatever order and batches the
two spans arrive: `resolve(conn, spans, links, service_names)`, in the writer's
transaction, writes the edges whose two spans are stored, and records the spans that
still wait for the other; `sweep(conn)`, run by the rollup job, writes the edges of waits
that two writers running at the same time left behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ollygraph.sql import QUERIES

# edge kind id -> name (the service_edge_kinds table)
KINDS = {1: "CLIENT_SERVER", 2: "PRODUCER_CONSUMER", 3: "PARENT_CHILD", 4: "LINK"}
SWEEP_SECONDS = 600  # waits written this recently are checked by the job


def _insert(resolved: str) -> str:
    return (QUERIES.insert_edges.replace("@kind@", QUERIES.edge_kind)
            .replace("@error@", QUERIES.edge_error).replace("@resolved@", resolved))


RESOLVE = QUERIES.resolve_edges.replace("@insert_edges@", _insert(QUERIES.resolve_woken))
SWEEP = QUERIES.sweep_waits.replace("@insert_edges@", _insert("woken"))


def _rows(edges: str) -> str:
    bucket = QUERIES.red_bucket.replace("@d@", "e.duration_ns")
    return QUERIES.edge_rows.replace("@bucket@", bucket).replace("@edges@", edges)


EDGE_ROWS = _rows("@edges@")  # the gateway fills in its own edges
ROLL_BETWEEN = QUERIES.insert_edge_rollups + "\n" + _rows(QUERIES.edges_between)
ROLL_MINUTES = QUERIES.insert_edge_rollups + "\n" + _rows(QUERIES.edges_of_minutes)


async def resolve(conn: Any, spans: list[tuple], links: list[tuple],
                  service_names: Mapping[int, str | None]) -> set[int]:
    """Write the edges of a batch's stored span rows (store.SPANS columns) and link rows
    (store.LINKS columns); returns the minutes edges were written to.

    A parent or linked span of the same batch and the same service makes no edge and
    leaves nothing to wait for: such pairs (most of them) are left out here, and the
    statement only looks for the others."""
    services = [service_names.get(row[12]) for row in spans]
    service_of = {(row[3], row[4]): s for row, s in zip(spans, services, strict=True)}
    missing = object()

    def elsewhere(trace_id: bytes, span_id: bytes | None, service: str | None) -> bool:
        return span_id is not None and service_of.get((trace_id, span_id), missing) != service

    columns = [[row[i] for row in spans] for i in (0, 1, 2, 3, 4)]
    parents = [row[5] if elsewhere(row[3], row[5], s) else None
               for row, s in zip(spans, services, strict=True)]
    by_pk = {row[0]: s for row, s in zip(spans, services, strict=True)}
    links = [r for r in links if elsewhere(r[3], r[4], by_pk.get(r[0]))]
    rows = await conn.fetch(RESOLVE, *columns, parents, [row[9] for row in spans],
                            [row[10] for row in spans], services, [r[0] for r in links],
                            [r[3] for r in links], [r[4] for r in links])
    return {r[0] for r in rows}


async def sweep(conn: Any) -> set[int]:
    """Write the edges of the recent waits whose span is stored by now; returns the minutes
    edges were written to (for the caller to mark, in the same transaction)."""
    return {r[0] for r in await conn.fetch(SWEEP, SWEEP_SECONDS)}
