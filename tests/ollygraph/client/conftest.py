"""The real stack for client tests: `ollygraph ingest` and `ollygraph gateway` processes on
a migrated schema (tests.gateway.conftest's `stack`), and a Client of that gateway."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ollygraph.client import Client
from tests.gateway.conftest import Stack, stack  # noqa: F401  (the module-scoped fixture)


@pytest.fixture(scope="module")
def gateway_executor() -> str:
    """The gateway's default executor: both are compared in tests/gateway."""
    return "direct"


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[Client]:  # noqa: F811
    with Client(stack.url + "/graphql") as c:
        yield c
