"""The README stays true: set-up commands and the configuration reference."""

from pathlib import Path

from ollygraph import settings

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
