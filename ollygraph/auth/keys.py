"""API keys: made once, stored as a SHA-256 hash, checked in constant time.

A key is `og_<id>_<secret>`: the id (12 hex digits) finds its row, the secret (32 random
bytes, URL-safe base64) makes it unguessable; the SHA-256 of the whole key is what is
stored (a fast hash suffices for 256 random bits, no password stretching needed) and is
compared with `hmac.compare_digest`. Keys also come from a file (OLLYGRAPH_API_KEYS_FILE,
e.g. a mounted Kubernetes Secret), one per line: `KEY-OR-sha256:HEX TENANT ROLE`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import re
import secrets
from pathlib import Path
from typing import Any

import asyncpg

from ollygraph import sql
from ollygraph.auth import identity

QUERIES = sql.Queries(Path(__file__).with_name("sql"))
PREFIX = "og_"
_KEY = re.compile(r"^og_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


class BadKeyFile(ValueError):
    """The keys file has a line that is not `KEY TENANT ROLE`; never quotes the key."""


def check_tenant(tenant: str) -> str:
    if not _TENANT.match(tenant):
        raise ValueError(f"{tenant[:70]!r} is not a tenant name (letters, digits, _ . -; "
                         "at most 63)")
    return tenant


def check_role(role: str) -> str:
    if role not in identity.ROLES:
        raise ValueError(f"{role[:20]!r} is not a role ({', '.join(identity.ROLES)})")
    return role


def digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def key_id(key: str) -> str | None:
    """The id part of a well-formed key, else None."""
    match = _KEY.match(key)
    return match.group(1) if match else None


def new_key() -> tuple[str, str]:
    """(key id, key): a fresh random key."""
    kid = secrets.token_hex(6)
    return kid, f"{PREFIX}{kid}_{secrets.token_urlsafe(32)}"


@dataclasses.dataclass(frozen=True)
class Created:
    key_id: str
    key: str
    expires_at: dt.datetime | None


def create(conn: Any, tenant: str, role: str, expires_in_s: int | None = None,
           note: str | None = None) -> Created:
    """Store a new key's hash (psycopg connection on the store's schema); the key is
    returned here and nowhere else."""
    check_tenant(tenant)
    check_role(role)
    kid, key = new_key()
    expires = None if expires_in_s is None else \
        dt.datetime.now(dt.UTC) + dt.timedelta(seconds=expires_in_s)
    conn.execute(QUERIES["insert_key"], {"key_id": kid, "key_sha256": digest(key),
                                         "tenant": tenant, "role": role,
                                         "expires_at": expires, "note": note})
    return Created(kid, key, expires)


def listed(conn: Any) -> list[dict[str, Any]]:
    """Every key's metadata (never a hash)."""
    cursor = conn.execute(QUERIES["list_keys"])
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def revoke(conn: Any, kid: str) -> bool:
    """Revoke the key of id `kid`; False when there is no such live key."""
    return conn.execute(QUERIES["revoke_key"], {"key_id": kid}).fetchone() is not None


async def lookup(pool: Any, key: str) -> identity.Identity | None:
    """The identity of a live stored key (asyncpg pool), else None."""
    kid = key_id(key)
    if kid is None:
        return None
    try:
        row = await pool.fetchrow(QUERIES["find_key"], kid)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise identity.CheckUnavailable("API keys cannot be checked now") from exc
    if row is None or not hmac.compare_digest(bytes(row["key_sha256"]), digest(key)):
        return None
    return identity.Identity(row["tenant"], row["role"], kid)


class KeyFile:
    """Keys listed in a file: `KEY-OR-sha256:HEX TENANT ROLE` per line, `#` comments."""

    def __init__(self, path: Path) -> None:
        self.entries: list[tuple[bytes, identity.Identity]] = []
        for number, line in enumerate(path.read_text().splitlines(), 1):
            fields = line.split("#", 1)[0].split()
            if not fields:
                continue
            if len(fields) != 3:
                raise BadKeyFile(f"{path}:{number}: expected KEY TENANT ROLE")
            secret, tenant, role = fields
            try:
                check_tenant(tenant)
                check_role(role)
                hashed = bytes.fromhex(secret[7:]) if secret.startswith("sha256:") \
                    else digest(secret)
            except ValueError as exc:
                raise BadKeyFile(f"{path}:{number}: {exc}") from None
            if len(hashed) != 32:
                raise BadKeyFile(f"{path}:{number}: a sha256: hash has 64 hex digits")
            self.entries.append((hashed, identity.Identity(tenant, role, f"file:{number}")))

    def lookup(self, key: str) -> identity.Identity | None:
        """Every entry is compared (constant time each), so the time taken does not tell
        which line matched."""
        hashed, found = digest(key), None
        for entry, who in self.entries:
            if hmac.compare_digest(entry, hashed):
                found = who
        return found
