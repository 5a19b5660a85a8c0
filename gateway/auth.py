"""The gateway's door: bearer credentials (API keys, OIDC tokens) on everything that reads
data, and each tenant's share of the database.

`Guard` wraps the app. With an authenticator it requires `authorization: Bearer` on
/graphql (POST, and GET that runs a query; a browser's GET of the GraphiQL page itself
carries none and runs nothing) and /api/ (downloads), answering 401 with
`WWW-Authenticate: Bearer`, or 403 for a role that may not query. A websocket on /graphql
may carry the header, or else send it in its `connection_init` payload
(`{"authorization": "Bearer ..."}`), checked by `on_ws_connect`. /healthz, /readyz,
/metrics, the static files and the browser UI's page (/ and /ui/) stay open: they reveal
no data. The verified Identity is
put in the request's state (`scope["state"]["identity"]`).
"""

from __future__ import annotations

from typing import Any

import orjson

from gateway import clients
from ollygraph.auth import authenticator, identity

OPEN_PREFIXES = ("/healthz", "/readyz", "/metrics", "/static/", "/ui/", "/favicon.ico")


class Guard:
    def __init__(self, app: Any, auth: authenticator.Authenticator | None) -> None:
        self.app, self.auth = app, auth

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if self.auth is None or scope["type"] not in ("http", "websocket") \
                or scope["path"].startswith(OPEN_PREFIXES):
            return await self.app(scope, receive, send)
        header = _header(scope, b"authorization")
        if scope["type"] == "websocket":
            if header is not None:      # else the connection_init payload must carry it
                try:
                    who = await self.auth.identify(header, "query")
                except (identity.Unauthenticated, identity.Forbidden,
                        identity.CheckUnavailable):
                    await send({"type": "websocket.close", "code": 4401})
                    return None
                scope.setdefault("state", {})["identity"] = who
            return await self.app(scope, receive, send)
        if _graphiql_page(scope) or _ui_page(scope):
            return await self.app(scope, receive, send)
        try:
            who = await self.auth.identify(header, "query")
        except identity.Unauthenticated as exc:
            return await _refuse(send, 401, "UNAUTHENTICATED", str(exc))
        except identity.Forbidden as exc:
            return await _refuse(send, 403, "FORBIDDEN", str(exc))
        except identity.CheckUnavailable as exc:
            return await _refuse(send, 503, "DATABASE_UNAVAILABLE", str(exc))
        scope.setdefault("state", {})["identity"] = who
        return await self.app(scope, receive, send)


async def connection_identity(auth: authenticator.Authenticator,
                              params: Any) -> identity.Identity:
    """The identity of a websocket's connection_init payload (`authorization`, or
    `headers.authorization`, as GraphiQL's header editor sends them)."""
    header = None
    if isinstance(params, dict):
        header = params.get("authorization") or params.get("Authorization")
        nested = params.get("headers")
        if header is None and isinstance(nested, dict):
            header = nested.get("authorization") or nested.get("Authorization")
    return await auth.identify(header if isinstance(header, str) else None, "query")


def of(request: Any) -> identity.Identity | None:
    """The verified identity of a request (None with auth off)."""
    state = getattr(request, "scope", {}).get("state") or {}
    return state.get("identity")


def slot(state: dict[str, Any], request: Any,
         who: identity.Identity | None = None) -> tuple[clients.Clients, str]:
    """Whose share of the database a request uses: its tenant's with auth on
    (OLLYGRAPH_TENANT_CONCURRENCY), else its address's (OLLYGRAPH_CLIENT_CONCURRENCY)."""
    who = who or of(request)
    if who is None:
        return state["clients"], clients.address(request)
    return state["tenants"], f"tenant:{who.tenant}"


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _graphiql_page(scope: dict) -> bool:
    """A browser's GET of /graphql: answered with the GraphiQL page, running nothing
    (GraphQLApp.should_render_graphql_ide)."""
    accept = _header(scope, b"accept") or ""
    return scope["method"] == "GET" and scope["path"] == "/graphql" and "text/html" in accept


def _ui_page(scope: dict) -> bool:
    """A GET of / : the browser UI's page, static like its /ui/ assets; the UI asks for a
    key and sends it on its own requests (docs/ui.md)."""
    return scope["method"] in ("GET", "HEAD") and scope["path"] == "/"


async def _refuse(send: Any, status: int, code: str, message: str) -> None:
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
