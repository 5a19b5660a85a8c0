"""OTLP payloads: binary protobuf and OTLP/JSON, in and out.

OTLP/JSON is the proto3 JSON mapping with the deviations of the OTLP specification:
trace and span ids are case-insensitive hex, not base64 (every `trace_id`, `span_id`
and `parent_span_id` bytes field: spans, links, log records, exemplars); enums are
integers; keys are lowerCamelCase (the proto field names are accepted too); unknown
fields are ignored; 64-bit integers may be strings or numbers.

`parse` raises `DecodeError` for anything it cannot read; its message is safe to send
back to the client.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from typing import Any

from google.protobuf import descriptor, json_format, message

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
MEDIA_TYPES = (PROTOBUF, JSON)

_HEX_FIELDS = frozenset({"trace_id", "span_id", "parent_span_id"})


class DecodeError(ValueError):
    """The payload is not a valid message of the expected type."""


def media_type(content_type: str | None) -> str | None:
    """PROTOBUF or JSON for a Content-Type header (parameters ignored), else None."""
    if not content_type:
        return None
    base = content_type.split(";", 1)[0].strip().lower()
    return base if base in MEDIA_TYPES else None


def parse(message_class: Any, payload: bytes | bytearray, media: str) -> Any:
    """A `message_class` instance read from `payload` in the `media` encoding."""
    if media == PROTOBUF:
        msg = message_class()
        try:
            msg.ParseFromString(payload)
        except (message.DecodeError, RecursionError, ValueError) as exc:
            raise DecodeError(f"cannot parse the protobuf payload: {exc}") from None
        return msg
    return _parse_json(message_class, payload)


def encode(msg: Any, media: str) -> bytes:
    """`msg` serialized in the `media` encoding (ids in JSON are only in requests)."""
    if media == JSON:
        return json_format.MessageToJson(msg, indent=None).encode()
    return msg.SerializeToString()


def _parse_json(message_class: Any, payload: bytes | bytearray) -> Any:
    try:
        obj = json.loads(payload)
    except (ValueError, RecursionError) as exc:
        raise DecodeError(f"cannot parse the JSON payload: {exc}") from None
    if not isinstance(obj, dict):
        raise DecodeError("the JSON payload must be an object")
    plans = _hex_plans(message_class.DESCRIPTOR)
    try:
        _unhex(obj, message_class.DESCRIPTOR, plans)
        return json_format.ParseDict(obj, message_class(), ignore_unknown_fields=True)
    except (json_format.ParseError, ValueError, TypeError, AttributeError, RecursionError) as exc:
        raise DecodeError(f"invalid OTLP/JSON: {exc}") from None


Plan = dict[str, "descriptor.Descriptor | None"]


@functools.cache
def _hex_plans(root: descriptor.Descriptor) -> dict[descriptor.Descriptor, Plan]:
    """For each message type on a path from `root` to a hex id field: JSON key -> step.

    A step is None for a hex id field, else the message type to descend into. Both
    the lowerCamelCase and the proto field name are keys. Message types with no id
    below them (attributes, resources) are absent, so the walk never enters them.
    """
    reachable: list[descriptor.Descriptor] = []
    stack = [root]
    while stack:
        desc = stack.pop()
        if desc in reachable:
            continue
        reachable.append(desc)
        stack.extend(f.message_type for f in desc.fields if f.message_type is not None)

    def is_hex(field: descriptor.FieldDescriptor) -> bool:
        return field.type == descriptor.FieldDescriptor.TYPE_BYTES and field.name in _HEX_FIELDS

    with_ids: set[descriptor.Descriptor] = set()
    changed = True
    while changed:  # fixpoint: AnyValue and friends are recursive types
        changed = False
        for desc in reachable:
            if desc not in with_ids and any(
                is_hex(f) or f.message_type in with_ids for f in desc.fields
            ):
                with_ids.add(desc)
                changed = True

    plans: dict[descriptor.Descriptor, Plan] = {}
    for desc in with_ids:
        plan: Plan = {}
        for field in desc.fields:
            if is_hex(field):
                plan[field.json_name] = plan[field.name] = None
            elif field.message_type in with_ids:
                plan[field.json_name] = plan[field.name] = field.message_type
        plans[desc] = plan
    return plans


_SKIP = object()


def _unhex(obj: dict[str, Any], desc: descriptor.Descriptor, plans: dict[Any, Plan]) -> None:
    """Rewrite the hex ids under `obj` (in place) as the base64 the JSON parser expects."""
    plan = plans[desc]
    for key, value in obj.items():
        step = plan.get(key, _SKIP)
        if step is _SKIP:
            continue
        if step is None:
            if isinstance(value, str):
                obj[key] = _hex_to_base64(key, value)
            continue
        for item in value if isinstance(value, list) else (value,):
            if isinstance(item, dict):
                _unhex(item, step, plans)


def _hex_to_base64(key: str, value: str) -> str:
    try:
        raw = binascii.unhexlify(value)
    except (binascii.Error, ValueError):
        raise DecodeError(f"{key} {value[:64]!r} is not a hex string") from None
    return base64.b64encode(raw).decode("ascii")
