"""Rendering the chart with Helm's own engine (helm-python-sdk binds Helm's Go library).

`render_chart(chart, values)` renders offline, as `helm template` would, and returns the
manifests parsed into a `Manifests` list; nothing is mocked and no cluster is involved.
The values of the variants the tests render live here too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import helm_python
import yaml

CHART_DIR = Path(__file__).resolve().parents[2] / "helm" / "ollygraph"
RELEASE = "ollygraph"
NAMESPACE = "observability"

# Values of the variants every test module may use.
EXTERNAL = {
    "cnpg": {"enabled": False},
    "externalDatabase": {"existingSecret": "ollygraph-db", "urlKey": "database-url"},
}
EXTERNAL_WITH_REPLICA = {
    "cnpg": {"enabled": False},
    "externalDatabase": {
        "existingSecret": "ollygraph-db",
        "urlKey": "database-url",
        "readOnlyExistingSecret": "ollygraph-db-replica",
        "readOnlyUrlKey": "read-only-url",
    },
}
OVERRIDES = {
    "attributeOverrides": {
        "enabled": True,
        "promote": {
            "resource": {"string": ["custom.datacenter"]},
            "spans": {
                "string": ["custom.request_id", "custom.user_id"],
                "int": ["custom.retry_count"],
            },
            "logs": {"string": ["app.component"]},
        },
        "drop": {"logs": ["sensitive.password"], "resource": ["internal.build_hash"]},
    },
}
AUTOSCALING = {
    "ingest": {"autoscaling": {"enabled": True, "targetMemoryUtilizationPercentage": 80}},
    "gateway": {"autoscaling": {"enabled": True}},
}

VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "cnpg-single-instance": {"cnpg": {"instances": 1}},
    "cnpg-existing-cluster": {"cnpg": {"create": False, "clusterName": "shared-pg"}},
    "external": EXTERNAL,
    "external-with-replica": EXTERNAL_WITH_REPLICA,
    "overrides": OVERRIDES,
    "autoscaling": AUTOSCALING,
    "no-hooks": {"migration": {"useHelmHooks": False}},
    "everything-off": {
        "serviceAccount": {"create": False},
        "networkPolicy": {"enabled": False},
        "retention": {"enabled": False},
        "ingest": {"podDisruptionBudget": {"enabled": False}},
        "gateway": {"podDisruptionBudget": {"enabled": False}},
    },
}


class Manifests(list):
    """The rendered objects, with lookups by kind and name."""

    notes: str = ""

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [doc for doc in self if doc["kind"] == kind]

    def get(self, kind: str, name: str) -> dict[str, Any]:
        found = [doc for doc in self.of_kind(kind) if doc["metadata"]["name"] == name]
        assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
        return found[0]


def render_chart(
    chart: helm_python.Chart, values: dict[str, Any] | None = None, **options: Any
) -> Manifests:
    options = {"name": RELEASE, "namespace": NAMESPACE, "is_install": True, **options}
    rendered = chart.render(values or None, **options)
    manifests = Manifests()
    for path, text in sorted(rendered.items()):
        if path.endswith("NOTES.txt"):
            manifests.notes = text
            continue
        manifests.extend(doc for doc in yaml.safe_load_all(text) if doc)
    return manifests


# --- small accessors shared by the test modules --------------------------------------------


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    spec = workload["spec"]
    if workload["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]


def container(workload: dict[str, Any], name: str) -> dict[str, Any]:
    spec = pod_spec(workload)
    found = [c for c in spec["containers"] + spec.get("initContainers", []) if c["name"] == name]
    assert len(found) == 1, f"no container {name} in {workload['metadata']['name']}"
    return found[0]


def env(container_spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """name -> the whole env entry (value or valueFrom)."""
    return {entry["name"]: entry for entry in container_spec.get("env", [])}
