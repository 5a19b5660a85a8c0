"""The verified caller: tenant, role and subject, and what each role may do."""

from __future__ import annotations

import dataclasses

ROLES = ("ingest", "query", "admin")
# what a role may do: send telemetry (ingest) and read it through the gateway (query)
ALLOWED: dict[str, frozenset[str]] = {
    "ingest": frozenset({"ingest"}),
    "query": frozenset({"query"}),
    "admin": frozenset({"ingest", "query"}),
}
DEFAULT_TENANT = "default"


@dataclasses.dataclass(frozen=True)
class Identity:
    tenant: str
    role: str
    subject: str  # a key's id, or a token's `sub`
    # a token's expiry (Unix seconds): answers about it are not cached beyond it
    expires_at: float | None = dataclasses.field(default=None, compare=False)

    def may(self, action: str) -> bool:
        """True when this role may `action` ("ingest" or "query")."""
        return action in ALLOWED.get(self.role, ())


# the caller when authentication is off: everything, as the default tenant
ANONYMOUS = Identity(DEFAULT_TENANT, "admin", "anonymous")


class Unauthenticated(Exception):
    """No credentials, or credentials that do not check out; str() is safe to show (it
    never says whether a key exists)."""


class Forbidden(Exception):
    """Valid credentials whose role may not do this."""


class CheckUnavailable(Exception):
    """The credentials could not be checked now (the database is unreachable); retry."""


def bearer(header: str | None) -> str:
    """The token of an `authorization: Bearer TOKEN` header; Unauthenticated otherwise."""
    if not header:
        raise Unauthenticated("missing authorization: Bearer credentials")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("authorization must be Bearer credentials")
    return token.strip()
