"""OIDC bearer tokens at the gateway: JWTs verified with PyJWT against the issuer's JWKS.

The JWKS comes from a URL (PyJWKClient: cached, fetched again when a token names a key id
it does not hold, so the issuer's key rotation needs no restart) or from a file (sites
without access to the issuer). A token must be signed with an allowed asymmetric
algorithm (never `none`, never HS*: an RSA public key used as an HMAC secret is a known
forgery), name the configured issuer and audience, carry `exp` and not be expired (30 s
of clock skew allowed), and carry the tenant claim. Its role is `query`.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import jwt

from ollygraph.auth import identity

LEEWAY_S = 30
JWKS_LIFESPAN_S = 300
JWKS_COOLDOWN_S = 5
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


class Verifier:
    def __init__(self, issuer: str, audience: str, algorithms: tuple[str, ...],
                 tenant_claim: str = "tenant", jwks_url: str | None = None,
                 jwks_file: Path | None = None) -> None:
        if (jwks_url is None) == (jwks_file is None):
            raise ValueError("OIDC needs exactly one of a JWKS URL and a JWKS file")
        self.issuer, self.audience, self.tenant_claim = issuer, audience, tenant_claim
        self.algorithms = [a for a in algorithms if a.lower() != "none" and a[:2] != "HS"]
        # the JWKS is cached whole for JWKS_LIFESPAN_S (not key by key: a key the issuer
        # withdrew must stop working), and fetched again for an unknown key id at most
        # every JWKS_COOLDOWN_S (a flood of made-up key ids costs one fetch each period)
        self.client = jwt.PyJWKClient(jwks_url, cache_keys=False, lifespan=JWKS_LIFESPAN_S,
                                      timeout=5, cooldown_duration=JWKS_COOLDOWN_S) \
            if jwks_url else None
        self.keys = {} if jwks_file is None else {
            key.key_id: key for key in jwt.PyJWKSet.from_dict(json.loads(
                jwks_file.read_text())).keys}

    async def verify(self, token: str) -> identity.Identity | None:
        """The identity of a valid token, else None; CheckUnavailable when the JWKS cannot
        be fetched."""
        if self.client is None:
            return self._verify(token)
        return await asyncio.to_thread(self._verify, token)   # may fetch the JWKS

    def _signing_key(self, token: str) -> jwt.PyJWK:
        if self.client is not None:
            try:
                return self.client.get_signing_key_from_jwt(token)
            except jwt.PyJWKClientConnectionError as exc:
                raise identity.CheckUnavailable("the OIDC issuer's keys cannot be "
                                                "fetched now") from exc
        kid = jwt.get_unverified_header(token).get("kid")
        key = self.keys.get(kid) if kid is not None else \
            next(iter(self.keys.values())) if len(self.keys) == 1 else None
        if key is None:
            raise jwt.InvalidKeyError("no key of that id")
        return key

    def _verify(self, token: str) -> identity.Identity | None:
        try:
            alg = jwt.get_unverified_header(token).get("alg")
            if alg not in self.algorithms:
                return None
            key = self._signing_key(token)
            if alg != key.algorithm_name:   # an ES256 token naming an RSA key, ...
                return None
            claims = jwt.decode(token, key.key, algorithms=[alg],
                                audience=self.audience, issuer=self.issuer, leeway=LEEWAY_S,
                                options={"require": ["exp", "iss", "aud"]})
        except (jwt.PyJWTError, jwt.PyJWKClientError, ValueError, TypeError):
            return None
        tenant = claims.get(self.tenant_claim)
        if not isinstance(tenant, str) or not _TENANT.match(tenant):
            return None
        return identity.Identity(tenant, "query", str(claims.get("sub", "")),
                                 expires_at=float(claims["exp"]) + LEEWAY_S)


def build(settings: Any) -> Verifier | None:
    """The verifier the settings configure (None without an issuer)."""
    if not settings.oidc_issuer:
        return None
    if not settings.oidc_audience:
        raise ValueError("OLLYGRAPH_OIDC_AUDIENCE must be set with OLLYGRAPH_OIDC_ISSUER")
    return Verifier(settings.oidc_issuer, settings.oidc_audience, settings.oidc_algorithms,
                    settings.oidc_tenant_claim, settings.oidc_jwks_url,
                    settings.oidc_jwks_file)
