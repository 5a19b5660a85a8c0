"""schema.graphql at the repository root is the schema the gateway serves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gateway import schema

ROOT = Path(__file__).resolve().parents[2]


def test_schema_graphql_is_the_served_schema() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == schema.printed(), "run `make schema` and commit schema.graphql"


def test_ollygraph_schema_prints_it() -> None:
    out = subprocess.run([sys.executable, "-m", "ollygraph", "schema"], capture_output=True,
                         text=True, check=True).stdout
    assert out == (ROOT / "schema.graphql").read_text()


def test_no_64_bit_value_is_an_int() -> None:
    sdl = schema.printed()
    for field in ("startTimeUnixNano: BigInt!", "timeUnixNano: BigInt!", "inputTokens: BigInt"):
        assert field in sdl
    assert "metrics(" in sdl and "metric(name: String!): Metric" in sdl
