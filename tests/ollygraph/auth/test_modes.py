"""Auth off binds loopback; another address needs an explicit flag; secrets stay masked."""

from __future__ import annotations

import pytest

from ollygraph import cli, db, settings
from tests.ollygraph.test_cli import run


def test_auth_off_listens_on_loopback_and_auth_on_everywhere():
    assert settings.load({}).host == "127.0.0.1"
    assert settings.load({"OLLYGRAPH_AUTH": "on"}).host == "0.0.0.0"
    assert settings.load({"OLLYGRAPH_HOST": "10.0.0.5"}).host == "10.0.0.5"


@pytest.mark.parametrize("command", ["up", "ingest", "gateway"])
def test_another_address_without_auth_is_refused(command, tmp_path):
    result = run(command, "--host", "0.0.0.0", "--data-dir", str(tmp_path), timeout=60)
    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0 with auth off" in result.stderr
    assert "--allow-unauthenticated" in result.stderr


def test_allowing_it_warns(caplog):
    cfg = settings.load({"OLLYGRAPH_HOST": "0.0.0.0", "OLLYGRAPH_ALLOW_UNAUTHENTICATED": "on"})
    with caplog.at_level("WARNING"):
        cli.check_exposure(cfg)
    assert "with auth off" in caplog.text
    cli.check_exposure(settings.load({"OLLYGRAPH_AUTH": "on"}))   # no error with auth on


def test_database_password_is_masked():
    assert db.redacted("postgresql://app:s3cret@db:5432/otel") == \
        "postgresql://app:***@db:5432/otel"
    assert "s3cret" not in db.redacted("postgres://u:s3cret@/x?host=/tmp")


def test_tls_files_go_together(tmp_path):
    with pytest.raises(settings.SettingsError):
        settings.load({"OLLYGRAPH_TLS_CERT_FILE": str(tmp_path / "c.pem")})


def test_oidc_refuses_symmetric_and_none_algorithms():
    for bad in ("none", "HS256", "RS256,none"):
        with pytest.raises(settings.SettingsError):
            settings.load({"OLLYGRAPH_OIDC_ALGORITHMS": bad})
