"""TLS on OTLP/gRPC, OTLP/HTTP and the gateway with a self-signed certificate made by
`cryptography`; the real OpenTelemetry exporters send over it."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import subprocess
import sys
import time

import grpc
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcSpans
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpSpans
from opentelemetry.sdk.trace.export import SpanExportResult

from tests.conftest import free_ports
from tests.ingest.test_auth import _sdk_export


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


def test_everything_speaks_tls(database_url, module_schema, certificate, monkeypatch):
    cert, key = certificate
    # requests lets these variables override the exporter's certificate_file
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    grpc_port, http_port, gateway_port = free_ports(3)
    env = {**os.environ, "OLLYGRAPH_DATABASE_URL": database_url,
           "OLLYGRAPH_SCHEMA": module_schema, "OLLYGRAPH_GRPC_PORT": str(grpc_port),
           "OLLYGRAPH_HTTP_PORT": str(http_port), "OLLYGRAPH_GATEWAY_PORT": str(gateway_port),
           "OLLYGRAPH_TLS_CERT_FILE": str(cert), "OLLYGRAPH_TLS_KEY_FILE": str(key),
           "OLLYGRAPH_LOG_LEVEL": "WARNING"}
    procs = [subprocess.Popen([sys.executable, "-m", "ollygraph", name], env=env)
             for name in ("ingest", "gateway")]
    try:
        context = ssl.create_default_context(cafile=str(cert))
        deadline = time.monotonic() + 60
        while True:
            try:
                ok = [httpx.get(f"https://127.0.0.1:{port}/healthz", verify=context,
                                timeout=1).status_code for port in (http_port, gateway_port)]
                if ok == [200, 200]:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
            time.sleep(0.2)
        with pytest.raises(httpx.HTTPError):   # no plain HTTP on the TLS port
            httpx.get(f"http://127.0.0.1:{gateway_port}/healthz", timeout=2).raise_for_status()
        http = HttpSpans(endpoint=f"https://127.0.0.1:{http_port}/v1/traces",
                         certificate_file=str(cert), timeout=10)
        assert _sdk_export(http, "tls-svc") == SpanExportResult.SUCCESS
        credentials = grpc.ssl_channel_credentials(cert.read_bytes())
        grpc_exporter = GrpcSpans(endpoint=f"localhost:{grpc_port}", credentials=credentials,
                                  timeout=10)
        assert _sdk_export(grpc_exporter, "tls-svc") == SpanExportResult.SUCCESS
        reply = httpx.post(f"https://127.0.0.1:{gateway_port}/graphql", verify=context,
                           json={"query": "{ spans(first: 10) { nodes { service } } }"})
        assert [n["service"] for n in reply.json()["data"]["spans"]["nodes"]] == \
            ["tls-svc", "tls-svc"]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
