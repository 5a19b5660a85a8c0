"""Comparing OTLP requests after canonical ordering.

A request becomes the sorted list of its items (a span, a log record, a metric data point),
each with its whole envelope (resource and its schema URL, scope and its schema URL, and for
a point the metric's descriptor): so the grouping of items into resources, scopes and
requests, the order of items and the order of attributes (which the store does not keep)
do not matter, and everything else does.
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


def _sort_maps(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: (sorted((_sort_maps(x) for x in v), key=lambda kv: kv.get("key", ""))
                    if k in SORTED and isinstance(v, list) else _sort_maps(v))
                for k, v in obj.items() if not (k in EMPTY_IS_UNSET and v == {})}
    if isinstance(obj, list):
        return [_sort_maps(x) for x in obj]
    return obj


def as_dict(message: Any) -> dict[str, Any]:
    """OTLP/JSON of a message (hex ids, 64-bit integers as strings), maps sorted."""
    return _sort_maps(json.loads(otlpjson.dumps(message)))


def items(request: Any) -> list[str]:
    """The request's items with their envelopes, as sorted canonical JSON texts."""
    obj = request if isinstance(request, dict) else as_dict(request)
    obj = _sort_maps(obj)
    out = []
    for resources_key, (scopes_key, items_key) in ITEMS.items():
        for rs in obj.get(resources_key, ()):
            envelope = {k: v for k, v in rs.items() if k != scopes_key}
            for ss in rs.get(scopes_key, ()):
                scope = {k: v for k, v in ss.items() if k != items_key}
                for item in ss.get(items_key, ()):
                    if resources_key != "resourceMetrics":
                        out.append(_text([envelope, scope, item]))
                        continue
                    out.extend(_points(envelope, scope, item))
    return sorted(out)


def _points(envelope: dict, scope: dict, metric: dict) -> list[str]:
    data_key = next(k for k in ("gauge", "sum", "histogram", "exponentialHistogram", "summary")
                    if k in metric)
    data = metric[data_key]
    descriptor = {**{k: v for k, v in metric.items() if k != data_key},
                  data_key: {k: v for k, v in data.items() if k != "dataPoints"}}
    return [_text([envelope, scope, descriptor, p]) for p in data.get("dataPoints", ())]


def _text(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def merged(requests: list[Any]) -> list[str]:
    return sorted(x for r in requests for x in items(r))


def parse_lines(text: str) -> list[dict[str, Any]]:
    """JSON Lines: split on newlines only (a JSON string may hold U+2028 and the like)."""
    return [json.loads(line) for line in text.split("\n") if line.strip()]

