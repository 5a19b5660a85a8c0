"""Structural filter benchmark: prints figures, asserts nothing.

    .venv/bin/python -m bench.structure [--database-url postgresql://...] [--spans 1000000]
        [--iterations 50] [--keep-schema NAME [--reuse]] [--only TEXT]

Loads --spans spans with the gateway benchmark's generator (bench.gateway: traces of 10
spans, a SERVER root `op-0` over nine CLIENT children `op-1`..`op-9`, 10 services; on
every span a promoted http.status_code (20% 500), a JSONB tenant.id (0.1% each of 1,000)
and a JSONB custom.weight uniform in [0, 1)) into a fresh schema, then measures over HTTP
against an `ollygraph gateway` process the searches of CASES: spans and traces with a
`hasDescendant` (or another relative) that has an attribute condition, from sending the
request to the last byte of the response; p50 and p95 of --iterations runs after 3 warm-up
runs, with the number of results. Without --database-url it runs an embedded PostgreSQL
in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from typing import Any

import httpx

from bench import gateway as bench

SPANS = """query ($f: SpanFilter) { spans(filter: $f, first: 20) { nodes { spanId } } }"""
TRACES = """query ($f: TraceFilter) { traces(filter: $f, first: 20) { nodes { traceId } } }"""
TENANT = {"attributes": [{"key": "tenant.id", "value": "tenant-42"}]}       # 0.1% of spans
ERROR = {"attributes": [{"key": "http.status_code", "value": 500}]}         # 20% of spans
HEAVY = {"attributes": [{"key": "custom.weight", "op": "GT", "value": 0.99}]}  # 1% of spans
# (name, query, filter); the first is the design target (p95 < 100 ms at 1M spans)
CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("spans: SERVER root with a descendant of tenant-42 (0.1% of spans)", SPANS,
     {"kind": "SERVER", "hasDescendant": TENANT}),
    ("spans: SERVER root with a descendant with status 500 (20%)", SPANS,
     {"kind": "SERVER", "hasDescendant": ERROR}),
    ("spans: op-0 with a descendant of weight > 0.99 (JSONB range, 1%)", SPANS,
     {"name": "op-0", "hasDescendant": HEAVY}),
    ("spans: CLIENT under a parent of tenant-42", SPANS,
     {"kind": "CLIENT", "hasParent": TENANT}),
    ("spans: CLIENT with an ancestor of tenant-42, not status 500", SPANS,
     {"kind": "CLIENT", "hasAncestor": TENANT, "not": ERROR}),
    ("traces: a span with a descendant of tenant-42", TRACES,
     {"spans": [{"hasDescendant": TENANT}]}),
    ("traces: two different spans with status 500, none of tenant-42", TRACES,
     {"spans": [ERROR, ERROR], "notSpans": [TENANT]}),
]


async def measure(base: str, n: int, only: str | None) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        for i, (name, query, flt) in enumerate(CASES):
            if not bench.chosen(name, only):
                continue
            await bench.timed(client, query, {"f": flt}, 3)
            samples, statements = await bench.timed(client, query, {"f": flt}, n)
            data = (await client.post("/graphql", json={"query": query, "variables": {
                "f": flt}})).json()["data"]
            found = len(next(iter(data.values()))["nodes"])
            print(f"{name}: p50 {bench.pct(samples, 50):.1f} ms, "
                  f"p95 {bench.pct(samples, 95):.1f} ms ({statements} SQL statements, "
                  f"{found} of first 20)" + ("  [target p95 < 100]" if i == 0 else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("OLLYGRAPH_DATABASE_URL"))
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--only", default=None,
                        help="measure only the cases whose name contains this text")
    parser.add_argument("--keep-schema", default=None,
                        help="load into this schema and keep it (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep-schema: measure the spans already loaded there")
    args = parser.parse_args(argv)
    from ollygraph import migrate, settings
    from tests.conftest import drop_schema, new_schema_name

    with contextlib.ExitStack() as stack:
        url = bench.database(stack, args.database_url)
        schema = args.keep_schema or new_schema_name("bench")
        if args.reuse and not args.keep_schema:
            parser.error("--reuse needs --keep-schema")
        if args.reuse and bench.loaded_spans(url, schema) >= args.spans:
            print(f"reusing the spans loaded in schema {schema}")
        else:
            migrate.upgrade(url, schema)
            if not args.keep_schema:
                stack.callback(drop_schema, url, schema)
            cfg = settings.load(environ={}).replace(database_url=url, schema=schema)
            asyncio.run(bench.load(cfg, args.spans))
            with bench.psycopg_analyze(url, schema):
                pass
        with bench.gateway_process(url, schema) as base:
            asyncio.run(measure(base, args.iterations, args.only))
    return 0


if __name__ == "__main__":
    sys.exit(main())
