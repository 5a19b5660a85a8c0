"""Splitting attributes into promoted (typed tables) and the rest (JSONB `_other`).

One `Splitter` per signal, built from the promotion config and the key ids of the
promoted keys. `split` appends rows `(*owner, key_id, value)` to the typed tables and
`(*owner, json_text)` to `_other`; a repeated key keeps its last value, like OTLP's
"last one wins". It raises `codecs.BadValue` before appending anything.

Attributes repeat (the same key with the same value on many items), so a `Splitter`
remembers, by a `KeyValue`'s serialized bytes, what it became: its checked JSON member
text or its typed row values. Requests read from protobuf carry those bytes already
(`ingest.wire`), so a seen attribute costs a lookup.
"""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry.proto.common.v1 import common_pb2

from ingest import promotion, wire
from ollygraph import codecs, store

# The rows of one owner's attributes: a list per table of `store.SUFFIXES` (typed tables
# in `store.VALUE_TYPES` order, `_other` last).
Tables = list[list[tuple]]


class Splitter:
    """Promotion of one signal: which (key, value type) goes to which typed table."""

    def __init__(self, config: promotion.SignalPromotion, key_ids: dict[str, int]) -> None:
        self.dropped = config.dropped
        # key -> {AnyValue oneof -> (typed table index, key id)}
        self.promoted: dict[str, dict[str, tuple[int, int]]] = {}
        for index, value_type in enumerate(store.VALUE_TYPES):
            for key in config.promoted[value_type.name]:
                self.promoted.setdefault(key, {})[value_type.oneof] = (index, key_ids[key])
        self._known: dict[bytes, str | tuple] = {}  # serialized KeyValue -> what it becomes

    def split(self, kvs: wire.Attributes, owner: tuple, tables: Tables,
              wires: Sequence[bytes] | None = None) -> None:
        """Append the rows of attributes `kvs` (`KeyValue`s, or their wire bytes) owned by
        `owner` to the six `tables` (`wires`: the serialized `kvs`, when the caller has
        them already)."""
        if not kvs:
            return
        if wires is None:
            wires = wire.encoded(kvs)
        known, learn = self._known, self.learn
        parts: list[str | None] = []
        typed: dict[int, tuple[int, tuple]] | None = None  # key_id -> (table, row): last wins
        shadowed: dict[int, list[int]] | None = None  # key_id -> its `parts` (see Shadowed)
        for kv, encoded in zip(kvs, wires, strict=True):
            found = known.get(encoded)
            if found is None:
                found = learn(encoded, kv)
            if found.__class__ is str:
                parts.append(found)  # JSONB keeps the last of repeated keys, as OTLP wants
            elif found.__class__ is Shadowed:
                # a promoted key repeated with values of both types: the last one wins here too
                if typed is not None:
                    typed.pop(found.key_id, None)
                if shadowed is None:
                    shadowed = {}
                shadowed.setdefault(found.key_id, []).append(len(parts))
                parts.append(found)
            elif found:
                index, key_id, raw = found
                if typed is None:
                    typed = {}
                typed[key_id] = (index, (*owner, key_id, raw))
                if shadowed is not None and key_id in shadowed:
                    for position in shadowed.pop(key_id):
                        parts[position] = None
        if typed:
            for index, row in typed.values():
                tables[index].append(row)
        if shadowed is not None:
            parts = [part for part in parts if part is not None]
        if parts:  # the `_other` table is the last
            tables[-1].append((*owner, "{" + ",".join(parts) + "}"))

    def learn(self, raw_kv: bytes, kv: bytes | common_pb2.KeyValue) -> str | tuple:
        """What becomes of one attribute (`kv`, a `KeyValue` or its bytes `raw_kv`): its
        JSON member text, (typed table, key id, value), or () when its key is dropped.
        Raises BadValue, remembering nothing."""
        if kv.__class__ is bytes:
            kv = wire.keyvalue(raw_kv)
        key = kv.key
        if key in self.dropped:
            found: str | tuple = ()
        else:
            value = kv.value
            kind = value.WhichOneof("value")
            hit = self.promoted.get(key)
            if hit is not None and kind in hit:
                index, key_id = hit[kind]
                raw = getattr(value, kind)
                if kind == "string_value":
                    codecs.check_text(raw, f"attribute {key}")
                found = (index, key_id, raw)
            else:
                found = codecs.quote_text(key) + ":" + codecs.tagged_json(value, kind)
                if hit is not None:
                    found = Shadowed(found, next(iter(hit.values()))[1])
        if len(self._known) >= MAX_KNOWN:
            self._known.clear()
        self._known[raw_kv] = found
        return found


class Shadowed(str):
    """The JSON member text of a promoted key whose value has another type (so it goes to
    the catch-all), with the key's id: when the key repeats in one attribute list with
    values of both kinds, only the last of them is kept."""

    def __new__(cls, text: str, key_id: int) -> Shadowed:
        self = super().__new__(cls, text)
        self.key_id = key_id
        return self


MAX_KNOWN = 50_000  # distinct attributes (key and value) remembered per signal
