"""GraphiQL, as served at /graphql, runs a live subscription in a real headless Chromium:
the span sent through the OpenTelemetry SDK after it started appears in the result pane."""

from __future__ import annotations

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.db

QUERY = ('subscription Tail { spans(filter: {service: "graphiql-live"}) '
         '{ cursor nodes { name service durationMs } } }')


def test_graphiql_runs_a_subscription(page, stack, shots):
    page.goto(f"{stack.url}/graphql?q={quote(QUERY)}")
    page.wait_for_selector("#graphiql .graphiql-execute-button")
    page.wait_for_function("document.body.innerText.includes('Tail')")
    page.locator(".graphiql-execute-button").click()
    result = page.locator(".result-window")
    # the first batch (empty) tells the subscription is live
    page.wait_for_function(
        "document.querySelector('.result-window').innerText.includes('cursor')")
    assert "live tail from GraphiQL" not in result.inner_text()
    with stack.sdk("graphiql-live") as (tracer, _logger):
        tracer.start_span("live tail from GraphiQL").end()
    page.wait_for_function(
        "document.querySelector('.result-window').innerText.includes('live tail from GraphiQL')",
        timeout=30_000)
    text = result.inner_text()
    assert '"service": "graphiql-live"' in text
    page.screenshot(path=str(shots / "graphiql-subscription.png"), full_page=True)
