"""Two stores in the test database, each with its own `ollygraph ingest` process and the
same attribute promotion: `source` is written by the tests, `replica` by `ollygraph export`."""

from __future__ import annotations

import contextlib
import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ollygraph import migrate
from tests.conftest import drop_schema, new_schema_name
from tests.export import payloads
from tests.ingest import receiver


@dataclasses.dataclass
class Store:
    database_url: str
    schema: str
    ingest: receiver.Ingest


@pytest.fixture(scope="module")
def overrides(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("promotion") / "overrides.yaml"
    path.write_text(payloads.OVERRIDES)
    return path


@contextlib.contextmanager
def running_store(database_url: str, overrides: Path, prefix: str) -> Iterator[Store]:
    schema = new_schema_name(prefix)
    migrate.upgrade(database_url, schema)
    try:
        with receiver.running(database_url, schema, "--attribute-overrides",
                              str(overrides)) as ingest:
            yield Store(database_url, schema, ingest)
    finally:
        drop_schema(database_url, schema)


@pytest.fixture(scope="module")
def source(database_url: str, overrides: Path) -> Iterator[Store]:
    with running_store(database_url, overrides, "src") as store:
        yield store


@pytest.fixture
def replica(database_url: str, overrides: Path) -> Iterator[Store]:
    with running_store(database_url, overrides, "rep") as store:
        yield store


def export(store: Store, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """`ollygraph export` on `store`'s schema, as a process."""
    done = subprocess.run([sys.executable, "-m", "ollygraph", "export", "--database-url",
                           store.database_url, "--schema", store.schema, *args],
                          capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stderr
    return done
