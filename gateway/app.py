"""The gateway's ASGI app: /graphql (GraphiQL from shipped files on GET in a browser),
/static (GraphiQL's assets), /healthz; `run(settings)` serves it with uvicorn."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL

from gateway import context, db, schema
from ollygraph.settings import Settings

STATIC = Path(__file__).with_name("static")
# allocations (net of frees) of container objects between young collections: more than
# the objects that one large response keeps alive while it is built (see lifespan)
GC_YOUNG_THRESHOLD = 50_000


class GraphQLApp(GraphQL):
    """Strawberry's ASGI GraphQL with our context and an offline GraphiQL page."""

    graphql_ide_html = (STATIC / "graphiql.html").read_text()

    def __init__(self, state: dict[str, Any], served: strawberry.Schema) -> None:
        super().__init__(served, graphql_ide="graphiql", allow_queries_via_get=True)
        self.state = state

    def encode_json(self, data: object) -> str | bytes:
        """orjson (responses of thousands of values), or json where orjson refuses a
        value (an integer beyond 64 bits in a JSON scalar)."""
        try:
            return orjson.dumps(data)
        except TypeError:
            return super().encode_json(data)

    async def get_context(self, request: Any, response: Any) -> context.Context:
        return context.Context.create(self.state["pool"], request, response)


def create_app(database_url: str, db_schema: str, *, pool_size: int = 10,
               statement_timeout_ms: int = db.STATEMENT_TIMEOUT_MS,
               executor: str = "direct") -> Starlette:
    """The app; its pool opens at startup and closes at shutdown. `executor`: a name of
    schema.EXECUTORS (OLLYGRAPH_GATEWAY_EXECUTOR)."""
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["pool"] = await db.create_pool(database_url, db_schema, max_size=pool_size,
                                             statement_timeout_ms=statement_timeout_ms)
        # What exists now (modules, the schema, the pool) lives as long as the process:
        # out of the collector's generations, it is not rescanned by every full collection
        # that a large response's many short-lived objects trigger.
        gc.freeze()
        # A request's objects are freed by reference counting when it ends (the direct
        # executor leaves no cycles behind), but while a 500-span trace's response is
        # built 5,000-10,000 of them are alive at once: at the default threshold (700)
        # that is ~18 young collections per request rescanning them, 11-16% of the main
        # thread; at GC_YOUNG_THRESHOLD, none.
        thresholds = gc.get_threshold()
        gc.set_threshold(GC_YOUNG_THRESHOLD, *thresholds[1:])
        try:
            yield
        finally:
            gc.set_threshold(*thresholds)
            await state.pop("pool").close()

    async def healthz(request: Request) -> JSONResponse:
        try:
            async with state["pool"].acquire() as conn:
                await conn.fetchval("SELECT 1")
        except Exception as exc:  # unhealthy, whatever the reason
            return JSONResponse({"status": "unavailable", "error": type(exc).__name__},
                                status_code=503)
        return JSONResponse({"status": "ok"})

    graphql = GraphQLApp(state, schema.served(executor))
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[Middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)],
        lifespan=lifespan,
    )


def run(settings: Settings) -> None:
    """Serve the gateway on settings.host:settings.gateway_port until stopped."""
    import uvicorn

    app = create_app(settings.database_url, settings.schema,
                     statement_timeout_ms=settings.statement_timeout * 1000,
                     executor=settings.gateway_executor)
    uvicorn.run(app, host=settings.host, port=settings.gateway_port,
                log_level=settings.log_level.lower(), access_log=False)
