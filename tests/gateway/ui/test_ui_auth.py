"""The browser UI with auth on (OLLYGRAPH_AUTH=on): the page and its assets load without a
key; the first 401 makes the UI ask for an API key once, keep it in sessionStorage and send
it as `authorization: Bearer` on its fetches and in the websocket's connection_init; a
refused key is said to be refused."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from ollygraph.auth import keys

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, str]:
    return {"query": keys.new_key()[1], "ingest": keys.new_key()[1]}


@pytest.fixture(scope="module")
def stack_env(tmp_path_factory, made) -> dict[str, str]:
    path = tmp_path_factory.mktemp("ui-keys") / "keys"
    path.write_text(f"{made['query']} acme query\n{made['ingest']} acme ingest\n")
    return {"OLLYGRAPH_AUTH": "on", "OLLYGRAPH_API_KEYS_FILE": str(path),
            "OLLYGRAPH_AUTH_CACHE_TTL": "0"}


def _enter(page, key: str) -> None:
    page.fill("input[name=api-key]", key)
    page.get_by_role("button", name="Use this key").click()


def test_the_ui_asks_for_a_key_once_and_sends_it(page, stack, made):
    index = stack.http.get("/", headers={"accept": "text/html"})
    assert index.status_code == 200 and '<div id="app">' in index.text
    assert stack.http.post("/graphql", json={"query": "{ services { name } }"}).status_code == 401

    sent: list[str | None] = []
    page.on("request", lambda r: sent.append(r.headers.get("authorization"))
            if urlparse(r.url).path == "/graphql" else None)
    page.goto(f"{stack.url}/#/search?last=1h")
    page.wait_for_selector(".key-prompt h2:has-text('needs an API key')")
    assert sent and all(header is None for header in sent)

    # a wrong key: refused, said so clearly, asked again
    _enter(page, "og_000000000000_" + "x" * 43)
    page.wait_for_selector(".key-prompt [role=alert]:has-text('refused')")
    assert page.locator(".key-prompt h2").inner_text() == "The gateway refused this key"

    # the right one: kept for the tab, sent on every fetch, no prompt again
    sent.clear()
    _enter(page, made["query"])
    page.wait_for_selector(".results[aria-busy=false]")
    assert page.locator(".key-prompt").count() == 0
    assert sent and all(header == f"Bearer {made['query']}" for header in sent)
    assert page.evaluate("sessionStorage.getItem('ollygraph.key')") == made["query"]
    page.goto(f"{stack.url}/#/map?last=1h")
    page.wait_for_selector(".service-map [aria-busy=false]")
    assert page.locator(".key-prompt").count() == 0

    # the websocket sends it in connection_init: the live tail connects
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda f: frames.append(str(f))))
    page.goto(f"{stack.url}/#/live")
    page.wait_for_selector("[role=status]:has-text('live')", timeout=30_000)
    assert any("connection_init" in f and made["query"] in f for f in frames), frames
    assert page.locator(".key-prompt").count() == 0


def test_a_key_that_may_not_query_is_refused_over_the_websocket(page, stack, made):
    page.add_init_script(f"sessionStorage.setItem('ollygraph.key', '{made['ingest']}')")
    page.goto(f"{stack.url}/#/live")
    page.wait_for_selector(".key-prompt [role=alert]:has-text('refused')", timeout=30_000)
