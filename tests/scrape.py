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


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return after.total(name, **labels) - before.total(name, **labels)
