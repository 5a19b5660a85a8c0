"""The GraphQL schema: composes the signals' Query types, scalars and protections."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.tools import merge_types

from gateway import catalog, errors, execution
from gateway.logs import queries as log_queries
from gateway.metrics import queries as metric_queries
from gateway.traces import queries as trace_queries

MAX_DEPTH = 12
MAX_TOKENS = 3000
MAX_ALIASES = 30

QUERY_TYPES = (trace_queries.Query, log_queries.Query, metric_queries.Query, catalog.Query)


class SqlStatements(SchemaExtension):
    """Reports `extensions.sqlStatements`: the SQL statements the request ran."""

    def get_results(self) -> dict[str, int]:
        context = self.execution_context.context
        database = getattr(context, "db", None)
        return {"sqlStatements": database.statements} if database is not None else {}


def build() -> strawberry.Schema:
    return strawberry.Schema(
        query=merge_types("Query", QUERY_TYPES),
        extensions=[
            lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            lambda: MaskErrors(should_mask_error=errors.should_mask),
            SqlStatements,
        ],
        execution_context_class=execution.DirectExecutor,
    )


SCHEMA = build()


def printed() -> str:
    """The SDL of the served schema (what `schema.graphql` holds)."""
    return SCHEMA.as_str() + "\n"
