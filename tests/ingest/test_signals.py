"""The signal registry against the store's declaration: every declared signal has a flow,
and what a flow writes is its signal's fact tables and its owners' attribute tables."""

from __future__ import annotations

import pytest

from ingest import dimensions, flatten, signals, writer
from ollygraph import store

DIMENSIONS = dimensions.Dimensions(dimensions.Dimension("resources"),
                                   dimensions.Dimension("scopes"),
                                   dimensions.Dimension("metrics"))


def test_every_declared_signal_is_registered():
    assert [s.name for s in signals.SIGNALS] == [s.name for s in store.SIGNALS]


@pytest.mark.parametrize("signal", signals.SIGNALS, ids=lambda s: s.name)
def test_a_flow_writes_its_declared_tables(signal: signals.Signal):
    flow = signal.flow(DIMENSIONS)
    assert isinstance(flow, flatten.Flow)
    shape = store.SIGNAL[signal.name]
    assert flow.shape == shape
    attribute_tables = [name for owner in shape.owners
                        for name in store.OWNER[owner].attribute_tables]
    assert sorted(t.name for t in flow.tables) == sorted(
        [t.name for t in shape.tables] + attribute_tables)
    assert flow.tables == writer.tables(shape)
    keys = {t.name: t.columns[0] for t in flow.tables if t.fact is None}
    for table in flow.tables:  # a child's rows start with the surrogate key of its fact
        assert table.columns[0] == keys[table.fact or table.name]
    assert {fact.table for fact in flow.facts} == {t.name for t in shape.tables if t.sequence}


def test_a_fact_key_reads_its_columns_by_name():
    spans = store.SPANS
    row = tuple(range(len(spans.columns)))
    key = writer.fact(spans, ("trace_id", "span_id", "start_time_unix_nano"), "").key
    names = spans.column_names
    assert key(row) == (names.index("trace_id"), names.index("span_id"),
                        names.index("start_time_unix_nano"))
