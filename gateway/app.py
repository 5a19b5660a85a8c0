"""The gateway's ASGI app: / (the browser UI, gateway/ui/dist; docs/ui.md), /ui (its
assets), /graphql (GraphiQL from shipped files on GET in a browser,
prefilled from `?q=` or `?query=`), /static (GraphiQL's assets), /favicon.ico,
/api/traces/{traceId} (a trace as OTLP, gateway.otlp), /healthz (liveness: the process
answers; it never waits for the database), /readyz
(readiness: a query on a connection of its own, outside the pool, with a short
timeout); `run(settings)` serves it with uvicorn."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected

from gateway import auth, clients, context, cost, db, errors, limits, otlp, schema, selfmetrics
from gateway.live import hub as live_hub
from ollygraph import logs, migrate, telemetry
from ollygraph import settings as settings_module
from ollygraph.auth import authenticator, identity, oidc
from ollygraph.settings import Settings

STATIC = Path(__file__).with_name("static")
UI = Path(__file__).with_name("ui") / "dist"
READY_TIMEOUT_S = 2.0
# allocations (net of frees) of container objects between young collections: more than
# the objects that one large response keeps alive while it is built (see lifespan)
GC_YOUNG_THRESHOLD = 50_000


class TextWebSocket(ASGIWebSocketAdapter):
    """Protocol messages as text frames, as graphql-transport-ws has them (clients parse
    text; encode_json gives bytes)."""

    async def send_json(self, message: Any) -> None:
        data = self.view.encode_json(message)
        try:
            await self.ws.send_text(data if isinstance(data, str) else data.decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class GraphQLApp(GraphQL):
    """Strawberry's ASGI GraphQL with our context and an offline GraphiQL page."""

    websocket_adapter_class = TextWebSocket

    graphql_ide_html = (STATIC / "graphiql.html").read_text()

    def __init__(self, state: dict[str, Any], served: strawberry.Schema) -> None:
        # subscriptions over graphql-transport-ws (and the older graphql-ws) on the same
        # route; keep_alive: graphql-ws "ka" messages (graphql-transport-ws pings are
        # answered with pongs)
        super().__init__(served, graphql_ide="graphiql", allow_queries_via_get=True,
                         keep_alive=True, keep_alive_interval=15)
        self.state = state

    def encode_json(self, data: object) -> str | bytes:
        """orjson (responses of thousands of values), or json where orjson refuses a
        value (an integer beyond 64 bits in a JSON scalar)."""
        try:
            return orjson.dumps(data)
        except TypeError:
            return super().encode_json(data)

    def should_render_graphql_ide(self, request: Any) -> bool:
        """A browser's GET (it accepts text/html) gets GraphiQL, with `?query=` prefilled
        rather than run; other clients' GETs with `?query=` run it and get JSON."""
        return super().should_render_graphql_ide(request) or (
            request.method == "GET" and "text/html" in request.headers.get("accept", ""))

    async def get_context(self, request: Any, response: Any) -> context.Context:
        slots, client = auth.slot(self.state, request)
        made = context.Context.create(self.state["pool"], request, response, slots, client)
        made.identity = auth.of(request)
        return made

    async def on_ws_connect(self, ctx: context.Context) -> Any:
        """With auth on, a websocket without a verified header authenticates in its
        connection_init payload; refused: closed with 4403."""
        checker = self.state.get("auth")
        if checker is None or ctx.identity is not None:
            return await super().on_ws_connect(ctx)
        try:
            who = await auth.connection_identity(checker, ctx.connection_params)
        except (identity.Unauthenticated, identity.Forbidden,
                identity.CheckUnavailable) as exc:
            raise ConnectionRejectionError({"message": str(exc)}) from None
        ctx.identity = who
        ctx.db.slots, ctx.db.client = auth.slot(self.state, ctx.request, who)
        return await super().on_ws_connect(ctx)

    def create_response(self, response_data: Any, sub_response: Any) -> Any:
        """As Strawberry's; a query that could not run at all for a transient reason
        (database unavailable, the client's queue full) answers 503 / 429 with
        Retry-After (gateway.errors)."""
        response = super().create_response(response_data, sub_response)
        if isinstance(response_data, dict):
            status = errors.http_status(response_data.get("errors"), response_data.get("data"))
            if status is not None:
                response.status_code = status
                response.headers["Retry-After"] = str(errors.RETRY_AFTER_S)
        return response


def create_app(database_url: str, db_schema: str, *, pool_size: int = 10,
               statement_timeout_ms: int = db.STATEMENT_TIMEOUT_MS,
               max_query_cost: int = cost.DEFAULT_LIMIT,
               max_body_bytes: int = limits.DEFAULT_MAX_BODY_BYTES,
               client_concurrency: int = 4, queue_timeout: float = 5.0,
               executor: str = "direct", live: Settings | None = None,
               cors_origins: tuple[str, ...] = (),
               authenticate: authenticator.Authenticator | None = None,
               tenant_concurrency: int = 8) -> Starlette:
    """The app; its pool opens at startup and closes at shutdown. `executor`: a name of
    schema.EXECUTORS (OLLYGRAPH_GATEWAY_EXECUTOR); `live`: the settings of live
    subscriptions (OLLYGRAPH_LIVE_*; the defaults when None); `cors_origins`: origins
    whose pages may call the gateway (OLLYGRAPH_CORS_ORIGINS; none when empty);
    `authenticate`: checks every data request's credentials (None: auth off), whose
    tenant then gets `tenant_concurrency` statements at once."""
    state: dict[str, Any] = {"clients": clients.Clients(client_concurrency, queue_timeout),
                             "tenants": clients.Clients(tenant_concurrency, queue_timeout),
                             "auth": authenticate}
    # selfmetrics.Observe logs each GraphQL error once, at the level of its kind; Strawberry
    # would log every one (a typo included) at ERROR again
    logging.getLogger("strawberry.execution").disabled = True
    selfmetrics.prepare()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state["pool"] = await db.create_pool(database_url, db_schema, max_size=pool_size,
                                             statement_timeout_ms=statement_timeout_ms)
        selfmetrics.watch_pool(state["pool"])
        if authenticate is not None:
            authenticate.pool = state["pool"]   # the store's API keys
        app.state.live = live_hub.Hub(database_url, db_schema, state["pool"],
                                      live if live is not None else Settings())
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
            await app.state.live.close()
            selfmetrics.forget_pool(state["pool"])
            await state.pop("pool").close()

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        try:
            conn = await asyncpg.connect(migrate.libpq_url(database_url),
                                         timeout=READY_TIMEOUT_S,
                                         server_settings={"application_name":
                                                          "ollygraph-gateway-ready"})
            try:
                await conn.fetchval("SELECT 1", timeout=READY_TIMEOUT_S)
            finally:
                await conn.close(timeout=READY_TIMEOUT_S)
        except Exception as exc:  # not ready, whatever the reason
            return JSONResponse({"status": "unavailable", "error": type(exc).__name__},
                                status_code=503)
        return JSONResponse({"status": "ok"})

    async def ui(request: Request) -> FileResponse:
        return FileResponse(UI / "index.html", media_type="text/html")

    async def favicon(request: Request) -> FileResponse:
        return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon")

    graphql = limits.BoundedBody(GraphQLApp(state, schema.served(executor, max_query_cost)),
                                 max_body_bytes)
    middleware = [Middleware(logs.AccessLog)]
    if cors_origins:  # preflights (OPTIONS) are answered here, before any credential check
        middleware.append(Middleware(
            CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
            allow_headers=["content-type", "accept", "authorization"],
            expose_headers=["Retry-After"], max_age=3600))
    middleware += [Middleware(auth.Guard, auth=authenticate),
                   Middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)]
    return Starlette(
        routes=[
            Route("/", ui),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/favicon.ico", favicon),
            Route("/readyz", readyz),
            otlp.route(state),
            Route("/metrics", telemetry.metrics_endpoint),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
            Mount("/ui", StaticFiles(directory=UI), name="ui"),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )


def run(settings: Settings) -> None:
    """Serve the gateway on settings.host:settings.gateway_port until stopped."""
    import uvicorn

    app = create_app(settings.database_url, settings.schema,
                     statement_timeout_ms=settings.statement_timeout * 1000,
                     max_query_cost=settings.max_query_cost,
                     max_body_bytes=settings.max_body_bytes,
                     client_concurrency=settings.client_concurrency,
                     queue_timeout=settings.queue_timeout,
                     executor=settings.gateway_executor, live=settings,
                     cors_origins=settings.cors_origins,
                     authenticate=authenticator.build(settings, None, oidc.build(settings)),
                     tenant_concurrency=settings.tenant_concurrency)
    # log_config=None: uvicorn's records go through logs.configure's handler (one format)
    uvicorn.run(app, host=settings.host, port=settings.gateway_port, log_config=None,
                log_level=settings.log_level.lower(), access_log=False,
                **settings_module.uvicorn_tls(settings))
