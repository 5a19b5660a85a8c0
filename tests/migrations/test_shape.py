"""The store's declared shape (`ollygraph/store.py`) against the schema the migrations build.

Migrations are frozen SQL that never import the declaration, so this is what keeps the two
in step: every fact table's columns and types in order, its partition key and sequence,
every owner's key and its six attribute tables, and the set of partitioned tables. Each
disagreement is one line of the failure message.
"""

from __future__ import annotations

from collections.abc import Iterable

import psycopg

from ollygraph import store

COLUMNS = """
    SELECT column_name, data_type FROM information_schema.columns
    WHERE table_schema = %(schema)s AND table_name = %(table)s ORDER BY ordinal_position"""
PARTITION_KEY = """
    SELECT pg_get_partkeydef(c.oid) FROM pg_partitioned_table p
    JOIN pg_class c ON c.oid = p.partrelid
    WHERE c.relnamespace = %(ns)s::regnamespace AND c.relname = %(table)s"""
SEQUENCE = """
    SELECT pg_get_serial_sequence(format('%%I.%%I', %(schema)s::text, %(table)s::text),
                                  %(column)s)"""
PARTITIONED = """
    SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
    WHERE c.relnamespace = %(ns)s::regnamespace AND NOT c.relispartition ORDER BY 1"""

FACTS = tuple(table for signal in store.SIGNALS for table in signal.tables)


def _text(columns: Iterable[store.Column]) -> str:
    return ", ".join(f"{c.name} {c.sql_type}" for c in columns) or "(no columns)"


def _compare_columns(what: str, declared: tuple[store.Column, ...],
                     migrated: tuple[store.Column, ...]) -> list[str]:
    if not migrated:
        return [f"{what}: declared, but the migrated schema has no such table"]
    if declared == migrated:
        return []
    out = [f"{what}: columns differ\n      declared {_text(declared)}\n"
           f"      migrated {_text(migrated)}"]
    for i, (d, m) in enumerate(zip(declared, migrated, strict=False), start=1):
        if d != m:
            out.append(f"{what}: column {i} is declared `{d.name} {d.sql_type}`, "
                       f"migrated `{m.name} {m.sql_type}`")
    return out


def differences(conn: psycopg.Connection, schema: str, facts: Iterable[store.Table],
                owners: Iterable[store.Owner], partitioned: Iterable[str]) -> list[str]:
    """Where the declaration (`facts`, `owners`, `partitioned`) and the migrated `schema`
    disagree, one readable line each; [] when they agree."""
    ns = f'"{schema}"'

    def columns(table: str) -> tuple[store.Column, ...]:
        rows = conn.execute(COLUMNS, {"schema": schema, "table": table})
        return tuple(store.Column(name, sql_type) for name, sql_type in rows)

    def partition_key(table: str) -> str | None:
        row = conn.execute(PARTITION_KEY, {"ns": ns, "table": table}).fetchone()
        return row[0] if row else None

    def check_partition(what: str, table: str, declared: str | None) -> list[str]:
        found, want = partition_key(table), f"RANGE ({declared})" if declared else None
        if found == want:
            return []
        return [f"{what}: declared {'partitioned by ' + want if want else 'not partitioned'}, "
                f"migrated {'partitioned by ' + found if found else 'not partitioned'}"]

    out: list[str] = []
    for table in facts:
        migrated = columns(table.name)
        out += _compare_columns(f"fact table {table.name}", table.columns, migrated)
        if not migrated:
            continue
        out += check_partition(f"fact table {table.name}", table.name, table.partition)
        found = conn.execute(SEQUENCE, {"schema": schema, "table": table.name,
                                        "column": table.columns[0].name}).fetchone()[0]
        found = found.split(".", 1)[1].strip('"') if found else None
        if found != table.sequence:
            out.append(f"fact table {table.name}: declared sequence {table.sequence} of "
                       f"{table.columns[0].name}, migrated {found}")
    for owner in owners:
        of_table = {c.name: c for c in columns(owner.table)}
        for column in owner.key:
            found = of_table.get(column.name)
            if found != column:
                now = f"`{found.name} {found.sql_type}`" if found else "missing"
                out.append(f"owner {owner.name}: key column `{column.name} {column.sql_type}` "
                           f"is {now} in {owner.table}")
        for suffix, name in zip(store.SUFFIXES, owner.attribute_tables, strict=True):
            what = f"owner {owner.name}: attribute table {name}"
            migrated = columns(name)
            out += _compare_columns(what, owner.attribute_schema(suffix), migrated)
            if migrated:
                out += check_partition(what, name, owner.partition)
    found = {name for (name,) in conn.execute(PARTITIONED, {"ns": ns})}
    declared = set(partitioned)
    out += [f"partitioned table {t}: declared by store.partitioned_tables(), not migrated"
            for t in sorted(declared - found)]
    out += [f"partitioned table {t}: migrated, missing from store.partitioned_tables()"
            for t in sorted(found - declared)]
    return out


def test_the_declared_shape_is_the_migrated_one(module_schema: str, sql: psycopg.Connection):
    found = differences(sql, module_schema, FACTS, store.OWNERS, store.partitioned_tables())
    assert not found, (
        "ollygraph/store.py and the migrated schema disagree (a change of shape is a change "
        "of store.py plus a new migration):\n  - " + "\n  - ".join(found))


def test_the_partition_functions_know_the_declared_tables(module_schema: str,
                                                          sql: psycopg.Connection):
    sql.execute(f'SET search_path TO "{module_schema}"')
    listed = {name for (name,) in sql.execute("SELECT table_name FROM otel_partitioned_tables()")}
    assert listed == set(store.partitioned_tables())


def test_a_changed_declaration_is_reported_line_by_line(module_schema: str,
                                                        sql: psycopg.Connection):
    spans = store.SPANS._replace(
        columns=(store.SPANS.columns[1], store.SPANS.columns[0], *store.SPANS.columns[2:]),
        partition="end_time_unix_nano", sequence="otel_spans_seq")
    log = store.OWNER["log"]
    wider = log._replace(key=(store.Column("log_pk", "integer"), *log.key[1:]))
    missing = store.Table("otel_nope", (store.Column("x", "bigint"),))
    partitioned = [*store.partitioned_tables()[1:], "otel_nope"]
    found = differences(sql, module_schema, [spans, missing], [wider], partitioned)
    assert "fact table otel_spans_fact: column 1 is declared `start_time_unix_nano bigint`, " \
           "migrated `span_pk bigint`" in found
    assert "fact table otel_spans_fact: declared partitioned by RANGE (end_time_unix_nano), " \
           "migrated partitioned by RANGE (start_time_unix_nano)" in found
    assert "fact table otel_spans_fact: declared sequence otel_spans_seq of " \
           "start_time_unix_nano, migrated None" in found
    assert "fact table otel_nope: declared, but the migrated schema has no such table" in found
    assert "owner log: key column `log_pk integer` is `log_pk bigint` in otel_logs_fact" \
           in found
    assert "owner log: attribute table otel_log_attrs_bytes: column 1 is declared " \
           "`log_pk integer`, migrated `log_pk bigint`" in found
    assert "partitioned table otel_nope: declared by store.partitioned_tables(), " \
           "not migrated" in found
    assert f"partitioned table {store.partitioned_tables()[0]}: migrated, missing from " \
           "store.partitioned_tables()" in found
