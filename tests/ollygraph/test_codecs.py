"""The AnyValue codec: tagged JSON for every kind, the SQL conversion to plain JSON,
refusals (NUL, nesting), and canonical hashing."""

from __future__ import annotations

import base64
import json
import math

import pytest

from ollygraph import codecs
from tests.ingest import storekit as kit


@pytest.mark.parametrize("key", sorted(kit.EVERY_KIND))
def test_every_kind_to_tagged(key):
    value = kit.value(kit.EVERY_KIND[key])
    tagged = codecs.anyvalue_to_tagged(value)
    assert kit.same_tagged(tagged, kit.tagged(kit.EVERY_KIND[key]))
    # the fast JSON text says the same thing
    assert kit.same_tagged(json.loads(codecs.tagged_json(value, value.WhichOneof("value"))),
                           tagged)


def plain(v):
    """The plain JSON the store's SQL functions should give for a Python value."""
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    return v


def test_sql_turns_tagged_into_plain_json(sql, module_schema):
    sql.execute(f'SET search_path TO "{module_schema}"')
    value = kit.value(kit.EVERY_KIND)
    tagged = {kv["key"]: kv["value"]
              for kv in codecs.anyvalue_to_tagged(value)["kvlistValue"]["values"]}
    (got,) = sql.execute("SELECT otel_attributes_to_json(%s::jsonb)",
                         (codecs.dumps(tagged),)).fetchone()
    assert got == plain(kit.EVERY_KIND)


def test_refusals():
    with pytest.raises(codecs.BadValue, match="NUL"):
        codecs.anyvalue_to_tagged(kit.value("a\x00b"))
    with pytest.raises(codecs.BadValue, match="NUL"):
        codecs.tagged_json(kit.value("a\x00b"), "string_value")
    deep: object = 1
    for _ in range(codecs.MAX_DEPTH + 1):
        deep = [deep]
    with pytest.raises(codecs.BadValue, match="nested"):
        codecs.anyvalue_to_tagged(kit.value(deep))
    v = kit.value(deep)
    with pytest.raises(codecs.BadValue, match="nested"):
        codecs.tagged_json(v, v.WhichOneof("value"))


def test_canonical_hash_ignores_key_order():
    assert codecs.canonical_hash({"a": 1, "b": [1, 2]}) == codecs.canonical_hash({"b": [1, 2],
                                                                                   "a": 1})
    assert codecs.canonical_hash({"a": 1}) != codecs.canonical_hash({"a": "1"})
    assert len(codecs.canonical_hash({})) == 32


def test_negative_zero_is_kept_as_text():
    """JSONB numbers have no -0: it is stored as OTLP/JSON's "-0", and read back as -0.0."""
    from opentelemetry.proto.common.v1 import common_pb2

    from gateway import attributes
    from ollygraph.export import values

    negative, positive = common_pb2.AnyValue(double_value=-0.0), common_pb2.AnyValue(
        double_value=0.0)
    assert codecs.anyvalue_to_tagged(negative) == {"doubleValue": "-0"}
    assert json.loads(codecs.tagged_json(negative, "double_value")) == {"doubleValue": "-0"}
    assert json.loads(codecs.tagged_json(positive, "double_value")) == {"doubleValue": 0.0}
    back = values.anyvalue({"doubleValue": "-0"}).double_value
    assert back == 0 and math.copysign(1.0, back) < 0
    assert math.copysign(1.0, attributes.plain({"doubleValue": "-0"})) < 0
    assert json.dumps(attributes.tagged({"doubleValue": "-0"})) == '{"doubleValue": -0.0}'
