"""OTLP payloads: binary protobuf and OTLP/JSON, in and out.

OTLP/JSON is the proto3 JSON mapping with the deviations of the OTLP specification:
trace and span ids are case-insensitive hex, not base64 (every `trace_id`, `span_id`
and `parent_span_id` bytes field: spans, links, log records, exemplars); enums are
integers; keys are lowerCamelCase (the proto field names are accepted too); unknown
fields are ignored; 64-bit integers may be strings or numbers. `ingest/otlpjson.py`
reads it (protobuf's own JSON parser is pure Python and several times slower).

`parse` raises `DecodeError` for anything it cannot read; its message is safe to send
back to the client.
"""

from __future__ import annotations

from google.protobuf import message

from ingest import otlpjson, wire

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
MEDIA_TYPES = (PROTOBUF, JSON)

# The payload is not a valid message of the expected type (one class for both encodings).
DecodeError = otlpjson.DecodeError


def media_type(content_type: str | None) -> str | None:
    """PROTOBUF or JSON for a Content-Type header (parameters ignored), else None."""
    if not content_type:
        return None
    base = content_type.split(";", 1)[0].strip().lower()
    return base if base in MEDIA_TYPES else None


def parse(message_class: type[message.Message], payload: bytes | bytearray,
          media: str) -> message.Message:
    """A `message_class` instance read from `payload` in the `media` encoding; for
    protobuf, an instance of its `ingest.wire` view (item attributes as bytes)."""
    if media == PROTOBUF:
        msg = wire.view(message_class)()
        try:
            msg.ParseFromString(payload)
        except (message.DecodeError, RecursionError, ValueError) as exc:
            raise DecodeError(f"cannot parse the protobuf payload: {exc}") from None
        return msg
    return otlpjson.parse(message_class, payload)


def encode(msg: message.Message, media: str) -> bytes:
    """`msg` serialized in the `media` encoding."""
    if media == JSON:
        return otlpjson.dumps(msg)
    return msg.SerializeToString()
