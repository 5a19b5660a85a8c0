"""Property: any OTLP request (tests/export/strategies.py), sent to real ingest over a random
transport, comes back from `ollygraph export` equal to what was sent after canonical
ordering, less the items ingest refused and said so in its partial success.

The number of examples is bounded for CI; OLLYGRAPH_PROPERTY_EXAMPLES raises it (see
docs/export.md)."""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ollygraph.export import run, send
from tests.export import canonical, strategies
from tests.export.conftest import TRANSPORTS, Store, send_over

WINDOW_NS = 10 * 10**9
FIRST_WINDOW_NS = (time.time_ns() // 10**9 - 86400) * 10**9  # each example has its own window
_windows = itertools.count()
EXAMPLES = int(os.environ.get("OLLYGRAPH_PROPERTY_EXAMPLES", "25"))


def _export(store: Store, start: int, end: int, path: Path) -> list[dict]:
    sink = send.FileSink(path, None)
    try:
        state = run.State(path.with_name(path.name + ".state"), start, end)
        asyncio.run(run.export(store.database_url, store.schema, start, end, run.SIGNALS, sink,
                               state, batch_size=7))
    finally:
        sink.close()
    return canonical.parse_lines(path.read_text())


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_requests_round_trip(source: Store, tmp_path_factory, data) -> None:
    base = FIRST_WINDOW_NS - next(_windows) * WINDOW_NS
    requests = {"traces": data.draw(strategies.traces(base)),
                "logs": data.draw(strategies.logs(base)),
                "metrics": data.draw(strategies.metrics(base))}
    rejected = sum(send_over(source, signal, request, data.draw(st.sampled_from(TRANSPORTS)))
                   for signal, request in requests.items())
    kept, refused = canonical.expected(list(requests.values()))
    assert rejected == refused
    out = tmp_path_factory.mktemp("property") / "out.jsonl"
    got = _export(source, base, base + WINDOW_NS, out)
    assert canonical.merged(got) == kept
