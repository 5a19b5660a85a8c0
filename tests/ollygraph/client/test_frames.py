"""The client's parts that need no server: timestamp parsing, the query documents, and
frames built from result nodes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from graphql import parse, validate

from gateway import schema
from ollygraph.client import api, fields, frames, queries


@pytest.mark.parametrize(("text", "nanos"), [
    ("1970-01-01T00:00:00Z", 0),
    ("2024-05-01T12:00:00.123456789Z", 1_714_564_800_123_456_789),
    ("2024-05-01T12:00:00.5Z", 1_714_564_800_500_000_000),
    ("2024-05-01T14:30:00.000000001+02:30", 1_714_564_800_000_000_001),
    ("2024-05-01t07:00:00-05:00", 1_714_564_800_000_000_000),
    ("1969-12-31T23:59:59.999999999Z", -1),
])
def test_timestamps_parse_to_exact_nanoseconds(text, nanos):
    assert frames.unix_nano(text) == nanos


def test_a_bad_timestamp_is_named():
    with pytest.raises(ValueError, match="'yesterday' is not an RFC 3339 timestamp"):
        frames.unix_nano("yesterday")


def test_every_query_is_valid_against_the_served_schema():
    served = schema.SCHEMA._schema
    for name, document in queries.ALL.items():
        assert validate(served, parse(document)) == [], name


def test_selection_nests_dotted_paths():
    spec = (fields.Field("a"), fields.Field("b.c"), fields.Field("b.d.e"), fields.Field("f"))
    assert fields.selection(spec) == "a b { c d { e } } f"
    assert fields.value({"b": None}, "b.c") is None


def test_flattened_attributes_keep_integers_exact_beside_missing_values():
    nodes = [{"attributes": {"n": 2**63 - 1, "mixed": 1, "list": ["a"]}},
             {"attributes": {"mixed": "x", "list": None}},
             {"attributes": {"n": -(2**63), "f": 1}}, {"attributes": {"f": 0.5}}]
    df = frames.frame(nodes, (fields.Field("attributes", fields.JSON),), "attributes")
    assert list(df.columns) == ["attr.f", "attr.list", "attr.mixed", "attr.n"]
    assert df["attr.n"].dtype == "Int64"
    assert df["attr.n"].tolist() == [2**63 - 1, pd.NA, -(2**63), pd.NA]
    assert df["attr.f"].dtype == "float64" and df["attr.f"].tolist()[2:] == [1.0, 0.5]
    assert df["attr.mixed"].dtype == "object" and df["attr.mixed"].tolist()[:2] == [1, "x"]
    table = frames.to_arrow(df)
    assert table.column("attr.mixed").to_pylist() == ["1", '"x"', None, None]
    assert table.column("attr.n").to_pylist() == [2**63 - 1, None, -(2**63), None]


def test_datetimes_are_sent_as_rfc3339_utc():
    stamp = pd.Timestamp("2024-05-01T14:00:00.000000007+02:00")
    assert api._json_default(stamp) == "2024-05-01T12:00:00.000000007Z"
    assert api._json_default(dt.datetime(2024, 5, 1, tzinfo=dt.UTC)) == "2024-05-01T00:00:00Z"
    with pytest.raises(TypeError, match="no time zone"):
        api._json_default(dt.datetime(2024, 5, 1))


def test_a_token_is_sent_as_a_bearer_header():
    with api.Client("http://127.0.0.1:1/graphql", token="s3cret") as client:
        assert client.http.headers["Authorization"] == "Bearer s3cret"
