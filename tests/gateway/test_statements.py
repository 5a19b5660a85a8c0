"""SQL statements per request depend on the query's depth, not on how many rows it returns
(dataloaders batch each level into one statement). The gateway reports the count in the
response's `extensions.sqlStatements`."""

from __future__ import annotations

import time

import pytest
from opentelemetry import trace as otel_trace

pytestmark = pytest.mark.db

QUERY = """query ($n: Int) {
  traces(filter: {service: "counting"}, first: $n) {
    totalCount
    nodes {
      traceId semanticTypes
      rootSpan {
        name attributes semanticType resource { serviceName attributes } scope { name }
        children(first: 5) {
          name attributes logs(first: 5) { body attributes }
          events(first: 5) { name attributes } links(first: 5) { spanId }
          children(first: 5) { name parent { name } trace { spanCount } }
        }
      }
      spans(first: 10) { name }
      logs(first: 10) { body span { name } }
    }
  }
}"""


@pytest.fixture(scope="module")
def traces(stack):
    t0 = time.time_ns() - 30_000_000_000
    with stack.sdk("counting", batch=True) as (tracer, logger):
        for i in range(50):
            start = t0 + i * 10_000_000
            root = tracer.start_span(f"root-{i}", start_time=start,
                                     attributes={"http.route": f"/r/{i}", "custom.i": i})
            ctx = otel_trace.set_span_in_context(root)
            child = tracer.start_span("child", context=ctx, start_time=start + 1,
                                      attributes={"db.system": "postgresql"})
            child.add_event("e", {"n": i})
            with otel_trace.use_span(child):
                logger.info(f"log {i}")
            grandchild = tracer.start_span("grandchild", start_time=start + 2,
                                           context=otel_trace.set_span_in_context(child))
            grandchild.end(end_time=start + 3)
            child.end(end_time=start + 4)
            root.end(end_time=start + 5)
    return 50


def test_statements_do_not_grow_with_results(stack, traces) -> None:
    counts = {}
    for n in (5, 50):
        body = stack.post(QUERY, {"n": n})
        assert not body.get("errors"), body.get("errors")
        nodes = body["data"]["traces"]["nodes"]
        assert len(nodes) == n
        assert all(len(node["rootSpan"]["children"][0]["children"]) == 1 for node in nodes)
        counts[n] = body["extensions"]["sqlStatements"]
    assert counts[5] == counts[50]
    assert counts[5] <= 20
