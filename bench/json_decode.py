"""OTLP/JSON decoding rate: protobuf's json_format against ingest/otlpjson.py.

    .venv/bin/python bench/json_decode.py [--spans 20000] [--per-request 1000] [--repeat 3]

Builds the requests of bench/ingest.py (spans with ~10 attributes, logs, metric points),
encodes them as OTLP/JSON (hex ids, 64-bit integers as strings), and decodes each
payload into its Export*ServiceRequest with both decoders, one request at a time as the
receiver does. The json_format path is what ingest did before: stdlib `json`, hex ids
rewritten as base64, `json_format.ParseDict`. Prints items/s (best of --repeat) and the
ratio; checks that both decoders give the same messages. Nothing is asserted on time.
"""

from __future__ import annotations

import argparse
import base64
import gc
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # the repository root, not bench/ (whose ingest.py hides the package)

from google.protobuf import json_format  # noqa: E402

from ingest import decode, otlpjson  # noqa: E402


def bench_ingest():
    """bench/ingest.py as a module, for its request generators."""
    spec = importlib.util.spec_from_file_location("bench_ingest", ROOT / "bench" / "ingest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def json_format_parse(message_class, payload: bytes):
    """The previous decoder: json.loads, hex ids -> base64, json_format.ParseDict."""
    obj = json.loads(payload)
    _base64_ids(obj)
    return json_format.ParseDict(obj, message_class(), ignore_unknown_fields=True)


def _base64_ids(obj) -> None:
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in ("traceId", "spanId", "parentSpanId") and isinstance(value, str):
                obj[key] = base64.b64encode(bytes.fromhex(value)).decode()
            else:
                _base64_ids(value)
    elif isinstance(obj, list):
        for item in obj:
            _base64_ids(item)


def rate(decoder, message_class, payloads: list[bytes], items: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for payload in payloads:
            decoder(message_class, payload)
        best = min(best, time.perf_counter() - start)
    return items / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spans", type=int, default=20_000, help="items per signal")
    parser.add_argument("--per-request", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    gen = bench_ingest()
    cases = [("spans", gen.span_requests), ("log records", gen.log_requests),
             ("metric points", gen.metric_requests)]
    ours = lambda cls, payload: decode.parse(cls, payload, decode.JSON)  # noqa: E731
    for label, make in cases:
        requests = make(args.spans, args.per_request)
        cls = type(requests[0])
        payloads = [otlpjson.dumps(r) for r in requests]
        for payload, request in zip(payloads, requests, strict=True):
            assert ours(cls, payload) == json_format_parse(cls, payload) == request
        mib = sum(map(len, payloads)) / 2**20
        before = rate(json_format_parse, cls, payloads, args.spans, args.repeat)
        after = rate(ours, cls, payloads, args.spans, args.repeat)
        binary = [r.SerializeToString() for r in requests]
        proto = rate(lambda c, p: c.FromString(p), cls, binary, args.spans, args.repeat)
        print(f"{label:14} {args.spans} in {len(payloads)} requests ({mib:.1f} MiB of JSON): "
              f"json_format {before:,.0f}/s, otlpjson {after:,.0f}/s, ratio {after / before:.1f}x "
              f"(binary protobuf {proto:,.0f}/s)")


if __name__ == "__main__":
    main()
