"""CORS on the gateway: with OLLYGRAPH_CORS_ORIGINS, pages of those origins may call
/graphql from a browser (preflight OPTIONS answered); other origins, and every origin
when the setting is empty (the default), get no CORS headers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.db
ALLOWED = "http://ui.example:3000"
QUERY = {"query": "{ services { name } }"}


@pytest.fixture(scope="module")
def gateway_executor() -> str:
    return "direct"


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    return {"OLLYGRAPH_CORS_ORIGINS": f"{ALLOWED},http://other.example"}


def preflight(stack, origin: str):
    return stack.http.options("/graphql", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})


def test_an_allowed_origin_gets_its_preflight_and_answers(stack):
    answer = preflight(stack, ALLOWED)
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == ALLOWED
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert "content-type" in answer.headers["access-control-allow-headers"].lower()
    posted = stack.http.post("/graphql", json=QUERY, headers={"Origin": ALLOWED})
    assert posted.status_code == 200 and "errors" not in posted.json()
    assert posted.headers["access-control-allow-origin"] == ALLOWED


def test_another_origin_gets_no_cors_headers(stack):
    assert preflight(stack, "http://evil.example").status_code == 400
    posted = stack.http.post("/graphql", json=QUERY, headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in posted.headers
