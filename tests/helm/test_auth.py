"""The chart turns auth on by default, mounts the keys Secret, and passes OIDC settings."""

from __future__ import annotations

from ollygraph import settings
from tests.helm.test_chart import container


def _env(manifests, name):
    found = container(manifests.get("Deployment", f"ollygraph-{name}"), name)
    return {e["name"]: e.get("value") for e in found["env"]}, found


def test_auth_is_on_by_default(render):
    manifests = render()
    for name in ("ingest", "gateway"):
        env, _ = _env(manifests, name)
        assert env["OLLYGRAPH_AUTH"] == "on"
        assert "OLLYGRAPH_ALLOW_UNAUTHENTICATED" not in env
        assert settings.load(env).host == "0.0.0.0"


def test_keys_come_from_a_secret(render):
    manifests = render({"auth": {"keysSecret": "team-keys"}})
    for name in ("ingest", "gateway"):
        env, found = _env(manifests, name)
        mount = next(m for m in found["volumeMounts"] if m["name"] == "api-keys")
        assert env["OLLYGRAPH_API_KEYS_FILE"] == mount["mountPath"]
        assert mount["readOnly"] and mount["subPath"] == "keys"
        volumes = manifests.get("Deployment", f"ollygraph-{name}")["spec"]["template"][
            "spec"]["volumes"]
        assert {"name": "api-keys", "secret": {"secretName": "team-keys"}} in volumes


def test_oidc_reaches_the_gateway(render):
    manifests = render({"auth": {"oidc": {"issuer": "https://id.example/", "audience": "og",
                                          "jwksUrl": "https://id.example/jwks"}}})
    env, _ = _env(manifests, "gateway")
    cfg = settings.load(env)
    assert (cfg.oidc_issuer, cfg.oidc_audience, cfg.oidc_jwks_url) == (
        "https://id.example/", "og", "https://id.example/jwks")
    assert "OLLYGRAPH_OIDC_ISSUER" not in _env(manifests, "ingest")[0]


def test_auth_off_is_explicit(render):
    env, _ = _env(render({"auth": {"enabled": False}}), "gateway")
    assert env["OLLYGRAPH_AUTH"] == "off" and env["OLLYGRAPH_ALLOW_UNAUTHENTICATED"] == "on"
