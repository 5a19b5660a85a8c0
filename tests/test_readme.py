"""The README stays true: set-up commands, the configuration reference, the exporter
settings, and every example query, run against the demo's data with its expected answer."""

from __future__ import annotations

import functools
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway import semantic
from ollygraph import settings
from tests.conftest import drop_schema, free_ports, new_schema_name

README = (Path(__file__).parents[1] / "README.md").read_text()
OLLYGRAPH = [sys.executable, "-m", "ollygraph"]


def blocks(language: str) -> list[str]:
    return [block.split("```", 1)[0] for block in README.split("```" + language + "\n")[1:]]


def examples() -> dict[str, str]:
    """The README's GraphQL examples by operation name."""
    found = {}
    for block in blocks("graphql"):
        match = re.match(r"\s*query\s+(\w+)", block)
        assert match, f"a README example without an operation name:\n{block}"
        found[match.group(1)] = block
    return found


def test_readme_opens_with_the_ui_screenshot_and_the_three_step_quick_start():
    intro, rest = README.split("```sh", 1)
    image = re.search(r"!\[[^\]]+\]\(([^)]+)\)", intro)
    assert image and (Path(__file__).parents[1] / image.group(1)).stat().st_size > 10_000
    lines = rest.split("```", 1)[0].strip().splitlines()
    assert [line.split("#")[0].strip() for line in lines] == [
        "make up", ".venv/bin/ollygraph demo", ""]
    assert [line.split("#", 1)[1].split(".")[0].strip() for line in lines] == ["1", "2", "3"]
    assert "http://localhost:8000/ " in lines[2]
    assert "`make test` runs the test suite" in README


def test_every_setting_is_in_the_configuration_reference():
    for field in settings.FIELDS:
        for var in field.env:
            assert f"`{var}`" in README, var
        assert "`--" + field.name.replace("_", "-") + "`" in README, field.name


def test_graphql_examples_are_valid_against_the_served_schema():
    from graphql import parse, validate

    from gateway import schema

    assert len(examples()) >= 6
    served = schema.SCHEMA._schema
    for example in examples().values():
        assert validate(served, parse(example)) == [], example
    query = blocks("python")[0].split('QUERY = """', 1)[1].split('"""', 1)[0]
    assert validate(served, parse(query)) == []


# --- the examples against known data: `ollygraph up`, then `ollygraph demo` ------------------


class Running:
    def __init__(self, schema: str) -> None:
        self.schema = schema
        self.grpc_port, self.http_port, self.gateway_port = free_ports(3)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.gateway_port}", timeout=30)

    def flags(self) -> list[str]:
        return ["--grpc-port", str(self.grpc_port), "--http-port", str(self.http_port),
                "--gateway-port", str(self.gateway_port)]

    def query(self, text: str, **variables: Any) -> dict[str, Any]:
        body = self.http.post("/graphql", json={"query": text, "variables": variables}).json()
        assert not body.get("errors"), body["errors"]
        return body["data"]


@pytest.fixture(scope="module")
def running(database_url: str) -> Iterator[Running]:
    """`ollygraph up` on the test database, with the demo's telemetry sent through it."""
    stack = Running(new_schema_name("readme"))
    proc = subprocess.Popen(
        [*OLLYGRAPH, "up", "--database-url", database_url, "--schema", stack.schema,
         "--host", "127.0.0.1", "--log-level", "WARNING", *stack.flags()],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        while not any("running;" in line for line in lines):
            lines.append(proc.stdout.readline())
            assert lines[-1], "".join(lines)
        demo = subprocess.run([*OLLYGRAPH, "demo", *stack.flags()[:2]], capture_output=True,
                              text=True, timeout=300)
        assert demo.returncode == 0, demo.stderr
        yield stack
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
        drop_schema(database_url, stack.schema)


def sql(database_url: str, schema: str, text: str) -> list[tuple[Any, ...]]:
    import psycopg

    from ollygraph import migrate

    with psycopg.connect(migrate.libpq_url(database_url), autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        return conn.execute(text).fetchall()


# The demo sends 20 rounds: orders 1000-1019; the orders i % 7 == 3 fail (1003, 1010, 1017);
# orders divisible by 3 are POSTs; every other round runs the support agent's workflow; each
# round a checkout (storefront -> payments -> order-worker), declined when i % 7 == 6.
FAILED = {1003: "GET", 1010: "GET", 1017: "POST"}
ROUNDS, DECLINED = 20, 2


def check_recent_errors(running: Running, data: dict[str, Any]) -> None:
    traces = data["traces"]
    assert traces["totalCount"] == len(FAILED) + DECLINED
    assert traces["pageInfo"]["hasNextPage"] is False
    assert sorted((t["rootService"], t["rootName"], t["spanCount"], t["errorCount"],
                   sorted(t["semanticTypes"])) for t in traces["nodes"]) == sorted(
        [("web-shop", f"{method} /api/orders/{{id}}", 2, 1, ["DB", "HTTP"])
         for method in FAILED.values()]
        + [("storefront", "GET /checkout", 4, 2, ["DB", "HTTP"])] * DECLINED)


def check_failed_with_db(running: Running, data: dict[str, Any]) -> None:
    """The failed requests (each called the database, and its order reached the worker)."""
    assert sorted((n["name"], n["linkedFrom"]) for n in data["spans"]["nodes"]) == sorted(
        (f"{method} /api/orders/{{id}}",
         [{"attributes": {"link.kind": "producer"},
           "fromSpan": {"name": "orders process", "service": "order-worker"}}])
        for method in FAILED.values())


def check_two_chats(database_url: str, running: Running, data: dict[str, Any]) -> None:
    expected = sql(database_url, running.schema, """
        SELECT trace_id FROM v_otel_spans_enriched GROUP BY trace_id
        HAVING count(*) FILTER (WHERE attributes ->> 'gen_ai.operation.name' = 'chat') >= 2
           AND count(*) FILTER (WHERE status_name = 'ERROR') = 0""")
    assert expected  # the demo's agent workflows make two chat calls each
    assert sorted(n["traceId"] for n in data["traces"]["nodes"]) == sorted(
        t for (t,) in expected)
    assert {n["rootName"] for n in data["traces"]["nodes"]} == {"support.workflow"}


def check_trace(running: Running, data: dict[str, Any]) -> None:
    trace = data["trace"]
    assert (trace["rootName"], trace["services"]) == ("POST /api/orders/{id}", ["web-shop"])
    server, client = sorted(trace["spans"], key=lambda s: s["parentSpanId"] is not None)
    assert client["parentSpanId"] == server["spanId"]
    assert (server["name"], server["kind"], server["semanticType"]) == (
        "POST /api/orders/{id}", "SERVER", "HTTP")
    assert server["status"] == {"code": "ERROR",
                                "message": "payment provider timed out for order 1017"}
    assert server["attributes"]["http.status_code"] == 500
    assert [e["name"] for e in server["events"]] == ["exception"]
    assert server["events"][0]["attributes"]["exception.type"] == "TimeoutError"
    assert [(log["severityText"], log["body"]) for log in server["logs"]] == [
        ("INFO", "handling order 1017"), ("ERROR", "order 1017 failed")]
    assert (client["name"], client["kind"], client["semanticType"], client["status"]["code"],
            client["events"], client["logs"]) == ("SELECT orders", "CLIENT", "DB", "UNSET", [],
                                                  [])
    assert client["attributes"]["db.system"] == "postgresql"


def check_llm_calls(running: Running, data: dict[str, Any], expected: list[tuple]) -> None:
    got = sorted((s["name"], s["service"], s["genAi"]["requestModel"],
                  int(s["genAi"]["inputTokens"]), s["trace"]["rootName"])
                 for s in data["spans"]["nodes"])
    assert got == sorted(expected)
    for span in data["spans"]["nodes"]:
        assert span["genAi"]["system"] == "openai"
        assert span["genAi"]["responseModel"].startswith(span["genAi"]["requestModel"])


def check_error_logs(running: Running, data: dict[str, Any]) -> None:
    got = sorted((log["severityText"], log["body"], log["attributes"]["error.type"],
                  log["span"]["name"], log["trace"]["rootName"])
                 for log in data["logs"]["nodes"])
    assert got == sorted(("ERROR", f"order {order} failed", "TimeoutError",
                          f"{method} /api/orders/{{id}}", f"{method} /api/orders/{{id}}")
                         for order, method in FAILED.items())


def check_latency(running: Running, data: dict[str, Any], recorded: list[tuple]) -> None:
    """p99 of the recorded request durations (seconds): inside the bucket where the 99th
    percentile falls and inside the recorded [min, max]."""
    metric = data["metric"]
    assert (metric["type"], metric["unit"]) == ("HISTOGRAM", "s")
    (series,) = metric["series"]
    assert series["labels"] == {"http.route": "/api/orders/{id}"}
    bounds, counts, low, high = recorded[0]  # the newest cumulative point
    rank, seen = 0.99 * sum(counts), 0
    k = next(i for i, c in enumerate(counts) if (seen := seen + c) >= rank)
    lower = max(low, bounds[k - 1] if k > 0 else 0.0)
    upper = min(high, bounds[k] if k < len(bounds) else high)
    values = [p["value"] for p in series["points"]]
    assert len(values) == 1
    assert lower <= values[0] <= upper
    assert 0 < values[0] < 0.1  # the demo's requests take milliseconds


def check_filter_options(running: Running, data: dict[str, Any]) -> None:
    assert sorted(s["name"] for s in data["services"]) == [
        "order-worker", "payments", "storefront", "support-agent", "web-shop"]
    keys = {k["key"]: k["promoted"] for k in data["attributeKeys"]}
    assert set(keys) == {
        "gen_ai.system", "gen_ai.operation.name", "gen_ai.request.model",
        "gen_ai.response.model", "gen_ai.request.temperature", "gen_ai.usage.input_tokens",
        "gen_ai.usage.output_tokens", "gen_ai.usage.total_tokens", "gen_ai.usage.cost",
        "gen_ai.response.finish_reasons", "gen_ai.tool.name"}
    assert keys["gen_ai.request.model"] is True and keys["gen_ai.usage.input_tokens"] is True
    assert sorted(data["attributeValues"]) == ["gpt-4o", "gpt-4o-mini"]
    assert {(o["name"], o["kind"]) for o in data["operations"]} == {
        ("GET /api/orders/{id}", "SERVER"), ("POST /api/orders/{id}", "SERVER"),
        ("SELECT orders", "CLIENT")}
    assert sum(o["errorCount"] for o in data["operations"]) == len(FAILED)
    counts = {v["value"]: v["count"] for v in data["attributeValueCounts"]}
    assert set(counts) == {"gpt-4o", "gpt-4o-mini"} and all(n > 0 for n in counts.values())
    assert all(k["valueTypes"] for k in data["attributeKeys"])


def check_workflow_replay(running: Running, data: dict[str, Any]) -> None:
    # 20 rounds: two triage runs (ollygraph.demo_workflows), newest first
    runs = data["workflows"]["nodes"]
    assert [r["workflowId"] for r in runs] == ["wf-triage-9001", "wf-triage-9000"]
    for run in runs:
        assert [(p["index"], p["nodeId"], p["action"]) for p in run["statePatches"]] == [
            (0, "n-load", "load"), (1, "n-classify", "classify"), (2, "n-draft", "draft")]
        assert run["statePatches"][0]["patch"] == [
            {"op": "add", "path": "/history/0", "value": "loaded"}]
        assert run["startState"]["history"] == [] and run["replayed"] == run["endState"]


def check_stats(running: Running, database_url: str) -> dict[str, Any]:
    """The checks of the aggregation examples: each against the same aggregation in SQL over
    the views."""
    def rows(text: str) -> list[tuple[Any, ...]]:
        return sql(database_url, running.schema, text)

    def p95_by_route(data: dict[str, Any]) -> None:
        expected = rows("""
            SELECT attributes ->> 'http.route',
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_nanos / 1e6::float8),
                   count(*), avg((status_name = 'ERROR')::int)::float8
            FROM v_otel_spans_enriched WHERE kind_name = 'SERVER' GROUP BY 1""")
        got = data["spanStats"]
        assert got["measures"] == ["p95(duration)", "count", "error_rate"]
        assert {g["key"]["http.route"]: g["values"] for g in got["groups"]} == {
            route: pytest.approx([p95, n, rate], rel=1e-9) for route, p95, n, rate in expected}
        for group in got["groups"]:
            assert sum(p["values"][1] for p in group["series"]) == group["values"][1]

    def tokens_by_model(data: dict[str, Any]) -> None:
        expected = rows("""
            SELECT attributes ->> 'gen_ai.request.model',
                   sum((attributes ->> 'gen_ai.usage.input_tokens')::numeric),
                   sum((attributes ->> 'gen_ai.usage.output_tokens')::numeric),
                   sum((attributes ->> 'gen_ai.usage.cost')::float8)
            FROM v_otel_spans_enriched WHERE attributes ? 'gen_ai.request.model' GROUP BY 1""")
        assert sorted(m for m, *_ in expected) == ["gpt-4o", "gpt-4o-mini"]
        assert {g["key"]["gen_ai.request.model"]: g["values"]
                for g in data["spanStats"]["groups"]} == {
            model: pytest.approx([float(i), float(o), c], rel=1e-9)
            for model, i, o, c in expected}

    def slowest_traces(data: dict[str, Any]) -> None:
        expected = rows("""
            SELECT trace_id, duration_nanos / 1e6::float8, root_span_name,
                   (error_count > 0)::int FROM v_otel_traces WHERE service_name = 'web-shop'
            ORDER BY duration_nanos DESC, trace_id DESC""")
        got = data["traces"]
        assert [(n["traceId"], n["durationMs"]) for n in got["nodes"]] == [
            (t, pytest.approx(ms, rel=1e-12)) for t, ms, _, _ in expected[:20]]

        def top(values: list[str]) -> list[dict[str, Any]]:
            counts: dict[str, int] = {}
            for v in values:
                counts[v] = counts.get(v, 0) + 1
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
            return [{"value": v, "count": n} for v, n in ordered]

        assert got["facets"] == [
            {"key": "rootName", "missingCount": 0, "values": top([r[2] for r in expected])},
            {"key": "status", "missingCount": 0,
             "values": top(["ERROR" if r[3] else "OK" for r in expected])}]

    def biggest_prompts(data: dict[str, Any]) -> None:
        spans = rows("SELECT service_name, attributes FROM v_otel_spans_enriched")
        tokens = sorted((a["gen_ai.usage.input_tokens"] for _, a in spans
                         if "gen_ai.usage.input_tokens" in a), reverse=True)
        assert len(tokens) >= 20  # the demo's LLM calls
        assert [n["attribute"] for n in data["spans"]["nodes"]] == tokens[:20]
        groups: dict[tuple[str, str | None], list[str | None]] = {}
        for service, attributes in spans:
            kind = semantic.detect(attributes)
            groups.setdefault((service, kind and kind.name), []).append(
                attributes.get("http.route"))
        got = {(g["key"]["service"], g["key"]["semanticType"]): g
               for g in data["spanStats"]["groups"]}
        assert set(got) == set(groups)
        for key, routes in groups.items():
            count, top = got[key]["values"][0], got[key]["top"][1]
            counts = {r: routes.count(r) for r in routes if r is not None}
            assert count == len(routes)
            assert len(top) == min(3, len(counts))
            assert all(counts[t["value"]] == t["count"] for t in top)
            assert sorted(t["count"] for t in top) == sorted(counts.values())[-len(top):]

    def service_graph(data: dict[str, Any]) -> None:
        got = data["serviceGraph"]
        assert {(e["caller"], e["callee"], e["kind"]): (e["callCount"], e["errorCount"])
                for e in got["edges"]} == {
            ("storefront", "payments", "CLIENT_SERVER"): (ROUNDS, DECLINED),
            ("payments", "order-worker", "PRODUCER_CONSUMER"): (ROUNDS - DECLINED, 0),
            ("web-shop", "order-worker", "LINK"): (ROUNDS, 0)}
        for edge in got["edges"]:
            assert 0 < edge["durationP50Ms"] <= edge["durationP95Ms"] <= edge["durationP99Ms"]
        expected = rows("""
            SELECT service_name, count(*), count(*) FILTER (WHERE status_name = 'ERROR')
            FROM v_otel_spans_enriched GROUP BY 1""")
        assert {n["service"]: (n["spanCount"], n["errorCount"]) for n in got["nodes"]} == {
            service: (n, errors) for service, n, errors in expected}
        for node in got["nodes"]:
            assert node["rate"] == pytest.approx(node["spanCount"] / 3600)

    return {"P95ByRoute": p95_by_route, "TokensByModel": tokens_by_model,
            "SlowestTraces": slowest_traces, "BiggestPrompts": biggest_prompts,
            "ServiceGraph": service_graph}


def check_agent_run(running: Running, database_url: str, trace_id: str) -> None:
    """AgentRun on one support-agent workflow (its spans are sequential: the critical path
    and the self times each add up to the trace's duration), against SQL sums of usage."""
    data = running.query(examples()["AgentRun"], traceId=trace_id)["trace"]
    (inputs, outputs, totals, cost), = sql(database_url, running.schema, f"""
        SELECT sum((attributes->>'gen_ai.usage.input_tokens')::int),
               sum((attributes->>'gen_ai.usage.output_tokens')::int),
               sum((attributes->>'gen_ai.usage.total_tokens')::int),
               sum((attributes->>'gen_ai.usage.cost')::float8)
        FROM v_otel_spans_enriched WHERE trace_id = '{trace_id}'""")
    usage = data["genAiUsage"]
    assert (usage["spanCount"], int(usage["inputTokens"]), int(usage["outputTokens"]),
            int(usage["totalTokens"])) == (2, inputs, outputs, totals)
    assert usage["cost"] == pytest.approx(cost, rel=1e-12)
    (breakdown,) = data["serviceBreakdown"]
    assert (breakdown["service"], breakdown["spanCount"], breakdown["errorCount"]) == (
        "support-agent", 6, 0)
    duration = data["durationMs"]
    assert breakdown["criticalPathMs"] == pytest.approx(duration, rel=1e-9)
    assert sum(s["durationMs"] for s in data["criticalPath"]) == pytest.approx(duration)
    assert sum(s["selfTimeMs"] for s in data["spans"]) == pytest.approx(duration)
    assert data["criticalPath"][0]["span"]["name"] == "support.workflow"
    spans = {s["name"]: s for s in data["spans"]}
    assert spans["chat gpt-4o"]["onCriticalPath"] and spans["chat gpt-4o-mini"]["onCriticalPath"]
    assert int(spans["support.workflow"]["subtreeGenAiUsage"]["totalTokens"]) == totals
    assert spans["execute_tool search_docs"]["subtreeGenAiUsage"]["cost"] is None
    assert {s["subtreeStatus"] for s in data["spans"]} == {"OK"}


def check_compare_runs(running: Running, a: str, b: str) -> None:
    """CompareRuns on two workflow runs: the same six paths, durations as fetched."""
    got = running.query(examples()["CompareRuns"], a=a, b=b)["compareTraces"]
    assert [(n["depth"], n["name"], n["change"], n["countA"], n["countB"])
            for n in got["nodes"]] == [
        (0, "support.workflow", "MATCHED", 1, 1), (1, "node classify", "MATCHED", 1, 1),
        (2, "chat gpt-4o-mini", "MATCHED", 1, 1), (1, "node answer", "MATCHED", 1, 1),
        (2, "chat gpt-4o", "MATCHED", 1, 1), (2, "execute_tool search_docs", "MATCHED", 1, 1)]
    assert (got["addedCount"], got["removedCount"]) == (0, 0)
    durations = {t["traceId"]: t["durationMs"] for t in running.query(
        '{ traces(filter: {rootName: "support.workflow"}, first: 100) '
        '{ nodes { traceId durationMs } } }')["traces"]["nodes"]}
    assert got["durationDeltaMs"] == pytest.approx(durations[b] - durations[a])
    assert got["nodes"][0]["durationDeltaMs"] == pytest.approx(durations[b] - durations[a])


def test_every_example_answers_as_expected_on_the_demo_data(running, database_url):
    found = examples()
    expected_llm = sql(database_url, running.schema, """
        SELECT s.name, s.service_name, s.attributes->>'gen_ai.request.model',
               (s.attributes->>'gen_ai.usage.input_tokens')::int, r.name
        FROM v_otel_spans_enriched s
        JOIN v_otel_spans_enriched r ON r.trace_id = s.trace_id AND r.parent_span_id IS NULL
        WHERE (s.attributes->>'gen_ai.usage.input_tokens')::int > 1000
        ORDER BY s.start_time_unix_nano DESC LIMIT 10""")
    assert expected_llm  # the demo's token counts include some above 1,000
    recorded = sql(database_url, running.schema, """
        SELECT explicit_bounds, bucket_counts, min, max FROM v_otel_metrics_histogram
        WHERE metric_name = 'http.server.request.duration' ORDER BY time_unix_nano DESC""")
    (trace_id,) = [log["traceId"] for log in running.query(
        '{ logs(filter: {minSeverity: 17}) { nodes { traceId body } } }')["logs"]["nodes"]
        if log["body"] == "order 1017 failed"]
    runs = [r[0] for r in sql(database_url, running.schema, """
        SELECT trace_id FROM v_otel_traces WHERE root_span_name = 'support.workflow'
        ORDER BY start_time LIMIT 2""")]
    checks = {
        "AgentRun": lambda: check_agent_run(running, database_url, runs[0]),
        "CompareRuns": lambda: check_compare_runs(running, *runs),
        "TraceWithSpansAndLogs": lambda: check_trace(
            running, running.query(found["TraceWithSpansAndLogs"], traceId=trace_id)),
        "FailedRequestsWithDbCalls": lambda: check_failed_with_db(
            running, running.query(found["FailedRequestsWithDbCalls"])),
        "AgentRunsWithTwoChats": lambda: check_two_chats(
            database_url, running, running.query(found["AgentRunsWithTwoChats"])),
        "RecentErrors": lambda: check_recent_errors(running,
                                                    running.query(found["RecentErrors"])),
        "LlmCalls": lambda: check_llm_calls(running, running.query(found["LlmCalls"]),
                                            expected_llm),
        "ErrorLogs": lambda: check_error_logs(running, running.query(found["ErrorLogs"])),
        "WorkflowReplay": lambda: check_workflow_replay(running,
                                                        running.query(found["WorkflowReplay"])),
        "Latency": lambda: check_latency(running, running.query(found["Latency"]), recorded),
        "FilterOptions": lambda: check_filter_options(running,
                                                      running.query(found["FilterOptions"])),
        **{name: functools.partial(lambda c, n: c(running.query(found[n])), check, name)
           for name, check in check_stats(running, database_url).items()},
    }
    assert set(found) == set(checks), "every README example needs its expected answer here"
    for name, check in checks.items():
        try:
            check()
        except AssertionError as exc:
            raise AssertionError(f"README example {name}: {exc}") from exc


def test_the_notebook_lines_run(running):
    source = blocks("python")[0]
    source = source.replace("http://localhost:8000", f"http://127.0.0.1:{running.gateway_port}")
    source = source.replace("# pandas.DataFrame", "import pandas\nframe = pandas.DataFrame")
    scope: dict[str, Any] = {}
    exec(compile(source, "README.md", "exec"), scope)
    frame = scope["frame"]
    assert sorted(frame.index) == ["gpt-4o", "gpt-4o-mini"]
    assert list(frame.columns) == ["tokens", "ms"]
    assert (frame["tokens"] > 0).all() and (frame["ms"] > 0).all()


def test_the_client_example_answers_as_expected_on_the_demo_data(running, database_url):
    """The "From a notebook" block: its frames against the same aggregations in SQL."""
    source = blocks("python")[1]
    assert "Client(" in source and "span_stats(" in source and "log_stats(" in source
    source = source.replace("http://localhost:8000", f"http://127.0.0.1:{running.gateway_port}")
    scope: dict[str, Any] = {}
    exec(compile(source, "README.md", "exec"), scope)
    usage = scope["usage"]
    assert sorted(usage.index) == ["gpt-4o", "gpt-4o-mini"]
    assert (usage["attr.gen_ai.usage.input_tokens"] > 0).all()
    assert {"name": "web-shop"} in scope["services"]["services"]
    assert len(scope["spans"]) >= 2 and scope["spans"]["startTime"].is_monotonic_increasing

    routes = scope["routes"]
    expected = sql(database_url, running.schema, """
        SELECT attributes ->> 'http.route',
               percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_nanos / 1e6::float8),
               count(*), avg((status_name = 'ERROR')::int)::float8
        FROM v_otel_spans_enriched WHERE kind_name = 'SERVER' GROUP BY 1""")
    assert list(routes.columns) == ["http.route", "other", "p95(duration)", "count",
                                    "error_rate"]
    within = 0.091 if routes.attrs["source"] == "rollups" else 1e-9  # see spanStats(exact:)
    assert {row[0]: list(row[2:]) for row in routes.itertuples(index=False)} == {
        route: [pytest.approx(p95, rel=within), n, pytest.approx(rate, rel=1e-9)]
        for route, p95, n, rate in expected}

    volume = scope["volume"]
    expected = dict(sql(database_url, running.schema, """
        SELECT severity_text, count(*) FROM v_otel_logs_enriched GROUP BY 1"""))
    assert list(volume.columns) == ["severityText", "other", "time", "count"]
    assert volume.groupby("severityText")["count"].sum().to_dict() == expected
    assert (volume["time"].dt.second == 0).all()


def exporter_settings() -> list[dict[str, str]]:
    """The README's `export OTEL_...` blocks, each as an environment."""
    found = []
    for block in blocks("sh"):
        env = dict(re.findall(r"^export (OTEL_\w+)=(\S+)", block, re.MULTILINE))
        if "OTEL_EXPORTER_OTLP_ENDPOINT" in env:
            found.append(env)
    return found


SEND_ONE_SPAN = """
from opentelemetry import trace
from opentelemetry.sdk._configuration import _OTelSDKConfigurator
_OTelSDKConfigurator().configure()   # what opentelemetry-instrument does from the environment
trace.get_tracer("readme").start_span("readme span").end()
trace.get_tracer_provider().shutdown()
"""


def test_the_exporter_settings_deliver_with_the_python_sdk(running):
    documented = exporter_settings()
    ports = {int(env["OTEL_EXPORTER_OTLP_ENDPOINT"].rsplit(":", 1)[1]) for env in documented}
    assert ports == {4317, 4318}, "the README shows both OTLP/gRPC and OTLP/HTTP"
    local = {4317: running.grpc_port, 4318: running.http_port}
    for i, env in enumerate(documented):
        endpoint = env["OTEL_EXPORTER_OTLP_ENDPOINT"]
        port = int(endpoint.rsplit(":", 1)[1])
        service = f"readme-{port}-{i}"
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
        child_env.update(env, OTEL_SERVICE_NAME=service, OTEL_TRACES_EXPORTER="otlp",
                         OTEL_METRICS_EXPORTER="none", OTEL_LOGS_EXPORTER="none",
                         OTEL_EXPORTER_OTLP_TIMEOUT="5",
                         OTEL_EXPORTER_OTLP_ENDPOINT=endpoint.replace(str(port),
                                                                      str(local[port])))
        sent = subprocess.run([sys.executable, "-c", SEND_ONE_SPAN], env=child_env,
                              capture_output=True, text=True, timeout=120)
        assert sent.returncode == 0, sent.stderr
        query = """query ($service: String!) {
            spans(filter: {service: $service}) { nodes { name } } }"""
        deadline = time.monotonic() + 10
        while not (nodes := running.query(query, service=service)["spans"]["nodes"]):
            assert time.monotonic() < deadline, f"{env} did not deliver: {sent.stderr}"
            time.sleep(0.2)
        assert nodes == [{"name": "readme span"}]
