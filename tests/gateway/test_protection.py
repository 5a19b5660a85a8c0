"""Depth, token and alias limits, error masking, read-only connections with a timeout."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from graphql import GraphQLError

from gateway import db, errors, schema

pytestmark = pytest.mark.db


def test_depth_limit(stack) -> None:
    inner = "name"
    for _ in range(schema.MAX_DEPTH):
        inner = f"parent {{ {inner} }}"
    messages = stack.errors(f'{{ spans {{ nodes {{ {inner} }} }} }}')
    assert messages and "exceeds maximum operation depth" in messages[0]


def test_token_limit(stack) -> None:
    fields = " ".join(["name"] * schema.MAX_TOKENS)
    messages = stack.errors(f"{{ spans {{ nodes {{ {fields} }} }} }}")
    assert messages and "token" in messages[0].lower()


def test_alias_limit(stack) -> None:
    aliases = " ".join(f"a{i}: name" for i in range(schema.MAX_ALIASES + 1))
    messages = stack.errors(f"{{ spans {{ nodes {{ {aliases} }} }} }}")
    assert messages and "alias" in messages[0].lower()


def test_internal_errors_are_masked_user_errors_are_not() -> None:
    assert errors.should_mask(GraphQLError("x", original_error=RuntimeError("secret")))
    assert not errors.should_mask(GraphQLError("x", original_error=errors.UserError("fix it")))
    assert not errors.should_mask(GraphQLError("Cannot query field 'nope' on type 'Query'."))


def test_bad_values_get_clear_messages(stack) -> None:
    big = "{ spans(filter: {minDurationMs: 1e30}) { nodes { name } } }"
    assert "minDurationMs must be between" in stack.errors(big)[0]
    regex = ('{ spans(filter: {attributes: [{key: "k", op: REGEX, value: "("}]}) '
             '{ nodes { name } } }')
    assert "invalid regular expression" in stack.errors(regex)[0]
    missing = '{ spans(filter: {attributes: [{key: "k", op: IN}]}) { nodes { name } } }'
    assert "non-empty `values`" in stack.errors(missing)[0]


async def test_connections_are_read_only_with_a_timeout(database_url, module_schema) -> None:
    pool = await db.create_pool(database_url, module_schema, max_size=1)
    try:
        async with pool.acquire() as conn:
            timeout = await conn.fetchval(
                "SELECT setting::int FROM pg_settings WHERE name = 'statement_timeout'")
            assert timeout == db.STATEMENT_TIMEOUT_MS
            with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
                await conn.execute("CREATE TABLE gateway_must_not_write (x int)")
    finally:
        await pool.close()
    pool = await db.create_pool(database_url, module_schema, max_size=1, statement_timeout_ms=1500)
    try:
        assert await pool.fetchval("SHOW statement_timeout") == "1500ms"
    finally:
        await pool.close()


async def test_a_repeated_query_is_validated_once_and_limits_still_hold(monkeypatch) -> None:
    depth_rule = schema.Limits.RULES[0]
    runs: list[int] = []
    validate = depth_rule.__init__

    def counted(self, context) -> None:
        runs.append(1)
        validate(self, context)

    monkeypatch.setattr(depth_rule, "__init__", counted)
    query = f"{{ t{uuid.uuid4().hex}: __typename }}"
    for _ in range(3):
        assert (await schema.SCHEMA.execute(query)).errors is None
    assert len(runs) == 1

    inner = "name"
    for _ in range(schema.MAX_DEPTH):
        inner = f"parent {{ {inner} }}"
    deep = f"{{ t{uuid.uuid4().hex}: spans {{ nodes {{ {inner} }} }} }}"
    for _ in range(2):
        result = await schema.SCHEMA.execute(deep)
        assert "exceeds maximum operation depth" in result.errors[0].message
