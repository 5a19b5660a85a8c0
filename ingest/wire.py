"""Export requests read with item attributes left as their serialized bytes.

An attribute is a `KeyValue` message on the wire, a length-delimited field, which reads
as `bytes` just as well. The classes here are the OTLP export requests with the
`attributes` of spans, span events and links, log records and metric data points
declared `bytes`: parsing them keeps each attribute's own wire bytes, which is what
`ingest.attributes.Splitter` looks attributes up by. Serializing every `KeyValue` again
for that lookup was the largest single cost of ingest; now only an attribute never
seen before is parsed (`keyvalue`). Resources, scopes and exemplars keep their
`KeyValue` messages: they are hashed and converted whole.

A request that parses as the official class parses as its view, and the two serialize
to the same bytes (the wire format is the same). Code that reads requests is annotated
with the official classes (`trace_pb2.Span`, ...): a view has the same fields, except
that item `attributes` are `Attributes` (bytes, or `KeyValue`s when the request came
from OTLP/JSON or was built in Python).
"""

from __future__ import annotations

from collections.abc import Sequence

from google.protobuf import descriptor, descriptor_pb2, descriptor_pool, message, message_factory
from opentelemetry.proto.common.v1 import common_pb2

from ollygraph import codecs

# Repeated item attributes: wire bytes as a view reads them, or `KeyValue` messages.
Attributes = Sequence[bytes] | Sequence[common_pb2.KeyValue]

# message (full name) -> its field that becomes `repeated bytes`
BYTES_FIELDS = {
    "opentelemetry.proto.trace.v1.Span": "attributes",
    "opentelemetry.proto.trace.v1.Span.Event": "attributes",
    "opentelemetry.proto.trace.v1.Span.Link": "attributes",
    "opentelemetry.proto.logs.v1.LogRecord": "attributes",
    "opentelemetry.proto.metrics.v1.NumberDataPoint": "attributes",
    "opentelemetry.proto.metrics.v1.HistogramDataPoint": "attributes",
    "opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint": "attributes",
    "opentelemetry.proto.metrics.v1.SummaryDataPoint": "attributes",
}


def _retyped(proto: descriptor_pb2.DescriptorProto, prefix: str) -> None:
    """Declare the BYTES_FIELDS of `proto` (a DescriptorProto, nested ones too) bytes."""
    name = f"{prefix}.{proto.name}"
    for field in proto.field:
        if BYTES_FIELDS.get(name) == field.name:
            field.type = descriptor_pb2.FieldDescriptorProto.TYPE_BYTES
            field.ClearField("type_name")
    for nested in proto.nested_type:
        _retyped(nested, name)


def _build_pool(files: list[descriptor.FileDescriptor]) -> descriptor_pool.DescriptorPool:
    pool = descriptor_pool.DescriptorPool()
    added: set[str] = set()

    def add(file: descriptor.FileDescriptor) -> None:
        if file.name in added:
            return
        for dependency in file.dependencies:
            add(dependency)
        proto = descriptor_pb2.FileDescriptorProto()
        file.CopyToProto(proto)
        for message_proto in proto.message_type:
            _retyped(message_proto, proto.package)
        pool.Add(proto)
        added.add(file.name)

    for file in files:
        add(file)
    return pool


_VIEWS: dict[type[message.Message], type[message.Message]] = {}


def view(message_class: type[message.Message]) -> type[message.Message]:
    """The view class of an official Export*ServiceRequest class."""
    found = _VIEWS.get(message_class)
    if found is None:
        descriptor = message_class.DESCRIPTOR
        pool = _build_pool([descriptor.file])
        found = message_factory.GetMessageClass(pool.FindMessageTypeByName(descriptor.full_name))
        _VIEWS[message_class] = found
    return found


def keyvalue(wire: bytes) -> common_pb2.KeyValue:
    """The `KeyValue` of an attribute's wire bytes; BadValue when they are not one."""
    try:
        return common_pb2.KeyValue.FromString(wire)
    except (message.DecodeError, RecursionError, ValueError) as exc:
        raise codecs.BadValue(f"an attribute is not a valid KeyValue: {exc}") from None


def encoded(items: Attributes) -> Sequence[bytes]:
    """The wire bytes of repeated attributes: as read by a view, else serialized."""
    if items and items[0].__class__ is bytes:
        return items
    return [kv.SerializeToString() for kv in items]


def keyvalues(items: Attributes) -> list[common_pb2.KeyValue]:
    """`KeyValue`s of repeated attributes, whether read as messages or as bytes."""
    return [keyvalue(kv) if kv.__class__ is bytes else kv for kv in items]


MAX_CANONICAL = 50_000  # distinct attributes whose encoding is remembered, of each kind
_canonical: set[bytes] = set()  # attribute wire bytes known to be canonical
_fixed: dict[bytes, bytes] = {}  # other attribute wire bytes -> their canonical bytes


def canonical(items: Attributes) -> list[bytes] | None:
    """The canonical wire bytes of repeated attributes (their `KeyValue`s serialized
    deterministically) when some were encoded another valid way (fields in another order,
    a default written out, a oneof set twice), else None. Raises BadValue."""
    if not items or items[0].__class__ is not bytes or _canonical.issuperset(items):
        return None  # messages serialize canonically; seen attributes cost a set lookup
    out: list[bytes] = []
    changed = False
    for raw in items:
        if raw in _canonical:
            out.append(raw)
            continue
        found = _fixed.get(raw)
        if found is None:
            found = keyvalue(raw).SerializeToString(deterministic=True)
            if found == raw:
                if len(_canonical) >= MAX_CANONICAL:
                    _canonical.clear()
                _canonical.add(raw)
            else:
                if len(_fixed) >= MAX_CANONICAL:
                    _fixed.clear()
                _fixed[raw] = found
        changed = changed or found != raw
        out.append(found)
    return out if changed else None


def content(item: message.Message, attributes: Attributes | None = None) -> bytes:
    """An item's (log record's, data point's) serialized content, the same for every valid
    encoding of it: deterministic serialization orders its fields, and the attributes a
    view keeps as wire bytes are put in canonical form (a copy is made only then).
    `attributes`: the item's, when the caller has them already."""
    own = item.attributes
    if own and own[0].__class__ is not bytes:  # messages serialize canonically
        return item.SerializeToString(deterministic=True)
    fixed = canonical(own if attributes is None else attributes)
    if fixed is None:
        return item.SerializeToString(deterministic=True)
    copy = item.__class__()
    copy.CopyFrom(item)
    del copy.attributes[:]
    copy.attributes.extend(fixed)
    return copy.SerializeToString(deterministic=True)
