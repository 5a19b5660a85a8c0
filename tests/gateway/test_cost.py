"""The cost model: every list of objects is sized, costs multiply down the query."""

from __future__ import annotations

import pytest
from graphql import (
    GraphQLObjectType,
    get_named_type,
    is_composite_type,
    is_list_type,
    is_non_null_type,
    parse,
)

from gateway import cost, errors, schema

GRAPHQL = schema.SCHEMA._schema


def query_cost(query: str, variables: dict | None = None) -> int:
    return cost.query_cost(GRAPHQL, parse(query), None, variables)


def test_every_list_of_objects_has_a_size() -> None:
    unsized = []
    for type_ in GRAPHQL.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            inner = field.type.of_type if is_non_null_type(field.type) else field.type
            if not is_list_type(inner) or not is_composite_type(get_named_type(inner)):
                continue
            if type_.name.endswith("Connection") and name in cost.PAGED:
                continue
            if (type_.name, name) not in cost.SIZES:
                unsized.append(f"{type_.name}.{name}")
    assert unsized == []


def test_sizes_multiply_down_the_query() -> None:
    assert query_cost('{ traces(first: 10) { nodes { spans { events { name } } } } }') == (
        1 + 10 + 10 * 1000 + 10 * 1000 * 128)
    assert query_cost('{ traces { edges { node { traceId } } pageInfo { hasNextPage } } }') \
        == 1 + 20 + 20 + 1
    fragment = ('query ($n: Int = 3) { ...q } fragment q on Query { spans(first: $n) '
                '{ nodes { ... on Span { children(first: 100000) { spanId } } } } }')
    assert query_cost(fragment) == 1 + 3 + 3 * 10_000
    assert query_cost(fragment, {"n": 500}) == 1 + 100 + 100 * 10_000


def test_series_points_follow_the_time_range_and_step() -> None:
    query = ('query ($r: TimeRange, $s: String) { metric(name: "m") { series(timeRange: $r, '
             'step: $s) { points { value } } } }')
    assert query_cost(query) == 1 + 100 + 100 * 60
    assert query_cost(query, {"r": {"last": "1d"}, "s": "5m"}) == 1 + 100 + 100 * 288


@pytest.mark.parametrize("variables", [{"f": {"service": "\x00"}},
                                       {"f": {"timeRange": {"last": "1" * 30 + "d"}}}])
def test_argument_caps_apply_to_variables(variables) -> None:
    with pytest.raises(errors.UserError):
        query_cost("query ($f: TraceFilter) { traces(filter: $f) { nodes { traceId } } }",
                   variables)
