"""Alembic, driven from Python: upgrade, downgrade, current revision, head check.

Alembic (and SQLAlchemy under it) takes a second or more to import, so it is imported
only to change the schema: `head()` reads the revision ids from the version files
directly, and `up` and the services' start-up check (`check_at_head`) compare it with the
database's without loading Alembic at all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

import migrations

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = Path(migrations.__file__).parent
# `revision = "0004"` and `down_revision = "0003"` (or None, or a tuple) in a version file
_REVISION = re.compile(r'^(down_)?revision\s*(?::[^=]*)?=\s*(.*)$', re.MULTILINE)


class NotAtHead(RuntimeError):
    """The database is not at the head revision; str() says what to do."""


def sqlalchemy_url(url: str) -> str:
    """postgresql://... -> postgresql+psycopg://... (the driver Alembic runs on)."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


def libpq_url(url: str) -> str:
    """Any accepted URL form -> a plain libpq/asyncpg URL."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url)


def config(url: str, schema: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    cfg.attributes["database_url"] = url
    cfg.attributes["schema"] = schema
    return cfg


def revisions() -> dict[str, set[str]]:
    """Each revision of migrations/versions with the revisions it follows, read from the
    files' `revision` and `down_revision` assignments (as Alembic reads them)."""
    graph: dict[str, set[str]] = {}
    for path in sorted((SCRIPT_LOCATION / "versions").glob("*.py")):
        found = {bool(down): value for down, value in _REVISION.findall(path.read_text())}
        if False in found:
            graph[_ids(found[False]).pop()] = _ids(found.get(True, "None"))
    return graph


def _ids(value: str) -> set[str]:
    return set(re.findall(r"""["']([^"']+)["']""", value))


def head() -> str:
    graph = revisions()
    heads = sorted(set(graph) - set().union(*graph.values()))
    assert len(heads) == 1, f"migrations have several heads: {heads}"
    return heads[0]


def known_revisions() -> set[str]:
    return set(revisions())


def upgrade(url: str, schema: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(config(url, schema), revision)


def upgrade_if_behind(url: str, schema: str) -> bool:
    """Upgrade to head unless the database is there already (without loading Alembic);
    whether it upgraded."""
    if current(url, schema) == head():
        return False
    upgrade(url, schema)
    return True


def downgrade(url: str, schema: str, revision: str) -> None:
    from alembic import command

    command.downgrade(config(url, schema), revision)


def current(url: str, schema: str) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        table = conn.execute("SELECT to_regclass(%s)", (f'"{schema}".alembic_version',)).fetchone()
        if table is None or table[0] is None:
            return None
        row = conn.execute(f'SELECT version_num FROM "{schema}".alembic_version').fetchone()
        return row[0] if row else None


def check_at_head(url: str, schema: str) -> None:
    """Raise NotAtHead unless the database is at the head revision (seed 001 fail-fast)."""
    at, want = current(url, schema), head()
    if at != want:
        where = f"at revision {at}" if at else "not migrated"
        raise NotAtHead(
            f'the database schema "{schema}" is {where}, but this ollygraph needs revision '
            f"{want}; run `ollygraph migrate` first"
        )


def park_foreign_version_table(connection, schema: str) -> None:  # type: ignore[no-untyped-def]
    """Rename a version table left by another Alembic history (e.g. seed 001's baseline)
    to `legacy_alembic_version`, so our history starts from base beside it."""
    from sqlalchemy import text

    exists = connection.execute(
        text("SELECT to_regclass(:name)"), {"name": f'"{schema}".alembic_version'}
    ).scalar()
    if exists is None:
        connection.commit()
        return
    versions = {
        row[0]
        for row in connection.execute(text(f'SELECT version_num FROM "{schema}".alembic_version'))
    }
    if versions and not versions & known_revisions():
        connection.execute(
            text(f'ALTER TABLE "{schema}".alembic_version RENAME TO legacy_alembic_version')
        )
    connection.commit()
