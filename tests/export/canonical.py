"""Comparing OTLP requests after canonical ordering.

A request becomes the sorted list of its items (a span, a log record, a metric data point),
each with its whole envelope (resource and its schema URL, scope and its schema URL, and for
a point the metric's descriptor): so the grouping of items into resources, scopes and
requests, the order of items and the order of attributes (which the store does not keep)
do not matter, and everything else does. A repeated key of a map keeps its last value.

`expected(requests)` is what a store gives back of them: the items ingest does not refuse
(`refused`), and how many it refuses.
"""

from __future__ import annotations

import json
from typing import Any

from ingest import otlpjson

ITEMS = {"resourceSpans": ("scopeSpans", "spans"), "resourceLogs": ("scopeLogs", "logRecords"),
         "resourceMetrics": ("scopeMetrics", "metrics")}
SORTED = frozenset({"attributes", "metadata"})  # maps in the store: order is not kept
# messages whose presence the store does not keep when they are empty
EMPTY_IS_UNSET = frozenset({"status", "positive", "negative", "body"})


MAX_I64 = 2**63 - 1
# an item's times and counts, which ingest stores as int64 (exemplar times are kept as text)
INT64_FIELDS = frozenset({"startTimeUnixNano", "endTimeUnixNano", "timeUnixNano",
                          "observedTimeUnixNano", "count", "zeroCount", "bucketCounts"})


def _last_wins(kvs: list[dict]) -> list[dict]:
    return list({kv.get("key", ""): kv for kv in kvs}.values())


def _sort_maps(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: (sorted((_sort_maps(x) for x in _last_wins(v)),
                           key=lambda kv: kv.get("key", ""))
                    if k in SORTED and isinstance(v, list) else _sort_maps(v))
                for k, v in obj.items() if not (k in EMPTY_IS_UNSET and v == {})}
    if isinstance(obj, list):
        return [_sort_maps(x) for x in obj]
    return obj


def as_dict(message: Any) -> dict[str, Any]:
    """OTLP/JSON of a message (hex ids, 64-bit integers as strings), maps sorted."""
    return _sort_maps(_raw(message))


def _raw(message: Any) -> Any:
    return message if isinstance(message, dict) else json.loads(otlpjson.dumps(message))


def items(request: Any) -> list[str]:
    """The request's items with their envelopes, as sorted canonical JSON texts."""
    return sorted(_text(_sort_maps(x)) for x in _walk(_raw(request)))


def refused(item: list[Any]) -> bool:
    """Whether ingest refuses an item (with its envelope, as `_walk` gives it): NUL in any
    text of it (a key or value, also one a later repeat of its key replaces), or a time or
    count past int64."""
    return "\\u0000" in _text(item) or _past_int64(item[-1])


def _past_int64(obj: Any, key: str | None = None) -> bool:
    if isinstance(obj, dict):
        return any(_past_int64(v, k) for k, v in obj.items() if k != "exemplars")
    if isinstance(obj, list):
        return any(_past_int64(x, key) for x in obj)
    return key in INT64_FIELDS and int(obj) > MAX_I64


def expected(requests: list[Any]) -> tuple[list[str], int]:
    """The sorted canonical texts of the items ingest keeps, and how many it refuses."""
    found = [x for r in requests for x in _walk(_raw(r))]
    kept = [x for x in found if not refused(x)]
    return sorted(_text(_sort_maps(x)) for x in kept), len(found) - len(kept)


def _walk(obj: dict[str, Any]) -> list[list[Any]]:
    """Each item of an OTLP/JSON request as [resource envelope, scope envelope, (metric
    descriptor,) item]."""
    out = []
    for resources_key, (scopes_key, items_key) in ITEMS.items():
        for rs in obj.get(resources_key, ()):
            envelope = {k: v for k, v in rs.items() if k != scopes_key}
            for ss in rs.get(scopes_key, ()):
                scope = {k: v for k, v in ss.items() if k != items_key}
                for item in ss.get(items_key, ()):
                    if resources_key != "resourceMetrics":
                        out.append([envelope, scope, item])
                        continue
                    out.extend(_points(envelope, scope, item))
    return out


def _points(envelope: dict, scope: dict, metric: dict) -> list[list[Any]]:
    data_key = next(k for k in ("gauge", "sum", "histogram", "exponentialHistogram", "summary")
                    if k in metric)
    data = metric[data_key]
    descriptor = {**{k: v for k, v in metric.items() if k != data_key},
                  data_key: {k: v for k, v in data.items() if k != "dataPoints"}}
    return [[envelope, scope, descriptor, p] for p in data.get("dataPoints", ())]


def _text(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def merged(requests: list[Any]) -> list[str]:
    return sorted(x for r in requests for x in items(r))


def parse_lines(text: str) -> list[dict[str, Any]]:
    """JSON Lines: split on newlines only (a JSON string may hold U+2028 and the like)."""
    return [json.loads(line) for line in text.split("\n") if line.strip()]

