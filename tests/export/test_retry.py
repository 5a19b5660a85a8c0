"""The OTLP retry rules of `ollygraph export`'s senders, against real HTTP and gRPC servers
that answer "retry later" a few times before they take the request."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Iterator
from concurrent import futures

import grpc
import pytest
from google.protobuf import duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc

from ollygraph.export import send
from tests.export import payloads

REQUEST = payloads.logs("retry", 10**18)


class Answers:
    """What a server answers, in turn; how many requests came."""

    def __init__(self, answers: list) -> None:
        self.answers, self.requests = list(answers), 0

    def next(self):
        self.requests += 1
        return self.answers.pop(0) if self.answers else None


def waits(sink) -> list[float]:
    """The waits `sink` asks for between tries (it still waits them)."""
    asked: list[float] = []

    def sleep(seconds: float) -> None:
        asked.append(seconds)
        time.sleep(seconds)

    sink.sleep = sleep
    return asked


@contextlib.contextmanager
def http_server(answers: Answers) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            assert logs_service_pb2.ExportLogsServiceRequest.FromString(body) == REQUEST
            answer = answers.next()
            if answer is None:
                reply = logs_service_pb2.ExportLogsServiceResponse()
                reply.partial_success.rejected_log_records = 2
                data = reply.SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            status, retry_after = answer
            self.send_response(status)
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_http_retries_429_and_503_honouring_retry_after() -> None:
    answers = Answers([(503, "1"), (429, None)])
    with http_server(answers) as url:
        sink = send.HttpSink(url, retry_timeout=30)
        asked = waits(sink)
        assert sink.send("logs", REQUEST) == 2  # the receiver's rejected count
    assert answers.requests == 3
    assert asked[0] == 1.0  # Retry-After: 1
    assert 2 * send.FIRST_DELAY_S * 0.8 <= asked[1] <= 2 * send.FIRST_DELAY_S * 1.2  # backoff


def test_http_does_not_retry_a_bad_request() -> None:
    answers = Answers([(400, None)])
    with http_server(answers) as url, pytest.raises(send.SendError, match="HTTP 400"):
        send.HttpSink(url, retry_timeout=30).send("logs", REQUEST)
    assert answers.requests == 1


def test_http_gives_up_after_the_retry_timeout() -> None:
    answers = Answers([(503, "5")] * 3)
    with http_server(answers) as url, pytest.raises(send.SendError, match="gave up"):
        send.HttpSink(url, retry_timeout=2).send("logs", REQUEST)
    assert answers.requests == 1  # the asked-for wait is past the timeout: no second try


@contextlib.contextmanager
def grpc_server(answers: Answers) -> Iterator[str]:
    class Logs(logs_service_pb2_grpc.LogsServiceServicer):
        def Export(self, request, context):
            answer = answers.next()
            if answer is None:
                return logs_service_pb2.ExportLogsServiceResponse()
            code, delay_s = answer
            details = []
            if delay_s is not None:
                info = error_details_pb2.RetryInfo(
                    retry_delay=duration_pb2.Duration(seconds=delay_s))
                detail = status_pb2.Status().details.add()
                detail.Pack(info)
                details.append(detail)
            context.abort_with_status(rpc_status.to_status(
                status_pb2.Status(code=code, message="busy", details=details)))

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    logs_service_pb2_grpc.add_LogsServiceServicer_to_server(Logs(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(None)


def test_grpc_retries_unavailable_and_resource_exhausted_with_retry_info() -> None:
    answers = Answers([(code_pb2.UNAVAILABLE, None), (code_pb2.RESOURCE_EXHAUSTED, 1)])
    with grpc_server(answers) as target:
        sink = send.GrpcSink(target, retry_timeout=30)
        asked = waits(sink)
        try:
            assert sink.send("logs", REQUEST) == 0
        finally:
            sink.close()
    assert answers.requests == 3
    assert send.FIRST_DELAY_S * 0.8 <= asked[0] <= send.FIRST_DELAY_S * 1.2  # backoff
    assert asked[1] == 1.0  # RetryInfo: 1 s


def test_grpc_resource_exhausted_without_retry_info_is_final() -> None:
    answers = Answers([(code_pb2.RESOURCE_EXHAUSTED, None)])
    with grpc_server(answers) as target:
        sink = send.GrpcSink(target, retry_timeout=30)
        try:
            with pytest.raises(send.SendError, match="RESOURCE_EXHAUSTED"):
                sink.send("logs", REQUEST)
        finally:
            sink.close()
    assert answers.requests == 1
