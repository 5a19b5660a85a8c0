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
