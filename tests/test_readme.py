"""The README stays true: set-up commands and the configuration reference."""

from collections import Counter
from pathlib import Path

import pytest

from gateway import scalars
from ollygraph import settings
from tests.gateway import conftest as gateway

stack = gateway.stack  # the fixture of the running ingest and gateway processes

README = (Path(__file__).parents[1] / "README.md").read_text()


def test_readme_opens_with_the_two_setup_commands():
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == [
        "make up", "make test"]


def test_every_setting_is_in_the_configuration_reference():
    for field in settings.FIELDS:
        for var in field.env:
            assert f"`{var}`" in README, var
        assert "`--" + field.name.replace("_", "-") + "`" in README, field.name


def test_graphql_examples_are_valid_against_the_served_schema():
    from graphql import parse, validate

    from gateway import schema

    examples = [block.split("```", 1)[0] for block in README.split("```graphql")[1:]]
    assert len(examples) >= 6
    served = schema.SCHEMA._schema
    for example in examples:
        assert validate(served, parse(example)) == [], example
    python = README.split("```python", 1)[1].split("```", 1)[0]
    query = python.split('QUERY = """', 1)[1].split('"""', 1)[0]
    assert validate(served, parse(query)) == []


def _example(name: str) -> str:
    """The README's GraphQL example `query <name>`."""
    return next(block.split("```", 1)[0] for block in README.split("```graphql")[1:]
                if block.lstrip().startswith(f"query {name} "))


@pytest.mark.db
def test_aggregation_and_ordering_examples_answer_known_data(stack) -> None:
    from tests.gateway.stats import known

    base = known.base_time()
    ids = known.send(stack.otlp, base)
    servers = [s for s in known.SPANS if s.kind == "SERVER"]
    got = stack.gql(_example("P95ByRoute"))["spanStats"]
    assert got["measures"] == ["p95(duration)", "count", "error_rate"]
    for group in got["groups"]:
        spans = [s for s in servers if s.attributes["http.route"] == group["key"]["http.route"]]
        durations = [s.duration_ms for s in spans]
        errors = sum(s.error for s in spans)
        assert group["values"] == pytest.approx(
            [known.quantile(durations, 0.95), len(spans), errors / len(spans)])
        five = 5 * known.MINUTE
        buckets = sorted({(base + s.at_ms * known.MS) // five * five for s in spans})
        assert [p["time"] for p in group["series"]] == [
            scalars.format_timestamp(b) for b in buckets]
    assert sorted(g["key"]["http.route"] for g in got["groups"]) == ["/a", "/b"]

    tokens = stack.gql(_example("TokensByModel"))["spanStats"]
    assert {g["key"]["gen_ai.request.model"]: g["values"][0] for g in tokens["groups"]} == {
        "gpt-4o": 400, "gpt-4o-mini": 50}

    slowest = stack.gql(_example("SlowestTraces"))["traces"]
    traces: dict[int, list] = {}
    for s in known.SPANS:
        traces.setdefault(s.trace, []).append(s)
    expected = sorted(
        ((max(s.at_ms + s.duration_ms for s in group) - min(s.at_ms for s in group),
          ids[number]) for number, group in traces.items() if group[0].service == "checkout"),
        reverse=True)
    assert [(n["durationMs"], n["traceId"]) for n in slowest["nodes"]] == [
        (float(d), t) for d, t in expected]
    roots = Counter(group[0].name for group in traces.values() if group[0].service == "checkout")
    assert slowest["facets"][0]["values"] == [
        {"value": name, "count": n} for name, n in sorted(roots.items(),
                                                          key=lambda kv: (-kv[1], kv[0]))]
