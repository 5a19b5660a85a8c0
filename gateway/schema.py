"""The GraphQL schema: composes the signals' Query types, scalars and protections."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types

from gateway import catalog, cost, execution, selfmetrics
from gateway.live import subscriptions as live_subscriptions
from gateway.logs import queries as log_queries
from gateway.metrics import queries as metric_queries
from gateway.stats import catalog as stats_catalog
from gateway.stats import graph as stats_graph
from gateway.stats import queries as stats_queries
from gateway.traces import exceptions as trace_exceptions
from gateway.traces import queries as trace_queries
from gateway.traces import workflows

MAX_DEPTH = 12
MAX_TOKENS = 3000
MAX_ALIASES = 30
CACHED_DOCUMENTS = 256  # distinct query texts whose parsed and validated document is kept

QUERY_TYPES = (trace_queries.Query, trace_exceptions.Query, log_queries.Query,
               metric_queries.Query, catalog.Query, stats_queries.Query, stats_catalog.Query,
               stats_graph.Query, workflows.Query)


class SqlStatements(SchemaExtension):
    """Reports `extensions.sqlStatements`: the SQL statements the request ran."""

    def get_results(self) -> dict[str, int]:
        context = self.execution_context.context
        database = getattr(context, "db", None)
        return {"sqlStatements": database.statements} if database is not None else {}


class Limits(AddValidationRules):
    """The depth and alias limits as validation rules. Strawberry's limiter extensions
    make their rule classes anew for every request; made once, the rules are the same
    objects in every request, so that ValidationCache can reuse a document's validation
    (a query a UI sends again and again: 2.4 ms of a 500-span trace fetch)."""

    RULES = (QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules
             + MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules)

    def __init__(self) -> None:
        super().__init__(list(self.RULES))


def build(executor: type | None = execution.DirectExecutor,
          max_cost: int = cost.DEFAULT_LIMIT) -> strawberry.Schema:
    """The served schema; `executor=None` gives Strawberry's own execution (tests compare);
    `max_cost`: the query cost limit (gateway.cost)."""
    return strawberry.Schema(
        query=merge_types("Query", QUERY_TYPES),
        subscription=live_subscriptions.Subscription,
        extensions=[
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            Limits,
            lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
            lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
            cost.limited(max_cost),
            selfmetrics.Observe,  # masks errors (errors.should_mask), logs and counts
            SqlStatements,
        ],
        execution_context_class=executor,
    )


SCHEMA = build()

# OLLYGRAPH_GATEWAY_EXECUTOR: the executor of each name (None: Strawberry's own)
EXECUTORS: dict[str, type | None] = {"direct": execution.DirectExecutor, "strawberry": None}


def served(executor: str = "direct", max_cost: int = cost.DEFAULT_LIMIT) -> strawberry.Schema:
    """The schema the gateway serves with the named executor and cost limit (SCHEMA for the
    defaults); `strawberry` is the way back when a library upgrade breaks the direct
    executor."""
    if EXECUTORS[executor] is execution.DirectExecutor and max_cost == cost.DEFAULT_LIMIT:
        return SCHEMA
    return build(EXECUTORS[executor], max_cost)


def printed() -> str:
    """The SDL of the served schema (what `schema.graphql` holds)."""
    return SCHEMA.as_str() + "\n"
