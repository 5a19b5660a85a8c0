"""The README stays true: set-up commands and the configuration reference."""

from collections import Counter
from pathlib import Path

import psycopg
import pytest

from ollygraph import demo, migrate, settings
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
def test_aggregation_and_ordering_examples_answer_on_the_demo_data(stack) -> None:
    """P95ByRoute, TokensByModel and SlowestTraces over `ollygraph demo`'s telemetry,
    compared with the same aggregations in SQL over the views."""
    demo.run(settings.load({}), endpoint=stack.otlp, iterations=6)
    with psycopg.connect(migrate.libpq_url(stack.database_url), autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{stack.schema}"')
        routes = conn.execute("""
            SELECT attributes ->> 'http.route',
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_nanos / 1e6::float8),
                   count(*), avg((status_name = 'ERROR')::int)::float8
            FROM v_otel_spans_enriched WHERE kind_name = 'SERVER' GROUP BY 1""").fetchall()
        tokens = conn.execute("""
            SELECT attributes ->> 'gen_ai.request.model',
                   sum((attributes ->> 'gen_ai.usage.input_tokens')::numeric),
                   sum((attributes ->> 'gen_ai.usage.output_tokens')::numeric),
                   sum((attributes ->> 'gen_ai.usage.cost')::float8)
            FROM v_otel_spans_enriched
            WHERE attributes ? 'gen_ai.request.model' GROUP BY 1""").fetchall()
        slowest = conn.execute("""
            SELECT trace_id, duration_nanos / 1e6::float8, root_span_name,
                   (error_count > 0)::int FROM v_otel_traces WHERE service_name = 'web-shop'
            ORDER BY duration_nanos DESC, trace_id DESC""").fetchall()
    assert routes and tokens and slowest

    got = stack.gql(_example("P95ByRoute"))["spanStats"]
    assert got["measures"] == ["p95(duration)", "count", "error_rate"]
    assert {(g["key"]["http.route"],): g["values"] for g in got["groups"]} == {
        (route,): pytest.approx([p95, count, rate], rel=1e-9) for route, p95, count, rate in routes}
    for group in got["groups"]:
        assert sum(p["values"][1] for p in group["series"]) == group["values"][1]

    got = stack.gql(_example("TokensByModel"))["spanStats"]
    assert {g["key"]["gen_ai.request.model"]: g["values"] for g in got["groups"]} == {
        model: pytest.approx([float(i), float(o), c], rel=1e-9) for model, i, o, c in tokens}

    got = stack.gql(_example("SlowestTraces"))["traces"]
    assert [(n["traceId"], n["durationMs"]) for n in got["nodes"]] == [
        (t, pytest.approx(ms, rel=1e-12)) for t, ms, _, _ in slowest[:20]]
    names = Counter(name for _, _, name, _ in slowest)
    statuses = Counter("ERROR" if error else "OK" for _, _, _, error in slowest)
    assert got["facets"] == [
        {"key": "rootName", "missingCount": 0, "values": [
            {"value": v, "count": n} for v, n in sorted(names.items(),
                                                        key=lambda kv: (-kv[1], kv[0]))][:5]},
        {"key": "status", "missingCount": 0, "values": [
            {"value": v, "count": n} for v, n in sorted(statuses.items(),
                                                        key=lambda kv: (-kv[1], kv[0]))]}]
