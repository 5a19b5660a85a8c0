"""What the gateway serves of stored items, through GraphQL's lossless (typed) fields, turned
into the items of `canonical` (OTLP/JSON with envelopes) so that it compares with what was
sent: every field of spans, log records and metric points with their resources, scopes and
descriptors, attribute maps and bodies as tagged AnyValues, open enums by number, 64-bit
integers as strings."""

from __future__ import annotations

import json
import math
from typing import Any

import httpx

from gateway import scalars

ATTRS = "attributes(typed: true)"
RESOURCE = (f"resource {{ schemaUrl droppedAttributesCount {ATTRS} "
            "entityRefs { schemaUrl type idKeys descriptionKeys } }")
SCOPE = f"scope {{ name version schemaUrl droppedAttributesCount {ATTRS} }}"
SPANS = f"""spans(filter: {{timeRange: $range}}, first: 1000) {{ nodes {{
  traceId spanId parentSpanId traceState flags name kindNumber startTimeUnixNano
  endTimeUnixNano droppedAttributesCount droppedEventsCount droppedLinksCount {ATTRS}
  status {{ codeNumber message }}
  events {{ timeUnixNano name droppedAttributesCount {ATTRS} }}
  links {{ traceId spanId traceState flags droppedAttributesCount {ATTRS} }}
  {RESOURCE} {SCOPE} }} }}"""
LOGS = f"""logs(filter: {{timeRange: $range}}, first: 1000) {{ nodes {{
  timeUnixNano observedTimeUnixNano severityNumber severityText body(typed: true)
  droppedAttributesCount flags traceId spanId eventName {ATTRS} {RESOURCE} {SCOPE} }} }}"""
POINT_FIELDS = f"""timeUnixNano startTimeUnixNano flags value valueInt count sum min max
  explicitBounds bucketCounts scale zeroCount zeroThreshold positiveOffset
  positiveBucketCounts negativeOffset negativeBucketCounts quantiles quantileValues {ATTRS}
  exemplars {{ timeUnixNano value valueInt traceId spanId
               filteredAttributes(typed: true) }} {RESOURCE} {SCOPE}"""
DESCRIPTOR = """descriptor { name type unit description temporalityNumber isMonotonic
  metadata(typed: true) }"""
METRIC = f"""points(timeRange: $range, first: 1000) {{ nodes {{ {POINT_FIELDS} {DESCRIPTOR} }} }}"""
DATA = {"GAUGE": "gauge", "SUM": "sum", "HISTOGRAM": "histogram",
        "EXPONENTIAL_HISTOGRAM": "exponentialHistogram", "SUMMARY": "summary"}
ANY_VALUE = frozenset({"value", "body"})  # keys holding an AnyValue (when an object)
# fields with presence: OTLP/JSON has them when set, even to 0
PRESENCE = frozenset({"asInt", "asDouble", "sum", "min", "max"})


def fetch(client: httpx.Client, start: int, end: int, metric_names: list[str]) -> list[str]:
    """The canonical texts of the spans, log records and points (of the metrics named)
    in [start, end]."""
    metrics = " ".join(f"m{i}: metric(name: {json.dumps(name)}) {{ {METRIC} }}"
                       for i, name in enumerate(metric_names))
    query = f"query($range: TimeRange!) {{ {SPANS} {LOGS} {metrics} }}"
    answer = client.post("/graphql", json={"query": query, "variables": {"range": {
        "from": scalars.format_timestamp(start), "to": scalars.format_timestamp(end)}}})
    body = answer.json()
    assert "errors" not in body, body["errors"]
    data = body["data"]
    found = [_item(s, _span(s)) for s in data["spans"]["nodes"]]
    found += [_item(x, _log(x)) for x in data["logs"]["nodes"]]
    for i in range(len(metric_names)):
        metric = data[f"m{i}"]
        if metric is not None:  # each point with its own descriptor
            found += [_item(p, _point(p, p["descriptor"]["type"]), _descriptor(p["descriptor"]))
                      for p in metric["points"]["nodes"]]
    return sorted(_text(x) for x in found)


def expected(items: list[str]) -> list[str]:
    """`canonical` item texts in the same normal form as `fetch` gives."""
    return sorted(_text(json.loads(x)) for x in items)


def _text(item: Any) -> str:
    return json.dumps(_normal(item), sort_keys=True, separators=(",", ":"))


def _normal(obj: Any, key: str | None = None) -> Any:
    """Defaults left out (OTLP/JSON omits them; GraphQL says null), attribute lists as maps
    sorted by key, span events and links sorted, AnyValues in one form."""
    if key in ANY_VALUE and isinstance(obj, dict):
        return _anyvalue(obj)
    if key in ("attributes", "metadata", "filteredAttributes") and isinstance(obj, list):
        last = {kv.get("key", ""): _anyvalue(kv.get("value", {})) for kv in obj}  # last wins
        return [{"key": k, "value": v} for k, v in sorted(last.items())]
    if isinstance(obj, dict):
        out = {k: _normal(v, k) for k, v in obj.items()}
        return {k: v for k, v in out.items()
                if (k in ANY_VALUE and isinstance(v, dict)) or k in DATA.values()
                or (k in PRESENCE and v is not None) or not _default(v)}
    if isinstance(obj, list):
        items = [_normal(x) for x in obj]
        return sorted(items, key=_text_of) if key in ("events", "links") else items
    return obj


def _default(v: Any) -> bool:
    """A proto3 default, which OTLP/JSON leaves out (-0.0 is not one)."""
    if isinstance(v, float):
        return v == 0 and math.copysign(1.0, v) > 0
    return v is None or v is False or (type(v) is int and v == 0) or v in ("", "0", [], {})


def _anyvalue(value: Any) -> Any:
    if not isinstance(value, dict) or not value:
        return {}
    if "arrayValue" in value:
        return {"arrayValue": {"values": [_anyvalue(v) for v in
                                          (value["arrayValue"] or {}).get("values", [])]}}
    if "kvlistValue" in value:
        return {"kvlistValue": {"values": [
            {"key": kv.get("key", ""), "value": _anyvalue(kv.get("value", {}))}
            for kv in (value["kvlistValue"] or {}).get("values", [])]}}
    return value


def _map(attributes: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [{"key": k, "value": v} for k, v in (attributes or {}).items()]


def _item(node: dict[str, Any], item: dict[str, Any], descriptor: Any = None) -> list[Any]:
    resource, scope = node["resource"], node["scope"] or {}
    envelope = {"resource": {"attributes": _map(resource["attributes"]),
                             "droppedAttributesCount": resource["droppedAttributesCount"],
                             "entityRefs": resource["entityRefs"]},
                "schemaUrl": resource["schemaUrl"]}
    scope_envelope = {"scope": {"name": scope.get("name"), "version": scope.get("version"),
                                "attributes": _map(scope.get("attributes")),
                                "droppedAttributesCount": scope.get("droppedAttributesCount")},
                      "schemaUrl": scope.get("schemaUrl")}
    return [envelope, scope_envelope, *([descriptor] if descriptor else []), item]


def _span(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "traceId": s["traceId"], "spanId": s["spanId"], "parentSpanId": s["parentSpanId"],
        "traceState": s["traceState"], "flags": s["flags"], "name": s["name"],
        "kind": s["kindNumber"], "startTimeUnixNano": s["startTimeUnixNano"],
        "endTimeUnixNano": s["endTimeUnixNano"], "attributes": _map(s["attributes"]),
        "droppedAttributesCount": s["droppedAttributesCount"],
        "droppedEventsCount": s["droppedEventsCount"],
        "droppedLinksCount": s["droppedLinksCount"],
        "status": {"code": s["status"]["codeNumber"], "message": s["status"]["message"]},
        "events": [{**e, "attributes": _map(e["attributes"])} for e in s["events"]],
        "links": [{**x, "attributes": _map(x["attributes"])} for x in s["links"]]}


def _log(x: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in x.items() if k not in ("resource", "scope", "attributes", "body")}
    out["attributes"] = _map(x["attributes"])
    if x["body"]:  # {} (an empty body) is kept as no body
        out["body"] = x["body"]
    return out


def _descriptor(m: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"aggregationTemporality": m["temporalityNumber"]}
    if m["type"] == "SUM":
        data["isMonotonic"] = m["isMonotonic"]
    if m["type"] in ("GAUGE", "SUMMARY"):
        data = {}
    return {"name": m["name"], "description": m["description"], "unit": m["unit"],
            "metadata": _map(m["metadata"]), DATA[m["type"]]: data}


def _point(p: dict[str, Any], kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {"timeUnixNano": p["timeUnixNano"],
                           "startTimeUnixNano": p["startTimeUnixNano"], "flags": p["flags"],
                           "attributes": _map(p["attributes"])}
    if p["valueInt"] is not None:
        out["asInt"] = p["valueInt"]
    elif p["value"] is not None:
        out["asDouble"] = p["value"]
    for name in ("count", "sum", "min", "max", "explicitBounds", "bucketCounts", "scale",
                 "zeroCount", "zeroThreshold"):
        if p[name] is not None:
            out[name] = p[name]
    if kind == "SUMMARY" and isinstance(out.get("sum"), float) and _default(out["sum"]):
        del out["sum"]  # a summary's sum has no presence
    for side in ("positive", "negative"):
        if p[f"{side}Offset"] is not None or p[f"{side}BucketCounts"]:
            out[side] = {"offset": p[f"{side}Offset"],
                         "bucketCounts": p[f"{side}BucketCounts"]}
    if p["quantiles"] is not None:
        out["quantileValues"] = [{"quantile": q, "value": v} for q, v in
                                 zip(p["quantiles"], p["quantileValues"], strict=True)]
    exemplars = []
    for e in p["exemplars"]:
        one = {"timeUnixNano": e["timeUnixNano"], "traceId": e["traceId"],
               "spanId": e["spanId"], "filteredAttributes": _map(e["filteredAttributes"])}
        if e["valueInt"] is not None:
            one["asInt"] = e["valueInt"]
        elif e["value"] is not None:
            one["asDouble"] = e["value"]
        exemplars.append(one)
    out["exemplars"] = exemplars
    return out


def _text_of(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True)
