"""OIDC with the JWKS from a file (air-gapped sites): the same checks as from a URL."""

from __future__ import annotations

import asyncio
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from ollygraph import settings
from ollygraph.auth import identity, oidc
from tests.gateway.test_auth import AUDIENCE, ISSUER, Issuer


@pytest.fixture(scope="module")
def issuer():
    made = Issuer()
    made.add_key("k1")
    yield made
    made.server.shutdown()


@pytest.fixture
def verifier(issuer, tmp_path):
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(issuer.jwks()))
    cfg = settings.load({"OLLYGRAPH_OIDC_ISSUER": ISSUER, "OLLYGRAPH_OIDC_AUDIENCE": AUDIENCE,
                         "OLLYGRAPH_OIDC_JWKS_FILE": str(path),
                         "OLLYGRAPH_OIDC_TENANT_CLAIM": "org"})
    return oidc.build(cfg)


def _verify(verifier, token):
    return asyncio.run(verifier.verify(token))


def test_a_valid_token_names_its_tenant(verifier, issuer):
    who = _verify(verifier, issuer.token(org="acme"))
    assert who == identity.Identity("acme", "query", "alice")
    assert who.expires_at is not None


def test_bad_tokens_from_a_file_jwks(verifier, issuer):
    other = ec.generate_private_key(ec.SECP256R1())
    assert _verify(verifier, issuer.token()) is None                   # no `org` claim
    assert _verify(verifier, issuer.token(org="acme", aud="x")) is None
    assert _verify(verifier, jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "org": "acme",
                                         "exp": 4102444800}, other, algorithm="ES256",
                                        headers={"kid": "k1"})) is None
    unsigned = jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "org": "acme", "exp": 4102444800},
                          None, algorithm="none")
    assert _verify(verifier, unsigned) is None


def test_issuer_needs_an_audience_and_one_jwks_source(tmp_path):
    with pytest.raises(ValueError):
        oidc.build(settings.load({"OLLYGRAPH_OIDC_ISSUER": ISSUER}))
    with pytest.raises(ValueError):
        oidc.build(settings.load({"OLLYGRAPH_OIDC_ISSUER": ISSUER,
                                  "OLLYGRAPH_OIDC_AUDIENCE": AUDIENCE}))
