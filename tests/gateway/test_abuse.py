"""A hostile client against the real gateway over HTTP and a real PostgreSQL: every case
gets a clear refusal (with extensions.code) or a bounded answer, never a 500 or
"Unexpected error.", and the process stays healthy."""

from __future__ import annotations

import concurrent.futures
import json
import time

import httpx
import pytest

from gateway import cost, errors, limits
from tests.gateway import abuse

pytestmark = pytest.mark.db
SPANS = 1000


@pytest.fixture(scope="module")
def big_trace(stack) -> str:
    """A stored trace of SPANS spans (a root and its children)."""
    with stack.sdk("abuse", batch=True) as (tracer, _), \
            tracer.start_as_current_span("root") as root:
        for i in range(SPANS - 1):
            with tracer.start_as_current_span(f"child-{i}", attributes={"abuse.text": f"x{i}y"}):
                pass
        trace_id = format(root.get_span_context().trace_id, "032x")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = stack.post("query ($id: ID!) { trace(traceId: $id) { spanCount } }",
                           {"id": trace_id})["data"]["trace"]
        if found and found["spanCount"] == SPANS:
            return trace_id
        time.sleep(0.3)
    raise AssertionError("the trace was not stored")


def post(stack, query: str, variables: dict | None = None) -> httpx.Response:
    return stack.http.post("/graphql", json={"query": query, "variables": variables or {}})


def refused(response: httpx.Response, code: str = errors.BAD_USER_INPUT) -> str:
    """The message of a refusal with `code` that ran no SQL."""
    body = response.json()
    assert abuse.codes(body) == [code], body
    assert body.get("data") is None or all(v is None for v in body["data"].values())
    assert (body.get("extensions") or {}).get("sqlStatements", 0) == 0, body
    return body["errors"][0]["message"]


def test_the_fan_out_query_is_refused_with_its_cost_before_any_sql(stack, big_trace) -> None:
    response = post(stack, abuse.FANOUT, {"id": big_trace})
    assert response.status_code == 200
    message = refused(response, "COST_LIMIT_EXCEEDED")
    expected = 1 + 1000 + 1000 + 1000**2 + 1000**2 + 1000**3
    assert f"{expected:,}" in message and f"{cost.DEFAULT_LIMIT:,}" in message
    body = response.json()
    assert body["extensions"]["cost"] == {"requested": expected, "limit": cost.DEFAULT_LIMIT}
    assert body["errors"][0]["extensions"]["cost"] == expected


def test_a_whole_trace_fits_the_defaults_and_reports_its_cost(stack, big_trace) -> None:
    body = post(stack, abuse.TRACE, {"id": big_trace}).json()
    assert not body.get("errors"), body.get("errors")
    assert len(body["data"]["trace"]["spans"]) == SPANS == body["data"]["trace"]["spanCount"]
    requested = body["extensions"]["cost"]["requested"]
    assert 0 < requested <= body["extensions"]["cost"]["limit"]


def test_nested_lists_take_first_within_their_maximum(stack, big_trace) -> None:
    query = ("query ($id: ID!, $n: Int) { trace(traceId: $id) { spans(first: $n) { spanId "
             "children(first: 2) { spanId } } } }")
    body = post(stack, query, {"id": big_trace, "n": 10}).json()
    spans = body["data"]["trace"]["spans"]
    assert len(spans) == 10 and all(len(s["children"]) <= 2 for s in spans)
    assert body["extensions"]["cost"]["requested"] == 1 + 10 + 10 * 2
    refused(post(stack, query, {"id": big_trace, "n": -1}))


def test_every_response_reports_cost(stack) -> None:
    assert post(stack, "{ __typename }").json()["extensions"]["cost"]["requested"] == 0
    invalid = post(stack, "{ nope }").json()
    assert invalid["extensions"]["cost"] == {"requested": None, "limit": cost.DEFAULT_LIMIT}


def test_too_many_attribute_filters_are_refused(stack) -> None:
    message = refused(post(stack, abuse.SPANS, abuse.filters(10_000)))
    assert f"10,000 attribute filters, more than the limit of {limits.MAX_ATTRIBUTE_FILTERS}" \
        in message


@pytest.mark.parametrize("n", [100_000, 1_000_000])
def test_a_body_over_the_size_limit_gets_413(stack, n) -> None:
    response = post(stack, abuse.SPANS, abuse.filters(n))
    assert response.status_code == 413
    assert "larger than the limit" in refused(response)


def test_a_long_in_list_is_refused(stack) -> None:
    message = refused(post(stack, abuse.SPANS, abuse.in_list(100_000)))
    assert f"100,000 values, more than the limit of {limits.MAX_IN_VALUES:,}" in message


def test_deeply_nested_json_is_a_user_error(stack) -> None:
    response = stack.http.post("/graphql", content=abuse.deep_json(100_000),
                               headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "nested more than" in refused(response)
    variables = json.dumps(json.loads(abuse.deep_json(100)))
    got = stack.http.get("/graphql", params={"query": "{ __typename }", "variables": variables})
    assert got.status_code == 400 and "nested more than" in refused(got)
    value: object = 1
    for _ in range(limits.MAX_JSON_DEPTH + 1):
        value = [value]
    flt = {"f": {"attributes": [{"key": "k", "value": value}]}}
    assert "nested more than" in refused(post(stack, abuse.SPANS, flt))


def test_absurd_values_are_user_errors(stack) -> None:
    cursor = refused(post(stack, abuse.TRACES, {"after": abuse.deep_cursor(5000)}))
    assert "more than the limit" in cursor           # 13,334 characters
    cursor = refused(post(stack, abuse.TRACES, {"after": abuse.deep_cursor(3000)}))
    assert "invalid cursor" in cursor
    last = refused(post(stack, abuse.TRACES,
                        {"f": {"timeRange": {"last": "99999999999999999999d"}}}))
    assert "timeRange" in last and "duration" in last
    longest = refused(post(stack, abuse.TRACES, {"f": {"timeRange": {"last": "99999999d"}}}))
    assert "100 years" in longest
    nul = refused(post(stack, abuse.TRACES, {"f": {"service": "a\x00b"}}))
    assert "NUL" in nul
    text = refused(post(stack, abuse.TRACES, {"f": {"service": "x" * 20_000}}))
    assert f"more than the limit of {limits.MAX_STRING_CHARS:,}" in text


def test_one_client_cannot_hold_the_pool(stack, big_trace) -> None:
    """12 statements of one client wait on a lock (as slow queries would): 4 hold
    connections, the rest wait in the client's queue and get 429 with Retry-After; health,
    readiness and another client's query are answered meanwhile."""
    query = "{ spans(first: 1) { nodes { spanId } } }"
    with abuse.gateway(stack.database_url, stack.schema, client_concurrency=4,
                       queue_timeout=2) as url:
        first = httpx.Client(base_url=url, timeout=60)
        other = httpx.Client(base_url=url, timeout=60,
                             transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            with abuse.spans_locked(stack.database_url, stack.schema) as waiting:
                futures = [pool.submit(first.post, "/graphql", json={"query": query})
                           for _ in range(12)]
                deadline = time.monotonic() + 30
                while waiting() < 4 and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert waiting() == 4      # the client's share of connections, no more
                assert first.get("/healthz").status_code == 200
                assert first.get("/readyz").status_code == 200
                answer = other.post("/graphql", json={
                    "query": "query ($id: ID!) { trace(traceId: $id) { spanCount } }",
                    "variables": {"id": big_trace}})
                assert answer.json()["data"]["trace"]["spanCount"] == SPANS
                deadline = time.monotonic() + 30
                while sum(f.done() for f in futures) < 8 and time.monotonic() < deadline:
                    time.sleep(0.1)
            responses = [f.result() for f in futures]
    queued = [r for r in responses if r.status_code == 429]
    assert len(queued) == 8
    for response in queued:
        assert response.headers["Retry-After"] == str(errors.RETRY_AFTER_S)
        assert abuse.codes(response.json()) == [errors.TOO_MANY_REQUESTS]
    ran = [r for r in responses if r.status_code == 200]
    assert len(ran) == 4 and all(not r.json().get("errors") for r in ran)


def test_an_unreachable_database_is_reported_as_such(stack, big_trace) -> None:
    proxy = abuse.Proxy(stack.database_url)
    query = {"query": "query ($id: ID!) { trace(traceId: $id) { spanCount } }",
             "variables": {"id": big_trace}}
    try:
        with abuse.gateway(proxy.url, stack.schema, queue_timeout=2) as url:
            client = httpx.Client(base_url=url, timeout=30)
            assert client.post("/graphql", json=query).json()["data"]["trace"]
            proxy.cut()
            down = client.post("/graphql", json=query)
            assert down.status_code == 503 and down.headers["Retry-After"]
            body = down.json()
            assert abuse.codes(body) == [errors.DATABASE_UNAVAILABLE]
            assert "unavailable" in body["errors"][0]["message"]
            assert client.get("/healthz").status_code == 200
            assert client.get("/readyz").status_code == 503
            proxy.restore()
            back = client.post("/graphql", json=query)
            assert back.status_code == 200 and back.json()["data"]["trace"]["spanCount"] == SPANS
            assert client.get("/readyz").status_code == 200
    finally:
        proxy.close()
