"""OTLP/JSON to protobuf messages, without protobuf's pure-Python JSON parser.

The payload is parsed with orjson; one converter per message type, compiled once from
the message descriptor, turns each JSON object into the keyword arguments of the
message's constructor (proto field names, values of the field's Python type), and the
request class builds the whole tree in C from those nested dicts and lists.

The rules are OTLP's (the proto3 JSON mapping with the OTLP deviations): keys are
lowerCamelCase or the proto field names; `traceId`, `spanId` and `parentSpanId` are
case-insensitive hex, other bytes base64 (standard or URL-safe, padding optional);
64-bit integers are decimal strings or numbers; enums are integers (their names are
accepted too); doubles may be "NaN", "Infinity" or "-Infinity"; null is the default
value; unknown fields are ignored. Anything else raises `DecodeError`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import gc
import math
from collections.abc import Callable
from typing import Any

import orjson
from google.protobuf import descriptor, json_format
from opentelemetry.proto.common.v1 import common_pb2

HEX_FIELDS = frozenset({"trace_id", "span_id", "parent_span_id"})

Convert = Callable[[Any], Any]
FD = descriptor.FieldDescriptor
_INT64 = frozenset({FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64,
                    FD.TYPE_UINT64, FD.TYPE_FIXED64})
_INT32 = frozenset({FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32,
                    FD.TYPE_UINT32, FD.TYPE_FIXED32})
_FLOAT = frozenset({FD.TYPE_DOUBLE, FD.TYPE_FLOAT})
_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class DecodeError(ValueError):
    """The payload is not valid OTLP/JSON for the expected message; safe to show."""


def dumps(msg: Any, proto_names: bool = False) -> bytes:
    """`msg` as OTLP/JSON: hex ids, 64-bit integers as strings, enums as integers;
    lowerCamelCase keys, or the proto field names with `proto_names`."""
    obj = json_format.MessageToDict(msg, preserving_proto_field_name=proto_names,
                                    use_integers_for_enums=True)
    return orjson.dumps(_hex_ids(obj))


_HEX_KEYS = frozenset({"traceId", "spanId", "parentSpanId", *HEX_FIELDS})


def _hex_ids(obj: Any) -> Any:
    """The base64 ids of protobuf's JSON mapping under `obj` rewritten as hex (in place)."""
    if type(obj) is dict:
        for key, value in obj.items():
            if key in _HEX_KEYS and type(value) is str:
                obj[key] = base64.b64decode(value).hex()
            else:
                _hex_ids(value)
    elif type(obj) is list:
        for item in obj:
            _hex_ids(item)
    return obj


def _parse(message_class: Any, payload: bytes | bytearray | memoryview) -> Any:
    try:
        obj = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"cannot parse the JSON payload: {exc}") from None
    if type(obj) is not dict:
        raise DecodeError("the JSON payload must be an object")
    try:
        return message_class(**_converter(message_class.DESCRIPTOR)(obj))
    except DecodeError:
        raise
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise DecodeError(f"invalid OTLP/JSON: {exc}") from None


def parse(message_class: Any, payload: bytes | bytearray | memoryview) -> Any:
    """A `message_class` instance read from the OTLP/JSON `payload`.

    The cyclic garbage collector is paused meanwhile: the JSON tree is tens of
    thousands of containers, all alive until the end and freed by reference counting
    (no cycles), and collections triggered while it is built would walk it over and
    over (a third of the decoding time). Nothing else runs on the event loop meanwhile.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return _parse(message_class, payload)
    finally:
        if paused:
            gc.enable()


@functools.cache
def _converter(desc: descriptor.Descriptor) -> Convert:
    """JSON object -> constructor kwargs of `desc` (a shortcut for the most frequent
    shapes of attributes in front of the generic converter)."""
    generic = _generic(desc)
    shortcut = _SHORTCUTS.get(desc.full_name)
    return generic if shortcut is None else functools.partial(shortcut, generic)


def _generic(desc: descriptor.Descriptor) -> Convert:
    """The converter of any `desc`; fields are compiled on first use, so recursive types
    (AnyValue, ArrayValue, KeyValueList) refer to each other lazily."""
    table: dict[str, tuple[str, Convert | None]] = {}
    compiled = False
    type_name = desc.name

    def convert(obj: Any) -> dict[str, Any]:
        nonlocal compiled
        if type(obj) is not dict:
            raise DecodeError(f"a {type_name} must be a JSON object, not {_kind(obj)}")
        if not compiled:
            for field in desc.fields:
                table[field.json_name] = table[field.name] = (field.name, _field(field))
            compiled = True
        out = {}
        for key, value in obj.items():
            spec = table.get(key)
            if spec is None or value is None:
                continue
            name, conv = spec
            out[name] = value if conv is None else conv(value)
        return out

    return convert


# AnyValue members whose JSON value is already the Python value (the constructor checks it)
_PLAIN_ANY = {"stringValue": "string_value", "string_value": "string_value",
              "boolValue": "bool_value", "bool_value": "bool_value"}


def _any_value(generic: Convert, obj: Any) -> Any:
    """{"stringValue": "x"} -> {"string_value": "x"}; other shapes the generic way."""
    if type(obj) is dict and len(obj) == 1:
        for key, value in obj.items():
            name = _PLAIN_ANY.get(key)
            if name is not None:
                return {name: value}
            if key == "intValue" and type(value) is str and value.isdigit():
                return {"int_value": int(value)}  # out of range: the constructor says so
    return generic(obj)


def _key_values(where: str, items: Any) -> list[Any]:
    """Attributes (a list of KeyValue), converted in place: {"key": k, "value": v} has the
    same keys in proto and JSON, and the plain values are converted inline."""
    if type(items) is not list:
        raise DecodeError(f"{where} must be a JSON array, not {_kind(items)}")
    for i, item in enumerate(items):
        if type(item) is dict and len(item) == 2 and "key" in item:
            value = item.get("value")
            if type(value) is dict:
                if len(value) == 1:
                    [(member, plain)] = value.items()
                    name = _PLAIN_ANY.get(member)
                    if name is not None:
                        item["value"] = {name: plain}
                        continue
                item["value"] = _ANY_VALUE(value)
                continue
        items[i] = _KEY_VALUE(item)
    return items


_SHORTCUTS: dict[str, Callable[[Convert, Any], Any]] = {
    "opentelemetry.proto.common.v1.AnyValue": _any_value,
}


def _field(field: descriptor.FieldDescriptor) -> Convert | None:
    """The converter of one field's JSON value (None: the JSON value is used as is and
    the message constructor checks its type)."""
    one = _scalar(field)
    if not _is_repeated(field):
        return one
    where = field.json_name
    if field.message_type is common_pb2.KeyValue.DESCRIPTOR:
        return functools.partial(_key_values, where)

    def repeated(value: Any) -> list[Any]:
        if type(value) is not list:
            raise DecodeError(f"{where} must be a JSON array, not {_kind(value)}")
        return value if one is None else [one(item) for item in value]

    return repeated


def _scalar(field: descriptor.FieldDescriptor) -> Convert | None:
    kind = field.type
    if kind == FD.TYPE_MESSAGE:
        return _converter(field.message_type)
    if kind in _INT64 or kind in _INT32:
        return functools.partial(_integer, field.json_name)
    if kind == FD.TYPE_ENUM:
        return functools.partial(_enum, field.enum_type, field.json_name)
    if kind in _FLOAT:
        return functools.partial(_float, field.json_name)
    if kind == FD.TYPE_BYTES:
        return functools.partial(_hex if field.name in HEX_FIELDS else _base64, field.json_name)
    return None  # string, bool


def _is_repeated(field: descriptor.FieldDescriptor) -> bool:
    repeated = getattr(field, "is_repeated", None)  # protobuf >= 5.29; `label` is deprecated
    return bool(repeated) if repeated is not None else field.label == FD.LABEL_REPEATED


def _integer(where: str, value: Any) -> int:
    kind = type(value)
    if kind is int:
        return value
    if kind is str:
        try:
            return int(value)
        except ValueError:
            pass
        try:
            number = float(value)
        except ValueError:
            raise DecodeError(f"{where} {value[:64]!r} is not an integer") from None
        value, kind = number, float
    if kind is float and value.is_integer():
        return int(value)
    raise DecodeError(f"{where} {str(value)[:64]} is not an integer")


def _enum(enum: descriptor.EnumDescriptor, where: str, value: Any) -> int:
    if type(value) is int:
        return value
    if type(value) is str and value in enum.values_by_name:
        return enum.values_by_name[value].number
    raise DecodeError(f"{where} {str(value)[:64]!r} is not a value of {enum.name}")


def _float(where: str, value: Any) -> float:
    kind = type(value)
    if kind is float or kind is int:
        return value
    if kind is str:
        special = _SPECIAL_FLOATS.get(value)
        if special is not None:
            return special
        try:
            return float(value)
        except ValueError:
            pass
    raise DecodeError(f"{where} {str(value)[:64]!r} is not a number")


def _hex(where: str, value: Any) -> bytes:
    if type(value) is str:
        try:
            return binascii.unhexlify(value)
        except (binascii.Error, ValueError):
            pass
    raise DecodeError(f"{where} {str(value)[:64]!r} is not a hex string")


def _base64(where: str, value: Any) -> bytes:
    if type(value) is str:
        padded = value + "=" * (-len(value) % 4)
        try:
            if "-" in value or "_" in value:
                return base64.urlsafe_b64decode(padded)
            return base64.b64decode(padded, validate=True)
        except (binascii.Error, ValueError):
            pass
    raise DecodeError(f"{where} {str(value)[:64]!r} is not base64")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            int: "a number", float: "a number"}.get(type(value), "null")


_ANY_VALUE = _converter(common_pb2.AnyValue.DESCRIPTOR)
_KEY_VALUE = _converter(common_pb2.KeyValue.DESCRIPTOR)
