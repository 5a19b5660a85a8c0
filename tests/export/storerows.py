"""A store's content as comparable rows, read with SQL: every fact and dimension row and
every attribute row, with surrogate keys (span_pk, log_pk, point_pk, resource_id, scope_id,
metric_id, key_id) replaced by what they stand for, so two stores that hold the same data
compare equal whatever keys their ingest drew."""

from __future__ import annotations

from typing import Any

import psycopg

from ollygraph import store

# columns that are no content: surrogate keys, bookkeeping, and the retry identities
# (content_hash hashes the record as sent, attributes in their order)
SKIP = frozenset({"span_pk", "log_pk", "point_pk", "content_hash", "first_seen", "last_seen"})
DIMENSIONS = {"resource_id": ("otel_resources_dim", "resource_hash"),
              "scope_id": ("otel_scopes_dim", "scope_hash"),
              "metric_id": ("otel_metrics_dim", "metric_hash")}


def _rows(conn: psycopg.Connection, table: str) -> tuple[list[str], list[tuple]]:
    cur = conn.execute(f"SELECT * FROM {table}")
    return [d.name for d in cur.description], cur.fetchall()


def content(conn: psycopg.Connection, schema: str) -> dict[str, list[str]]:
    """{table: sorted row texts} of every table with data in the store's shape."""
    conn.execute(f'SET search_path TO "{schema}"')
    out: dict[str, list[str]] = {}
    natural: dict[str, dict[tuple, Any]] = {}  # table -> owner key of a row -> its identity
    hashes = {}
    for column, (table, hash_column) in DIMENSIONS.items():
        hashes[column] = dict(conn.execute(f"SELECT {column}, {hash_column} FROM {table}"))
    keys = dict(conn.execute("SELECT key_id, key FROM attribute_keys"))
    for table, _ in DIMENSIONS.values():
        names, rows = _rows(conn, table)
        out[table] = sorted(repr({n: v for n, v in zip(names, r, strict=True)
                                  if n not in SKIP and n not in DIMENSIONS}) for r in rows)
    for column, (table, _) in DIMENSIONS.items():
        natural[table] = {(i,): h for i, h in hashes[column].items()}
    for signal in store.SIGNALS:
        for table in signal.tables:
            names, rows = _rows(conn, table.name)
            texts, ids = [], {}
            for r in rows:
                row = dict(zip(names, r, strict=True))
                identity = {n: (hashes[n].get(v) if n in DIMENSIONS else v)
                            for n, v in row.items() if n not in SKIP}
                if table.parent:  # events and links: their span's identity
                    identity["span"] = natural[table.parent][(row["span_pk"],
                                                              row["start_time_unix_nano"])]
                text = repr(sorted(identity.items()))
                texts.append(text)
                for owner in store.owner_of(table.name):
                    ids[tuple(row[c] for c in owner.key_names)] = text
            out[table.name] = sorted(texts)
            natural[table.name] = ids
    for owner in store.OWNERS:
        by_key = natural[owner.table]
        for suffix, name in zip(store.SUFFIXES, owner.attribute_tables, strict=True):
            names, rows = _rows(conn, name)
            texts = []
            for r in rows:
                row = dict(zip(names, r, strict=True))
                who = by_key[tuple(row[c] for c in owner.key_names)]
                what = row["attributes"] if suffix == store.OTHER else (keys[row["key_id"]],
                                                                         row["value"])
                texts.append(repr((who, what)))
            out[name] = sorted(texts)
    return out
