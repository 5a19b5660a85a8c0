"""The dashboard, the alert rules and docs/observability.md name the metrics the processes
define, and every metric defined is documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

from gateway import selfmetrics as gateway_metrics
from ingest import selfmetrics as ingest_metrics

DOCS = Path(__file__).parents[1] / "docs"
DASHBOARD = json.loads((DOCS / "grafana" / "ollygraph.json").read_text())
ALERTS = yaml.safe_load((DOCS / "prometheus" / "alerts.yaml").read_text())
GUIDE = (DOCS / "observability.md").read_text()
NAME = re.compile(r"\bollygraph_[a-z_]+")
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def defined() -> dict[str, str]:
    """Metric name -> type, of every ollygraph metric in the registry."""
    assert ingest_metrics.REQUESTS and gateway_metrics.REQUESTS  # both modules are loaded
    return {family.name: family.type for family in REGISTRY.collect()
            if family.name.startswith("ollygraph_")}


def sample_names() -> set[str]:
    return {name + suffix for name, kind in defined().items() for suffix in SUFFIXES[kind]}


def dashboard_queries() -> list[str]:
    return [target["expr"] for panel in DASHBOARD["panels"]
            for target in panel.get("targets", ())]


def alert_rules() -> list[dict]:
    return [rule for group in ALERTS["groups"] for rule in group["rules"]]


def test_every_metric_defined_is_documented():
    documented = set(re.findall(r"\| `(ollygraph_[a-z_]+)` \|", GUIDE))
    exposed = {name + ("_total" if kind == "counter" else "") for name, kind in defined().items()}
    assert exposed == documented


def test_the_dashboard_and_the_alerts_query_metrics_that_exist():
    queries = dashboard_queries() + [rule["expr"] for rule in alert_rules()]
    used = {name for query in queries for name in NAME.findall(query)}
    assert used and used <= sample_names(), used - sample_names()
    shown = {re.sub(r"_(total|bucket|count|sum)$", "", name) for name in used}
    assert set(defined()) <= shown, set(defined()) - shown  # every metric has a panel


def test_the_dashboard_is_importable():
    ids = [panel["id"] for panel in DASHBOARD["panels"]]
    assert len(ids) == len(set(ids))
    assert DASHBOARD["uid"] and DASHBOARD["title"]
    assert {v["name"] for v in DASHBOARD["templating"]["list"]} == {"datasource", "job"}
    for panel in DASHBOARD["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == "${datasource}" and panel["targets"]


def test_every_alert_has_a_severity_a_summary_and_a_duration():
    rules = alert_rules()
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names))
    for rule in rules:
        assert rule["labels"]["severity"] in ("warning", "critical"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert re.fullmatch(r"\d+[smh]", rule["for"]), rule["alert"]
        assert f"`{rule['alert']}`" in GUIDE
