"""Real ingest and gateway processes (tests.gateway.conftest's `stack`) holding the
telemetry of `ollygraph demo`."""

from __future__ import annotations

import pytest

from ollygraph import demo, settings
from tests.gateway.conftest import Stack, stack  # noqa: F401  (the module-scoped fixture)


@pytest.fixture(scope="module")
def gateway_executor() -> str:
    """The gateway's default executor: both are compared in tests/gateway."""
    return "direct"

ITERATIONS = 6            # 6 requests (one fails), 3 agent workflows


@pytest.fixture(scope="module")
def demo_stack(stack: Stack) -> Stack:  # noqa: F811
    demo.run(settings.load({}), endpoint=stack.otlp, iterations=ITERATIONS)
    return stack
