"""The gateway's own metrics (Prometheus, GET /metrics) and its GraphQL error answers.

`Observe`, a schema extension, sees every GraphQL request: it times it, counts the SQL
statements it ran and their time (`db.Db`), and sorts its errors by kind:

- user: syntax and validation errors, `errors.UserError` (a bad filter, cursor, id):
  logged at INFO without traceback; the client sees the message.
- database_unavailable: the database refused or dropped the connection, or the pool
  timed out: WARNING without traceback; the client sees "the database is unavailable;
  retry later" with `extensions.code` DATABASE_UNAVAILABLE.
- internal: anything else (a bug): ERROR with the traceback; the client sees
  "Unexpected error." with `extensions.code` INTERNAL.

Errors of the last two kinds carry `extensions.correlationId`, the same id as their log
record (`correlation_id`), so a user can quote it. The `operation` label is the
operation's name for requests that passed validation, `anonymous` for unnamed ones,
`invalid` for those refused before execution and `other` past `MAX_OPERATIONS` distinct
names (or for a name that is not a plain identifier), so clients cannot grow the label
set without bound. The metrics are listed in docs/observability.md.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import asyncpg
from graphql import GraphQLError
from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from strawberry.extensions import SchemaExtension

from gateway import errors
from ollygraph import logs

log = logging.getLogger("gateway.graphql")

MAX_OPERATIONS = 100
UNAVAILABLE_MESSAGE = "the database is unavailable; retry later"
MASKED_MESSAGE = "Unexpected error."
KINDS = ("user", "database_unavailable", "internal")
CODES = {"database_unavailable": "DATABASE_UNAVAILABLE", "internal": "INTERNAL"}
DOWN = (OSError, TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
        asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError,
        asyncpg.AdminShutdownError,
        asyncpg.InternalClientError)  # e.g. a connection the server has terminated
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")

REQUESTS = Counter("ollygraph_gateway_requests", "GraphQL requests by operation and outcome "
                   "(ok, or the worst error kind)", ["operation", "outcome"])
DURATION = Histogram("ollygraph_gateway_request_duration_seconds",
                     "GraphQL request duration, parsing to result", ["operation"])
ERRORS = Counter("ollygraph_gateway_errors", "GraphQL errors by kind", ["kind"])
SQL_STATEMENTS = Histogram("ollygraph_gateway_sql_statements", "SQL statements per GraphQL "
                           "request", ["operation"],
                           buckets=(0, 1, 2, 3, 5, 8, 13, 20, 30, 50, 100))
SQL_SECONDS = Histogram("ollygraph_gateway_sql_seconds",
                        "SQL time per GraphQL request (its statements' durations added up)",
                        ["operation"])

_operations: set[str] = set()
_pools: list[Any] = []


def prepare() -> None:
    """Every error kind exists at zero, so a rate is defined before the first error."""
    for kind in KINDS:
        ERRORS.labels(kind)


def operation_label(name: str | None) -> str:
    if not name:
        return "anonymous"
    if name in _operations:
        return name
    if not _NAME.fullmatch(name) or len(_operations) >= MAX_OPERATIONS:
        return "other"
    _operations.add(name)
    return name


def kind_of(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, (errors.DatabaseUnavailable, *DOWN)):
        return "database_unavailable"
    return "internal" if errors.should_mask(error) else "user"


class Observe(SchemaExtension):
    """Times, counts and logs each request; masks the errors a client cannot fix."""

    def on_operation(self) -> Iterator[None]:
        self._executed = False
        start = time.perf_counter()
        try:
            yield
        except GraphQLError as exc:  # raised by a hook before there is a result (a syntax
            [answer] = self._finish(start, [exc])  # error, from ParserCache's on_parse)
            if answer is not exc:
                raise answer from None
            raise
        result = self.execution_context.result
        found = list(getattr(result, "errors", None) or ())
        if found:
            result.errors = self._finish(start, found)
        else:
            self._finish(start, [])

    def _finish(self, start: float, found: list[GraphQLError]) -> list[GraphQLError]:
        """Count and time the request; the answers to its errors."""
        context = self.execution_context
        label = operation_label(context.operation_name) if self._executed else "invalid"
        answers = [self._answer(error, label) for error in found]
        worst = max((KINDS.index(kind_of(e)) for e in found), default=-1)
        REQUESTS.labels(label, KINDS[worst] if worst >= 0 else "ok").inc()
        DURATION.labels(label).observe(time.perf_counter() - start)
        database = getattr(context.context, "db", None)
        if database is not None:
            SQL_STATEMENTS.labels(label).observe(database.statements)
            SQL_SECONDS.labels(label).observe(database.sql_seconds)
        return answers

    def on_execute(self) -> Iterator[None]:
        self._executed = True
        yield

    def _answer(self, error: GraphQLError, label: str) -> GraphQLError:
        """Log `error`; what the client gets for it."""
        kind = kind_of(error)
        ERRORS.labels(kind).inc()
        if kind == "user":
            log.info("GraphQL error (operation %s): %s", label, error.message,
                     extra={"operation": label, "kind": kind})
            return error
        original = error.original_error
        where = ".".join(map(str, error.path or ())) or "-"
        if kind == "internal":
            cid = logs.internal_error(log, f"in {label} at {where}", original or error,
                                      operation=label, kind=kind)
        else:
            cid = logs.correlation_id()
            log.warning("database unavailable %s in %s at %s: %s: %s", cid, label, where,
                        type(original).__name__, original,
                        extra={"operation": label, "kind": kind, "correlation_id": cid})
        if isinstance(original, errors.UserError):  # gateway.db's words for an outage
            message = error.message
        else:
            message = UNAVAILABLE_MESSAGE if kind == "database_unavailable" else MASKED_MESSAGE
        return GraphQLError(
            message,
            nodes=error.nodes, source=error.source, positions=error.positions, path=error.path,
            extensions={"code": CODES[kind], "correlationId": cid})


class _Pools:
    """Collector: size and use of the gateway's connection pools, read at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        size = GaugeMetricFamily("ollygraph_gateway_pool_size", "Open database connections")
        used = GaugeMetricFamily("ollygraph_gateway_pool_in_use",
                                 "Database connections running a statement")
        limit = GaugeMetricFamily("ollygraph_gateway_pool_max", "Most connections the pool opens")
        size.add_metric([], sum(p.get_size() for p in _pools))
        used.add_metric([], sum(p.get_size() - p.get_idle_size() for p in _pools))
        limit.add_metric([], sum(p.get_max_size() for p in _pools))
        yield from (size, used, limit)


def watch_pool(pool: Any) -> None:
    _pools.append(pool)


def forget_pool(pool: Any) -> None:
    if pool in _pools:
        _pools.remove(pool)


REGISTRY.register(_Pools())
