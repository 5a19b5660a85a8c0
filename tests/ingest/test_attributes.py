"""The Splitter remembers what each distinct attribute becomes; the rows stay the same."""

from __future__ import annotations

import json

import pytest
from opentelemetry.proto.common.v1 import common_pb2

from ingest import attributes, promotion
from ollygraph import codecs, store
from tests.ingest import storekit as kit

CONFIG = promotion.SignalPromotion(
    {"string": frozenset({"p.s"}), "int": frozenset({"p.i"}), "double": frozenset(),
     "bool": frozenset(), "bytes": frozenset()}, frozenset({"gone"}))
KEY_IDS = {"p.s": 7, "p.i": 8}


def split(splitter: attributes.Splitter, kvs: list, owner: tuple = (1,)) -> list[list[tuple]]:
    tables: list[list[tuple]] = [[] for _ in store.SUFFIXES]
    splitter.split(kvs, owner, tables)
    return tables


def test_rows_are_the_same_when_attributes_are_seen_again():
    splitter = attributes.Splitter(CONFIG, KEY_IDS)
    kvs = kit.kvs({"p.s": "a", "p.i": 3, "p.s2": "b", "gone": "x", "n": 1.5, "t": ["u", "v"],
                   "p.i ": "not an int"})
    first, again = split(splitter, kvs), split(splitter, kvs, (2,))
    assert first[0] == [(1, 7, "a")] and first[1] == [(1, 8, 3)]
    assert json.loads(first[5][0][1]) == {
        "p.s2": {"stringValue": "b"}, "n": {"doubleValue": 1.5},
        "p.i ": {"stringValue": "not an int"},
        "t": {"arrayValue": {"values": [{"stringValue": "u"}, {"stringValue": "v"}]}}}
    assert again == [[(2, *row[1:]) for row in rows] for rows in first]


def test_a_promoted_key_with_another_type_goes_to_jsonb_and_the_last_repeat_wins():
    splitter = attributes.Splitter(CONFIG, KEY_IDS)
    tables = split(splitter, kit.kvs({"p.i": "text"}) + kit.kvs({"p.s": "a"})
                   + kit.kvs({"p.s": "b"}))
    assert tables[0] == [(1, 7, "b")]
    assert json.loads(tables[5][0][1]) == {"p.i": {"stringValue": "text"}}


@pytest.mark.parametrize("kv", [
    common_pb2.KeyValue(key="k", value=common_pb2.AnyValue(string_value="a\x00b")),
    common_pb2.KeyValue(key="p.s", value=common_pb2.AnyValue(string_value="a\x00b")),
    common_pb2.KeyValue(key="k\x00", value=common_pb2.AnyValue(int_value=1)),
])
def test_a_nul_is_refused_every_time_and_nothing_is_appended(kv):
    splitter = attributes.Splitter(CONFIG, KEY_IDS)
    for _ in range(2):
        tables: list[list[tuple]] = [[] for _ in store.SUFFIXES]
        with pytest.raises(codecs.BadValue):
            splitter.split([*kit.kvs({"p.s": "ok", "x": 1}), kv], (1,), tables)
        assert tables == [[] for _ in store.SUFFIXES]


def test_a_backslash_u0000_in_text_is_kept():
    splitter = attributes.Splitter(CONFIG, KEY_IDS)
    tables = split(splitter, kit.kvs({"k": "\\u0000"}))
    assert json.loads(tables[5][0][1]) == {"k": {"stringValue": "\\u0000"}}
