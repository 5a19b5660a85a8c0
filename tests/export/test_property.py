"""Property: any OTLP request (tests/export/strategies.py), sent to real ingest over a random
transport, comes back from `ollygraph export` equal to what was sent after canonical
ordering, less the items ingest refused and said so in its partial success; and the same
items come back through GraphQL's lossless (typed) fields (tests/export/graphql_form.py).

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
from tests.export import canonical, graphql_form, strategies
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
def test_generated_requests_round_trip(source: Store, gateway, tmp_path_factory, data) -> None:
    example = next(_windows)
    base = FIRST_WINDOW_NS - example * WINDOW_NS
    requests = {"traces": data.draw(strategies.traces(base)),
                "logs": data.draw(strategies.logs(base)),
                "metrics": data.draw(strategies.metrics(base))}
    names = _metric_names(requests["metrics"], example)
    rejected = sum(send_over(source, signal, request, data.draw(st.sampled_from(TRANSPORTS)))
                   for signal, request in requests.items())
    kept, refused = canonical.expected(list(requests.values()))
    assert rejected == refused
    out = tmp_path_factory.mktemp("property") / "out.jsonl"
    got = _export(source, base, base + WINDOW_NS, out)
    assert canonical.merged(got) == kept
    served = graphql_form.fetch(gateway, base, base + WINDOW_NS - 1,
                                [n for n in names if "\x00" not in n])
    assert served == graphql_form.expected(kept)


def _metric_names(request, example: int) -> list[str]:
    """Each metric's name prefixed with the example and its point table, so that GraphQL's
    `metric(name)` serves all of the name's points; metrics of one name and one table stay
    one GraphQL metric, their points told apart by each point's own descriptor."""
    names = []
    for rm in request.resource_metrics:
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                table = metric.WhichOneof("data")
                table = "number" if table in ("gauge", "sum") else table
                metric.name = f"p{example}.{table}.{metric.name}"
                names.append(metric.name)
    return sorted(set(names))
