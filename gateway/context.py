"""The typed per-request context: the request's Db and its loaders.

A new Context (and so new loaders and caches) is made for every GraphQL request; the
loaders of a signal live under its name (`context.traces`, `context.logs`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import asyncpg

from gateway import clients, db, resources
from gateway.logs import loaders as log_loaders
from gateway.metrics import loaders as metric_loaders
from gateway.traces import loaders as trace_loaders


@dataclasses.dataclass
class Context:
    db: db.Db
    traces: trace_loaders.Loaders
    logs: log_loaders.Loaders
    metrics: metric_loaders.Loaders
    resources: resources.Loaders
    request: Any = None
    response: Any = None
    identity: Any = None            # the verified ollygraph.auth Identity (None: auth off)
    connection_params: Any = None   # a websocket's connection_init payload

    @classmethod
    def create(cls, pool: asyncpg.Pool, request: Any = None, response: Any = None,
               slots: clients.Clients = db.DEFAULT_CLIENTS,
               client: str | None = None) -> Context:
        database = db.Db(pool, slots, client or clients.address(request))
        return cls(db=database, traces=trace_loaders.Loaders(database),
                   logs=log_loaders.Loaders(database),
                   metrics=metric_loaders.Loaders(database), resources=resources.Loaders(database),
                   request=request, response=response)
