"""Settings: environment, aliases, CLI flags on top, one-line errors."""

from pathlib import Path

import pytest

from ollygraph import settings


def test_defaults():
    cfg = settings.load({})
    assert cfg.database_url is None
    assert (cfg.schema, cfg.grpc_port, cfg.http_port, cfg.gateway_port) == (
        "otel",
        4317,
        4318,
        8000,
    )
    assert cfg.data_dir == Path(".ollygraph")
    assert cfg.attribute_overrides == Path("/config/attribute-overrides.yaml")


def test_environment_and_seed_aliases():
    cfg = settings.load({"POSTGRES_URL": "postgresql://u@h/db", "OTEL_DB_SCHEMA": "legacy"})
    assert (cfg.database_url, cfg.schema) == ("postgresql://u@h/db", "legacy")
    cfg = settings.load(
        {"OLLYGRAPH_DATABASE_URL": "postgresql://a@b/c", "POSTGRES_URL": "postgresql://u@h/db"}
    )
    assert cfg.database_url == "postgresql://a@b/c"


def test_flags_override_environment():
    cfg = settings.load({"OLLYGRAPH_GRPC_PORT": "1234"}, grpc_port="5555", schema=None)
    assert cfg.grpc_port == 5555


def test_to_env_round_trips():
    cfg = settings.load({"OLLYGRAPH_RETENTION": "7d", "OLLYGRAPH_SCHEMA": "x"})
    assert settings.load(cfg.to_env()) == cfg
    cfg = settings.load({"OLLYGRAPH_STATEMENT_TIMEOUT": "2m"})
    assert cfg.statement_timeout == 120 and settings.load(cfg.to_env()) == cfg
    assert settings.load({}).statement_timeout == 10
    for text, seconds in (("off", 0), ("0", 0), ("1m", 60)):
        cfg = settings.load({"OLLYGRAPH_ROLLUP_INTERVAL": text})
        assert cfg.rollup_interval == seconds and settings.load(cfg.to_env()) == cfg
    assert settings.load({}).rollup_interval == 15


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OLLYGRAPH_GRPC_PORT": "abc"}, "OLLYGRAPH_GRPC_PORT: 'abc' is not a number"),
        ({"OLLYGRAPH_HTTP_PORT": "70000"}, "OLLYGRAPH_HTTP_PORT: '70000' is not a port number"),
        ({"OTEL_DB_SCHEMA": "Bad-Name"}, "OTEL_DB_SCHEMA: 'Bad-Name' is not a plain lower-case"),
        ({"POSTGRES_URL": "mysql://x"}, "POSTGRES_URL: must be a URL starting with postgresql://"),
        (
            {"OLLYGRAPH_RETENTION": "7 fortnights"},
            "OLLYGRAPH_RETENTION: '7 fortnights' is not a duration",
        ),
        (
            {"OLLYGRAPH_GATEWAY_EXECUTOR": "fast"},
            "OLLYGRAPH_GATEWAY_EXECUTOR: 'fast' is not one of direct, strawberry",
        ),
    ],
)
def test_bad_settings_name_the_variable(env, message):
    with pytest.raises(settings.SettingsError) as err:
        settings.load(env)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_durations():
    assert settings.parse_duration("15m") == 900
    assert settings.parse_duration("6h") == 21600
    assert settings.parse_duration("7d") == 604800
    with pytest.raises(ValueError):
        settings.parse_duration("0d")
