"""The gateway follows the store's declaration (ollygraph.store): which attribute scopes
filter which rows, the catalog's tables, the attribute SQL of every owner."""

from __future__ import annotations

import json
import subprocess
import sys

from gateway import attrsql, catalog, enums, filters
from ollygraph import store

# what the declaration implies, written out once here
EXPECTED = {
    "span": ["SPAN", "RESOURCE", "SCOPE", "EVENT", "LINK"],
    "span_event": ["EVENT"],
    "span_link": ["LINK"],
    "log": ["RESOURCE", "SCOPE", "LOG"],
    **{f"metric_{kind.name}": ["RESOURCE", "SCOPE", "METRIC"] for kind in store.POINT_KINDS},
}
TARGETS_JSON = ("import json, sys; from gateway import filters; "
                "assert not [m for m in sys.modules if m.startswith('gateway.metrics')]; "
                "print(json.dumps({row: {s.name: [t.owner.name, t.columns] "
                "for s, t in scopes.items()} for row, scopes in filters.TARGETS.items()}))")


def _targets() -> dict[str, dict[str, list]]:
    return {row: {s.name: [t.owner.name, list(t.columns)] for s, t in scopes.items()}
            for row, scopes in filters.TARGETS.items()}


def test_targets_follow_the_owners() -> None:
    assert {row: list(scopes) for row, scopes in _targets().items()} == EXPECTED
    span = filters.TARGETS["span"]
    assert span[enums.AttributeScope.EVENT].outer("s") == "s.span_pk, s.start_time_unix_nano"
    assert span[enums.AttributeScope.EVENT].inner == "a.span_pk, a.start_time_unix_nano"
    assert span[enums.AttributeScope.RESOURCE].outer("s") == "s.resource_id"
    assert span[enums.AttributeScope.SCOPE].partition is None
    assert filters.DEFAULT_SCOPE["metric_summary"] is enums.AttributeScope.METRIC
    for row, scopes in filters.TARGETS.items():
        own = scopes[filters.DEFAULT_SCOPE[row]]
        assert own.owner.name == row and own.columns == own.owner.key_names


def test_targets_do_not_depend_on_what_was_imported() -> None:
    """Built in one place: a process that never imports gateway.metrics has the metric
    points' targets too (they used to be registered by gateway.metrics.filters)."""
    out = subprocess.run([sys.executable, "-c", TARGETS_JSON], capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(out) == _targets()


def test_every_scope_has_its_owners_in_the_catalog() -> None:
    for scope in enums.AttributeScope:
        owners = catalog.OWNERS[scope]
        assert owners, scope
        assert all(o.scope == scope.name for o in owners)
    assert [o.name for o in catalog.OWNERS[enums.AttributeScope.METRIC]] == \
        [kind.owner for kind in store.POINT_KINDS]


def test_attribute_sql_reads_every_attribute_table_of_an_owner() -> None:
    for owner in store.OWNERS:
        source = "SELECT 1 AS k, 1 AS r"
        sql = attrsql.owned_sql(owner, source, "src.k", ["lo", "hi"])
        for table in owner.attribute_tables:
            assert f" {table} AS a" in sql, (owner.name, table)
        bounds = "BETWEEN $1 AND $2" in sql
        assert bounds == (owner.partition is not None), owner.name
