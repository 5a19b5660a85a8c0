"""attributes.plain turns stored tagged AnyValues into the plain JSON that the store's
SQL function otel_anyvalue_to_json gives (log bodies are read with it)."""

from __future__ import annotations

import pytest
from psycopg.types.json import Jsonb

from gateway import attributes

pytestmark = pytest.mark.db

VALUES = [
    {"stringValue": "text"},
    {"stringValue": ""},
    {"boolValue": False},
    {"intValue": "9223372036854775807"},
    {"intValue": "-9223372036854775808"},
    {"intValue": 12},
    {"doubleValue": 0.25},
    {"doubleValue": "NaN"},
    {"doubleValue": "-Infinity"},
    {"bytesValue": "AAH/"},
    {"arrayValue": {"values": [{"intValue": "1"}, {"stringValue": "x"},
                               {"arrayValue": {"values": []}}]}},
    {"arrayValue": {}},
    {"kvlistValue": {"values": [{"key": "a", "value": {"boolValue": True}},
                                {"key": "b", "value": {"kvlistValue": {"values": []}}},
                                {"key": "a", "value": {"stringValue": "last"}}]}},
    {"kvlistValue": {}},
    {},
    {"unknownValue": 1},
    "already plain",
    7,
    None,
]


@pytest.mark.parametrize("tagged", VALUES)
def test_plain_matches_the_sql_function(sql, module_schema, tagged) -> None:
    sql.execute(f'SET search_path TO "{module_schema}"')
    (expected,) = sql.execute("SELECT otel_anyvalue_to_json(%s::jsonb)",
                              (Jsonb(tagged),)).fetchone()
    assert attributes.plain(tagged) == expected
