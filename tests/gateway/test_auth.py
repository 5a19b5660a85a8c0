"""The gateway with auth on: API keys and OIDC tokens (a real RSA key pair, its JWKS
served over real HTTP) on /graphql, websockets and downloads; what stays open."""

from __future__ import annotations

import asyncio
import base64
import http.server
import json
import threading
import time
import uuid

import httpx
import jwt
import psycopg
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from gateway import auth as gateway_auth
from gateway import clients
from ingest import signals
from ollygraph import migrate
from ollygraph.auth import identity, keys, oidc
from tests.ingest import payloads

ISSUER = "https://login.example.test/"
AUDIENCE = "ollygraph"
QUERY = "{ traces(first: 5) { nodes { traceId rootService } } }"


class Issuer:
    """An OIDC issuer's signing keys and its JWKS, served on a local port."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.fetches = 0
        issuer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                issuer.fetches += 1
                body = json.dumps(issuer.jwks()).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/jwks.json"

    def add_key(self, kid: str) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwks(self) -> dict:
        return {"keys": [{**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(k.public_key())),
                          "kid": kid, "use": "sig", "alg": "RS256"}
                         for kid, k in self.keys.items()]}

    def token(self, kid: str = "k1", key: rsa.RSAPrivateKey | None = None, **claims) -> str:
        now = int(time.time())
        body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "tenant": "acme",
                "iat": now, "exp": now + 300, **claims}
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(body, key or self.keys[kid], algorithm="RS256",
                          headers={"kid": kid})


@pytest.fixture(scope="module")
def issuer():
    made = Issuer()
    made.add_key("k1")
    yield made
    made.server.shutdown()


@pytest.fixture(scope="module")
def gateway_executor():
    return "direct"


@pytest.fixture(scope="module")
def key_file(tmp_path_factory):
    made = {name: keys.new_key()[1] for name in ("ingest", "query", "beta")}
    path = tmp_path_factory.mktemp("keys") / "keys"
    path.write_text(f"{made['ingest']} acme ingest\n{made['query']} acme query\n"
                    f"{made['beta']} beta query\n")
    return path, made


@pytest.fixture(scope="module")
def stack_env(issuer, key_file):
    return {"OLLYGRAPH_AUTH": "on", "OLLYGRAPH_API_KEYS_FILE": str(key_file[0]),
            "OLLYGRAPH_AUTH_CACHE_TTL": "0", "OLLYGRAPH_OIDC_ISSUER": ISSUER,
            "OLLYGRAPH_OIDC_AUDIENCE": AUDIENCE, "OLLYGRAPH_OIDC_JWKS_URL": issuer.url}


@pytest.fixture(scope="module")
def sent(stack, key_file):
    """One trace sent through ingest with the ingest key; its id."""
    trace_id = payloads.new_trace_id()
    body = payloads.traces("authsvc", trace_id).SerializeToString()
    path = signals.BY_NAME["traces"].http_path
    reply = httpx.post(stack.otlp_http + path, content=body, timeout=30,
                       headers={"content-type": "application/x-protobuf",
                                "authorization": f"Bearer {key_file[1]['ingest']}"})
    assert reply.status_code == 200, reply.text
    return trace_id.hex()


def _query(stack, header: str | None, query: str = QUERY):
    return stack.http.post("/graphql", json={"query": query},
                           headers={"authorization": header} if header else {})


def test_query_needs_a_query_key(stack, key_file, sent):
    made = key_file[1]
    for header in (None, "Bearer nope", "Basic x", "Bearer " + keys.new_key()[1]):
        reply = _query(stack, header)
        assert reply.status_code == 401 and reply.headers["www-authenticate"] == "Bearer"
        assert reply.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert _query(stack, f"Bearer {made['ingest']}").status_code == 403
    reply = _query(stack, f"Bearer {made['query']}")
    assert reply.status_code == 200
    nodes = reply.json()["data"]["traces"]["nodes"]
    assert {n["traceId"] for n in nodes} == {sent}
    get = stack.http.get("/graphql", params={"query": QUERY})
    assert get.status_code == 401


def test_store_keys_and_revocation(stack, sent):
    with psycopg.connect(migrate.libpq_url(stack.database_url), autocommit=True,
                         options=f"-c search_path={stack.schema}") as conn:
        made = keys.create(conn, "acme", "query")
        assert _query(stack, f"Bearer {made.key}").status_code == 200
        keys.revoke(conn, made.key_id)
    assert _query(stack, f"Bearer {made.key}").status_code == 401


def test_downloads_need_a_key(stack, key_file, sent):
    assert stack.http.get(f"/api/traces/{sent}").status_code == 401
    reply = stack.http.get(f"/api/traces/{sent}",
                           headers={"authorization": f"Bearer {key_file[1]['query']}"})
    assert reply.status_code == 200 and reply.json()["resourceSpans"]


def test_open_paths_reveal_no_data_or_database(stack):
    page = stack.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    for path in ("/healthz", "/readyz"):
        reply = stack.http.get(path)
        assert reply.status_code == 200 and reply.json() == {"status": "ok"}
    assert stack.http.get("/static/graphiql.min.css").status_code == 200


async def _ws(stack, init: dict, headers: dict | None = None):
    ws = await connect(stack.url.replace("http", "ws") + "/graphql",
                       subprotocols=["graphql-transport-ws"], additional_headers=headers)
    await ws.send(json.dumps(init))
    return ws, json.loads(await ws.recv())


def test_websocket_authenticates_in_connection_init_or_header(stack, key_file):
    made = key_file[1]

    async def go():
        ws, reply = await _ws(stack, {"type": "connection_init",
                                      "payload": {"authorization": f"Bearer {made['query']}"}})
        assert reply["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": "{ services { name } }"}}))
        assert json.loads(await ws.recv())["type"] == "next"
        await ws.close()
        ws, reply = await _ws(stack, {"type": "connection_init"},
                              {"authorization": f"Bearer {made['query']}"})
        assert reply["type"] == "connection_ack"
        await ws.close()
        for payload in ({}, {"authorization": "Bearer nope"},
                        {"authorization": f"Bearer {made['ingest']}"}):
            with pytest.raises(ConnectionClosed) as caught:
                await _ws(stack, {"type": "connection_init", "payload": payload})
            assert caught.value.rcvd.code == 4403
        with pytest.raises(Exception):  # noqa: B017 - refused at the handshake
            await _ws(stack, {"type": "connection_init"}, {"authorization": "Bearer nope"})

    asyncio.run(go())


def test_oidc_token_is_accepted(stack, issuer, sent):
    reply = _query(stack, f"Bearer {issuer.token()}")
    assert reply.status_code == 200, reply.text
    assert reply.json()["data"]["traces"]["nodes"]


def _none_alg(issuer) -> str:
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    now = int(time.time())
    return (part({"alg": "none", "typ": "JWT", "kid": "k1"}) + "." +
            part({"iss": ISSUER, "aud": AUDIENCE, "tenant": "acme", "exp": now + 300}) + ".")


def _hs256_with_public_key(issuer) -> str:
    pem = issuer.keys["k1"].public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT","kid":"k1"}').rstrip(b"=")
    now = int(time.time())
    claims = base64.urlsafe_b64encode(json.dumps(
        {"iss": ISSUER, "aud": AUDIENCE, "tenant": "acme", "exp": now + 300}).encode()
    ).rstrip(b"=")
    import hashlib
    import hmac
    signature = base64.urlsafe_b64encode(
        hmac.new(pem, header + b"." + claims, hashlib.sha256).digest()).rstrip(b"=")
    return (header + b"." + claims + b"." + signature).decode()


@pytest.mark.parametrize("bad", ["wrong audience", "wrong issuer", "expired", "no exp",
                                 "no tenant", "alg none", "foreign key", "hs256 confusion",
                                 "unknown kid", "garbage"])
def test_bad_tokens_are_refused(stack, issuer, bad):
    foreign = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = {
        "wrong audience": lambda: issuer.token(aud="someone-else"),
        "wrong issuer": lambda: issuer.token(iss="https://evil.example.test/"),
        "expired": lambda: issuer.token(exp=int(time.time()) - 120),
        "no exp": lambda: issuer.token(exp=None),
        "no tenant": lambda: issuer.token(tenant=None),
        "alg none": lambda: _none_alg(issuer),
        "foreign key": lambda: issuer.token(key=foreign),
        "hs256 confusion": lambda: _hs256_with_public_key(issuer),
        "unknown kid": lambda: issuer.token(kid="k9", key=foreign),
        "garbage": lambda: "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
    }[bad]()
    reply = _query(stack, f"Bearer {token}")
    assert reply.status_code == 401, (bad, reply.text)


def test_rotated_signing_key_is_fetched(stack, issuer):
    issuer.add_key(f"k-{uuid.uuid4().hex[:6]}")
    newest = list(issuer.keys)[-1]
    time.sleep(oidc.JWKS_COOLDOWN_S + 0.5)   # an unknown kid earlier started a cooldown
    before = issuer.fetches
    assert _query(stack, f"Bearer {issuer.token(kid=newest)}").status_code == 200
    assert issuer.fetches > before


def test_tenants_have_their_own_statement_slots():
    state = {"clients": clients.Clients(4, 1.0), "tenants": clients.Clients(2, 1.0)}

    class Request:
        def __init__(self, who):
            self.scope = {"state": {"identity": who} if who else {}}
            self.client = None

    acme = gateway_auth.slot(state, Request(identity.Identity("acme", "query", "a")))
    beta = gateway_auth.slot(state, Request(identity.Identity("beta", "query", "b")))
    assert acme == (state["tenants"], "tenant:acme") and beta[1] == "tenant:beta"
    assert gateway_auth.slot(state, Request(None))[0] is state["clients"]
