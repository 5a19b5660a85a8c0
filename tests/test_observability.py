"""The dashboard, the alert rules and docs/observability.md name the metrics the processes
define, and every metric defined is documented; every alert and dashboard query parses as
PromQL (promql-parser) and selects only metrics that a real scrape of ingest and gateway
declares."""

from __future__ import annotations

import json
import re
from pathlib import Path

import promql_parser
import pytest
import yaml
from prometheus_client import REGISTRY

from gateway import selfmetrics as gateway_metrics
from ingest import selfmetrics as ingest_metrics
from tests.conftest import drop_schema, new_schema_name
from tests.gateway.test_selfmetrics import running
from tests.scrape import SUFFIXES, exposed

DOCS = Path(__file__).parents[1] / "docs"
DASHBOARD = json.loads((DOCS / "grafana" / "ollygraph.json").read_text())
ALERTS = yaml.safe_load((DOCS / "prometheus" / "alerts.yaml").read_text())
GUIDE = (DOCS / "observability.md").read_text()
NAME = re.compile(r"\bollygraph_[a-z_]+")


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


# --- the queries against real scrapes -------------------------------------------------------

GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$job": ".+"}


@pytest.fixture(scope="module")
def scraped(database_url: str) -> set[str]:
    """The sample names ingest and gateway declare on /metrics, scraped from real processes."""
    schema = new_schema_name("obs")
    try:
        with running(database_url, schema, "ingest", "gateway") as stack:
            return exposed(stack.otlp_http + "/metrics") | exposed(stack.url + "/metrics")
    finally:
        drop_schema(database_url, schema)


def metric_names(expr: str) -> set[str]:
    """The metric names the PromQL `expr` selects; ValueError when it does not parse."""
    names: set[str] = set()

    def visit(node: promql_parser.Expr) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            named = [m.value for m in node.matchers.matchers
                     if m.name == "__name__" and m.op == promql_parser.MatchOp.Equal]
            assert node.name or named, f"a selector without a metric name in {expr}"
            names.update([node.name] if node.name else named)

    promql_parser.walk(promql_parser.parse(expr), visit)
    return names


def grafana(expr: str) -> str:
    """A dashboard query as Grafana sends it (its variables replaced)."""
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    return expr


def test_every_alert_parses_and_uses_only_scraped_metrics(scraped):
    assert "ollygraph_ingest_items_accepted_total" in scraped  # both processes answered
    assert "ollygraph_gateway_requests_total" in scraped
    for rule in alert_rules():
        names = metric_names(rule["expr"])
        assert names, rule["alert"]
        assert names <= scraped, (rule["alert"], names - scraped)


def test_every_dashboard_query_parses_and_uses_only_scraped_metrics(scraped):
    for query in dashboard_queries():
        names = metric_names(grafana(query))
        assert names and names <= scraped, (query, names - scraped)


def test_the_check_catches_a_broken_expression_and_a_missing_metric():
    with pytest.raises(ValueError):
        metric_names("sum(rate(ollygraph_ingest_requests_total[5m])")
    assert metric_names('absent({__name__="ollygraph_gone"}) > 0 and on() up') == {
        "ollygraph_gone", "up"}
