"""API keys: `ollygraph keys` on a real store, hashes only, file keys, the cached check."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib

import psycopg
import pytest

from ollygraph import db as core_db
from ollygraph import migrate
from ollygraph.auth import authenticator, identity, keys
from tests.ollygraph.test_cli import run


def _keys(database_url: str, schema: str, *args: str):
    return run("keys", *args, "--database-url", database_url, "--schema", schema)


def _check(database_url: str, schema: str, header: str | None, action: str = "ingest",
           key_file: keys.KeyFile | None = None, ttl: float = 0.0):
    async def go():
        pool = await core_db.create_pool(database_url, schema, max_size=1)
        try:
            auth = authenticator.Authenticator(pool, key_file, ttl=ttl)
            return await auth.identify(header, action)
        finally:
            await pool.close()
    return asyncio.run(go())


def test_created_key_is_printed_once_and_stored_as_a_hash(database_url, migrated_schema):
    made = _keys(database_url, migrated_schema, "create", "--tenant", "acme", "--role",
                 "ingest", "--expires", "90d", "--note", "ci exporter")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert keys.key_id(key) is not None and key not in made.stderr
    with psycopg.connect(migrate.libpq_url(database_url), autocommit=True) as conn:
        dump = conn.execute(f'SELECT row_to_json(k)::text FROM "{migrated_schema}".otel_api_keys k'
                            ).fetchone()[0]
        stored = conn.execute(f'SELECT key_sha256 FROM "{migrated_schema}".otel_api_keys'
                              ).fetchone()[0]
    assert key not in dump and key.split("_")[2] not in dump
    assert bytes(stored) == hashlib.sha256(key.encode()).digest()
    listing = _keys(database_url, migrated_schema, "list")
    assert listing.returncode == 0 and key not in listing.stdout
    assert "acme" in listing.stdout and "active" in listing.stdout

    who = _check(database_url, migrated_schema, f"Bearer {key}")
    assert who == identity.Identity("acme", "ingest", keys.key_id(key))
    with pytest.raises(identity.Forbidden):
        _check(database_url, migrated_schema, f"Bearer {key}", action="query")

    revoked = _keys(database_url, migrated_schema, "revoke", keys.key_id(key))
    assert revoked.returncode == 0
    assert "revoked" in _keys(database_url, migrated_schema, "list").stdout
    with pytest.raises(identity.Unauthenticated):
        _check(database_url, migrated_schema, f"Bearer {key}")
    again = _keys(database_url, migrated_schema, "revoke", keys.key_id(key))
    assert again.returncode == 2 and "no active key" in again.stderr


@pytest.mark.parametrize("header", [
    None, "", "Basic abc", "Bearer ", "Bearer og_000000000000_" + "A" * 43, "Bearer nonsense"])
def test_bad_credentials_get_the_same_answer(database_url, migrated_schema, header):
    with pytest.raises(identity.Unauthenticated) as caught:
        _check(database_url, migrated_schema, header)
    assert "og_" not in str(caught.value)


def test_a_guessed_secret_for_a_real_key_id_is_refused(database_url, migrated_schema):
    with psycopg.connect(migrate.libpq_url(database_url), autocommit=True,
                         options=f"-c search_path={migrated_schema}") as conn:
        made = keys.create(conn, "acme", "query")
    forged = f"og_{made.key_id}_" + "A" * 43
    with pytest.raises(identity.Unauthenticated):
        _check(database_url, migrated_schema, f"Bearer {forged}", "query")
    assert _check(database_url, migrated_schema, f"bearer {made.key}", "query").tenant == "acme"


def test_expired_key_is_refused(database_url, migrated_schema):
    with psycopg.connect(migrate.libpq_url(database_url), autocommit=True,
                         options=f"-c search_path={migrated_schema}") as conn:
        made = keys.create(conn, "acme", "admin", expires_in_s=3600)
        conn.execute("UPDATE otel_api_keys SET expires_at = now() - interval '1 s'")
    with pytest.raises(identity.Unauthenticated):
        _check(database_url, migrated_schema, f"Bearer {made.key}")
    assert "expired" in _keys(database_url, migrated_schema, "list").stdout


def test_bad_create_arguments_are_one_line_errors(database_url, migrated_schema):
    bad = _keys(database_url, migrated_schema, "create", "--tenant", "a b", "--role", "query")
    assert bad.returncode == 2 and "not a tenant name" in bad.stderr
    bad = _keys(database_url, migrated_schema, "create", "--tenant", "a", "--role", "query",
                "--expires", "soon")
    assert bad.returncode == 2 and "not a duration" in bad.stderr


def test_key_file_holds_keys_or_their_hashes(tmp_path):
    _, plain = keys.new_key()
    _, hashed = keys.new_key()
    path = tmp_path / "keys"
    path.write_text(f"# team keys\n{plain} acme ingest\n"
                    f"sha256:{keys.digest(hashed).hex()} beta query  # notebooks\n")
    file = keys.KeyFile(path)
    assert file.lookup(plain) == identity.Identity("acme", "ingest", "file:2")
    assert file.lookup(hashed) == identity.Identity("beta", "query", "file:3")
    assert file.lookup(keys.new_key()[1]) is None
    path.write_text(f"{plain} acme\n")
    with pytest.raises(keys.BadKeyFile) as caught:
        keys.KeyFile(path)
    assert plain not in str(caught.value)
    path.write_text(f"{plain} acme root\n")
    with pytest.raises(keys.BadKeyFile):
        keys.KeyFile(path)


def test_answers_are_cached_for_the_ttl(tmp_path):
    _, key = keys.new_key()
    path = tmp_path / "keys"
    path.write_text(f"{key} acme admin\n")
    calls = []

    class Counting(keys.KeyFile):
        def lookup(self, token):
            calls.append(token)
            return super().lookup(token)

    auth = authenticator.Authenticator(key_file=Counting(path), ttl=60)

    async def twice(header):
        for _ in range(2):
            with contextlib.suppress(identity.Unauthenticated):
                await auth.identify(header, "query")
    asyncio.run(twice(f"Bearer {key}"))
    asyncio.run(twice("Bearer wrong"))
    assert calls == [key, "wrong"]
