"""The wire views: item attributes read as their bytes, everything else as the official
messages, and the same bytes back."""

from __future__ import annotations

import pytest

from ingest import signals, wire
from ollygraph import codecs
from tests.ingest import payloads


def item_attributes(request, signal_name: str) -> list:
    """The `attributes` of every item of `request` (spans and their events, log records,
    metric data points)."""
    out = []
    if signal_name == "traces":
        for rs in request.resource_spans:
            for ss in rs.scope_spans:
                for span in ss.spans:
                    out.append(span.attributes)
                    out.extend(event.attributes for event in span.events)
    elif signal_name == "logs":
        out = [r.attributes for rl in request.resource_logs for sl in rl.scope_logs
               for r in sl.log_records]
    else:
        for rm in request.resource_metrics:
            for sm in rm.scope_metrics:
                for metric in sm.metrics:
                    data = metric.WhichOneof("data")
                    out.extend(p.attributes for p in getattr(metric, data).data_points)
    return out


@pytest.mark.parametrize("signal", signals.SIGNALS, ids=lambda s: s.name)
def test_view_keeps_the_bytes_and_the_rest(signal):
    official = payloads.sample(signal.name, "checkout")
    if signal.name == "traces":
        official.resource_spans[0].scope_spans[0].spans[0].events.add(name="e")
    for attributes in item_attributes(official, signal.name):
        attributes.add(key="n").value.int_value = -7
        attributes.add(key="list").value.array_value.values.add().string_value = "é"
    raw = official.SerializeToString()
    view = wire.view(signal.request).FromString(raw)
    assert view.SerializeToString() == raw
    ours, theirs = item_attributes(view, signal.name), item_attributes(official, signal.name)
    assert len(ours) == len(theirs) and all(theirs)
    for got, sent in zip(ours, theirs, strict=True):
        assert list(got) == [kv.SerializeToString() for kv in sent]
        assert wire.keyvalues(got) == list(sent)
    # resources and scopes keep KeyValue messages
    resources = getattr(view, signal.request.DESCRIPTOR.fields[0].name)
    assert resources[0].resource.attributes[0].value.string_value == "checkout"


def test_bad_attribute_bytes_are_a_bad_value():
    for raw in (b"\x0a\x01\xff", b"\xff\xff", b"\x12\x03\x0a\x01"):
        with pytest.raises(codecs.BadValue, match="not a valid KeyValue"):
            wire.keyvalue(raw)
