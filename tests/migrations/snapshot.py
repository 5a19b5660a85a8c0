"""A text snapshot of the schema the migrations build, for the drift test.

It lists tables (partitioned parents and their DEFAULT partitions, not the dated daily
ones), columns, constraints, indexes, views with their columns, functions and
sequences, with the schema name replaced by `{schema}`. The format is stable across
PostgreSQL 15-18. `python -m tests.migrations.snapshot --write` rewrites the committed
file (uses OLLYGRAPH_TEST_DATABASE_URL or an embedded server).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

import psycopg

from ollygraph import migrate

SNAPSHOT = Path(__file__).with_name("schema_snapshot.txt")
_DAILY = re.compile(r"_p\d{8}$")

_QUERIES = {
    "table": """
        SELECT c.relname, CASE c.relkind WHEN 'p' THEN 'partitioned' ELSE 'table' END
               || CASE WHEN c.relispartition
                       THEN ' partition of ' || (SELECT p.relname FROM pg_inherits i
                                                 JOIN pg_class p ON p.oid = i.inhparent
                                                 WHERE i.inhrelid = c.oid) ELSE '' END
        FROM pg_class c WHERE c.relnamespace = %(ns)s::regnamespace AND c.relkind IN ('r', 'p')
        ORDER BY 1""",
    "column": """
        SELECT c.relname || '.' || a.attname,
               format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
               || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
               || CASE WHEN a.attidentity <> '' THEN ' identity' ELSE '' END
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace = %(ns)s::regnamespace AND c.relkind IN ('r', 'p', 'v')
          AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum""",
    "constraint": """
        SELECT c.relname || '.' || k.conname, pg_get_constraintdef(k.oid)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE c.relnamespace = %(ns)s::regnamespace AND NOT c.relispartition
          AND k.contype <> 'n'  -- PostgreSQL 18 lists NOT NULL as constraints too
        ORDER BY 1""",
    "index": """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relnamespace = %(ns)s::regnamespace AND NOT t.relispartition
        ORDER BY 1""",
    "view": """
        SELECT c.relname, 'view' FROM pg_class c
        WHERE c.relnamespace = %(ns)s::regnamespace AND c.relkind = 'v' ORDER BY 1""",
    "function": """
        SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
               pg_get_function_result(p.oid)
        FROM pg_proc p WHERE p.pronamespace = %(ns)s::regnamespace ORDER BY 1, 2""",
    "sequence": """
        SELECT c.relname, 'sequence' FROM pg_class c
        WHERE c.relnamespace = %(ns)s::regnamespace AND c.relkind = 'S' ORDER BY 1""",
}


def snapshot(url: str, schema: str) -> str:
    lines: list[str] = []
    with psycopg.connect(migrate.libpq_url(url), autocommit=True) as conn:
        for kind, query in _QUERIES.items():
            for name, detail in conn.execute(query, {"ns": f'"{schema}"'}):
                if _DAILY.search(name.split(".")[0]):
                    continue
                text = f"{kind} {name}: {detail}".replace(f'"{schema}".', "{schema}.")
                lines.append(text.replace(f"{schema}.", "{schema}."))
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="rewrite the committed snapshot")
    args = parser.parse_args()
    schema = "snapshot_build"
    url = os.environ.get("OLLYGRAPH_TEST_DATABASE_URL")
    server = None
    if not url:
        from ollygraph.embedded import EmbeddedPostgres

        server = EmbeddedPostgres(Path(tempfile.mkdtemp()))
        url = server.start()
    try:
        with psycopg.connect(migrate.libpq_url(url), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        migrate.upgrade(url, schema)
        text = snapshot(url, schema)
        with psycopg.connect(migrate.libpq_url(url), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        if server:
            server.stop()
    if args.write:
        SNAPSHOT.write_text(text)
        print(f"wrote {SNAPSHOT} ({text.count(chr(10))} lines)")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
