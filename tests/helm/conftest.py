"""Fixtures: the chart loaded once per run, and `render(values, **options)`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import helm_python
import pytest

from tests.helm.render import CHART_DIR, Manifests, render_chart


@pytest.fixture(scope="session")
def chart() -> Iterator[helm_python.Chart]:
    with helm_python.Chart.load(CHART_DIR) as loaded:
        yield loaded


@pytest.fixture(scope="session")
def render(chart: helm_python.Chart):
    def _render(values: dict[str, Any] | None = None, **options: Any) -> Manifests:
        return render_chart(chart, values, **options)

    return _render
