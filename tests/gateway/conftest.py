"""The real stack for gateway tests: a migrated schema, `ollygraph ingest` and
`ollygraph gateway` as processes on free ports, the OpenTelemetry SDK's OTLP exporters
pointed at ingest, and GraphQL over HTTP with httpx. Every test that uses the stack runs
once per gateway executor (OLLYGRAPH_GATEWAY_EXECUTOR): the same assertions hold for both."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

from ollygraph import settings
from tests.conftest import drop_schema, free_ports, new_schema_name


class GraphQLError(AssertionError):
    pass


class Stack:
    """Endpoints of the running processes and helpers to send and query."""

    def __init__(self, grpc_port: int, gateway_port: int, database_url: str = "",
                 schema: str = "", http_port: int | None = None) -> None:
        self.database_url, self.schema = database_url, schema     # the store the stack uses
        self.otlp = f"localhost:{grpc_port}"
        self.otlp_http = f"http://127.0.0.1:{http_port}" if http_port else ""  # OTLP/HTTP
        self.url = f"http://127.0.0.1:{gateway_port}"
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        return response.json()

    def gql(self, query: str, **variables: Any) -> dict[str, Any]:
        """`data` of a query that must succeed."""
        body = self.post(query, variables)
        if body.get("errors"):
            raise GraphQLError(body["errors"])
        return body["data"]

    def errors(self, query: str, **variables: Any) -> list[str]:
        body = self.post(query, variables)
        return [e["message"] for e in body.get("errors") or []]

    @contextlib.contextmanager
    def sdk(self, service: str, batch: bool = False,
            **resource: Any) -> Iterator[tuple[Any, logging.Logger]]:
        """(tracer, logger) exporting to ingest (per span, or batched); flushed on exit."""
        res = Resource.create({"service.name": service, **resource})
        tracer_provider = TracerProvider(resource=res)
        processor = BatchSpanProcessor if batch else SimpleSpanProcessor
        tracer_provider.add_span_processor(
            processor(OTLPSpanExporter(endpoint=self.otlp, insecure=True)))
        logger_provider = LoggerProvider(resource=res)
        logger_provider.add_log_record_processor(
            SimpleLogRecordProcessor(OTLPLogExporter(endpoint=self.otlp, insecure=True)))
        logger = logging.getLogger(f"gateway-test.{service}.{id(logger_provider)}")
        logger.propagate = False
        logger.setLevel(logging.DEBUG)
        handler = LoggingHandler(logger_provider=logger_provider)
        logger.addHandler(handler)
        try:
            yield tracer_provider.get_tracer("gateway-tests", "1.2.3"), logger
        finally:
            logger.removeHandler(handler)
            tracer_provider.shutdown()
            logger_provider.shutdown()


def _wait(url: str, proc: subprocess.Popen[bytes], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up at {url}")


@pytest.fixture(scope="module", params=settings.GATEWAY_EXECUTORS)
def gateway_executor(request: pytest.FixtureRequest) -> str:
    """The OLLYGRAPH_GATEWAY_EXECUTOR of the gateway process: each one in turn."""
    return request.param


@pytest.fixture(scope="module")
def stack_env() -> dict[str, str]:
    """More environment of the stack's processes (a test module may override it)."""
    return {}


@pytest.fixture(scope="module")
def stack(database_url: str, gateway_executor: str,
          request: pytest.FixtureRequest) -> Iterator[Stack]:
    try:  # a module that imports only `stack` has no `stack_env`
        stack_env = request.getfixturevalue("stack_env")
    except pytest.FixtureLookupError:
        stack_env = {}
    schema = new_schema_name("gw")
    grpc_port, http_port, gateway_port = free_ports(3)
    env = {**os.environ, "OLLYGRAPH_DATABASE_URL": database_url, "OLLYGRAPH_SCHEMA": schema,
           "OLLYGRAPH_HOST": "127.0.0.1", "OLLYGRAPH_GRPC_PORT": str(grpc_port),
           "OLLYGRAPH_HTTP_PORT": str(http_port), "OLLYGRAPH_GATEWAY_PORT": str(gateway_port),
           "OLLYGRAPH_LOG_LEVEL": "WARNING", "OLLYGRAPH_GATEWAY_EXECUTOR": gateway_executor,
           **stack_env}
    subprocess.run([sys.executable, "-m", "ollygraph", "migrate"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    procs = [subprocess.Popen([sys.executable, "-m", "ollygraph", name], env=env)
             for name in ("ingest", "gateway")]
    try:
        _wait(f"http://127.0.0.1:{http_port}/", procs[0], "ingest")
        _wait(f"http://127.0.0.1:{gateway_port}/healthz", procs[1], "gateway")
        yield Stack(grpc_port, gateway_port, database_url, schema, http_port)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        drop_schema(database_url, schema)
