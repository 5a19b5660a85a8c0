"""GraphiQL's subscriptions: the page's own fetcher (gateway/static/graphiql.html), run
by Node.js outside a browser, subscribes over a real websocket to a running gateway."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from gateway import app

pytestmark = pytest.mark.db
NODE = shutil.which("node")
HARNESS = Path(__file__).with_name("graphiql_fetcher.js")


@pytest.fixture(scope="module")
def gateway_executor() -> str:
    return "direct"


@pytest.mark.skipif(NODE is None, reason="needs Node.js (20 or later)")
def test_graphiql_runs_a_subscription(stack):
    query = "subscription { spans(filter: {service: \"nobody\"}) { cursor nodes { name } } }"
    done = subprocess.run(
        [NODE, "--experimental-websocket", str(HARNESS), str(app.STATIC / "graphiql.html"),
         f"{stack.url}/graphql?q=x", query], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout)
    assert first["data"]["spans"]["nodes"] == []
    assert first["data"]["spans"]["cursor"]
