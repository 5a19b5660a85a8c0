"""Scraping a process's `/metrics` like Prometheus does, with prometheus-client's own parser."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families


class Samples(dict):
    """(sample name, sorted label pairs) -> value, from one scrape."""

    def get_value(self, name: str, **labels: str) -> float:
        """The sample's value; 0 when the series does not exist (yet)."""
        return self.get((name, tuple(sorted(labels.items()))), 0.0)

    def total(self, name: str, **labels: str) -> float:
        """The sum over every series of `name` whose labels include `labels`."""
        want = set(labels.items())
        return sum(v for (n, pairs), v in self.items() if n == name and want <= set(pairs))


def scrape(url: str) -> Samples:
    """GET `url` (a new connection each time) and parse the text exposition format."""
    reply = httpx.get(url, timeout=30, headers={"connection": "close"})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/plain"), reply.headers
    samples = Samples()
    for family in text_string_to_metric_families(reply.text):
        for sample in family.samples:
            samples[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return samples


# the sample names a family of each type is exposed as
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"),
            "gauge": ("",), "summary": ("", "_count", "_sum"), "info": ("_info",),
            "stateset": ("",), "gaugehistogram": ("_bucket", "_gcount", "_gsum"),
            "unknown": ("",)}


def exposed(url: str) -> set[str]:
    """Every sample name the exposition at `url` declares, a family's whole set by its
    type (a labelled family with no series yet has only its HELP and TYPE lines)."""
    reply = httpx.get(url, timeout=30, headers={"connection": "close"})
    assert reply.status_code == 200, reply.text
    names: set[str] = set()
    for family in text_string_to_metric_families(reply.text):
        names |= {family.name + suffix for suffix in SUFFIXES[family.type]}
        names |= {sample.name for sample in family.samples}
    return names


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return after.total(name, **labels) - before.total(name, **labels)
