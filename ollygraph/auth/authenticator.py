"""Bearer credentials -> Identity, with a short cache so a check costs microseconds.

`Authenticator.identify(header)` tries the keys file, then (for `og_` keys) the store's
keys, then the OIDC verifier when one is configured (JWTs). An answer, found or not, is
cached for `ttl` seconds under the credential's SHA-256: a revoked key keeps working for
at most that long (OLLYGRAPH_AUTH_CACHE_TTL), and a flood of wrong keys costs one lookup
each per ttl. The cache holds at most `max_entries` answers (cleared when full).
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from ollygraph.auth import identity, keys

DEFAULT_TTL_S = 10.0
MAX_ENTRIES = 10_000


class Authenticator:
    def __init__(self, pool: Any = None, key_file: keys.KeyFile | None = None,
                 oidc: Any = None, ttl: float = DEFAULT_TTL_S,
                 max_entries: int = MAX_ENTRIES) -> None:
        self.pool, self.key_file, self.oidc = pool, key_file, oidc
        self.ttl, self.max_entries = ttl, max_entries
        self._cache: dict[bytes, tuple[float, identity.Identity | None]] = {}

    async def identify(self, header: str | None, action: str) -> identity.Identity:
        """The caller of an `authorization` header that may `action`; Unauthenticated
        (same message whether a key exists or not) or Forbidden otherwise."""
        token = identity.bearer(header)
        cache_key = hashlib.sha256(token.encode()).digest()
        now = time.monotonic()
        hit = self._cache.get(cache_key)
        if hit is not None and hit[0] > now:
            who = hit[1]
        else:
            who = await self._verify(token)
            if len(self._cache) >= self.max_entries:
                self._cache.clear()
            ttl = self.ttl
            if who is not None and who.expires_at is not None:
                ttl = min(ttl, who.expires_at - time.time())
            self._cache[cache_key] = (now + ttl, who)
        if who is None:
            raise identity.Unauthenticated("invalid or expired credentials")
        if not who.may(action):
            raise identity.Forbidden(f"the role {who.role!r} may not {action}")
        return who

    async def _verify(self, token: str) -> identity.Identity | None:
        if self.key_file is not None:
            found = self.key_file.lookup(token)
            if found is not None:
                return found
        if token.startswith(keys.PREFIX):
            return await keys.lookup(self.pool, token) if self.pool is not None else None
        if self.oidc is not None:
            return await self.oidc.verify(token)
        return None


def build(settings: Any, pool: Any, oidc: Any = None) -> Authenticator | None:
    """The authenticator the settings ask for (None with auth off): the keys file, the
    store's keys through `pool`, and `oidc` (the gateway's token verifier) when given."""
    if not settings.auth:
        return None
    key_file = keys.KeyFile(settings.api_keys_file) if settings.api_keys_file else None
    return Authenticator(pool, key_file, oidc, ttl=settings.auth_cache_ttl)
