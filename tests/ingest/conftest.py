"""Fixtures of the ingest tests."""

from __future__ import annotations

import pytest

from tests.ingest import receiver


@pytest.fixture(scope="module")
def ingest(database_url, module_schema):
    """A running `ollygraph ingest` on the module's schema (a module may override it)."""
    with receiver.running(database_url, module_schema) as proc:
        yield proc
