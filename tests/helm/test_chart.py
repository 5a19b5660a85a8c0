"""The Helm chart, rendered by Helm's engine and checked against Kubernetes' own schemas."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import helm_python
import kubernetes_validate
import pytest
import yaml

from ollygraph import cli, settings
from tests.helm.render import (
    AUTOSCALING,
    CHART_DIR,
    EXTERNAL,
    EXTERNAL_WITH_REPLICA,
    OVERRIDES,
    RELEASE,
    VARIANTS,
    container,
    env,
    pod_spec,
)

# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion; native gRPC probes are
# GA from 1.27) and the newest whose schemas kubernetes-validate ships.
KUBE_VERSIONS = ("1.27.0", kubernetes_validate.latest_version())
COMPONENT_LABELS = (
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/version",
)
APPS = ("ingest", "gateway")


def _workloads(manifests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in manifests if d["kind"] in ("Deployment", "Job", "CronJob")]


def _check_cnpg_cluster(doc: dict[str, Any]) -> None:
    """CRDs have no schema here: check the fields the CloudNativePG operator requires."""
    spec = doc["spec"]
    assert isinstance(spec["instances"], int) and spec["instances"] >= 1
    assert spec["storage"]["size"]
    assert spec["bootstrap"]["initdb"]["database"] and spec["bootstrap"]["initdb"]["owner"]
    parameters = spec.get("postgresql", {}).get("parameters", {})
    assert all(isinstance(v, str) for v in parameters.values())


# --- every variant: valid Kubernetes objects, helm lint clean ------------------------------


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_object_matches_the_kubernetes_schema(render, variant, kube_version):
    manifests = render(VARIANTS[variant])
    assert manifests
    for doc in manifests:
        if doc["apiVersion"] == "postgresql.cnpg.io/v1":
            assert doc["kind"] == "Cluster"
            _check_cnpg_cluster(doc)
            continue
        try:
            kubernetes_validate.validate(doc, kube_version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(
                f"{doc['kind']}/{doc['metadata']['name']} on {kube_version}: "
                f"{exc.caught.message} at {list(exc.caught.absolute_path)}"
            )


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_helm_lint_passes(variant):
    report = helm_python.lint(CHART_DIR, VARIANTS[variant] or None, strict=True)
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert not report["errors"] and not problems, report


def test_external_database_without_a_secret_fails_with_a_clear_message(render):
    with pytest.raises(helm_python.HelmError, match=r"externalDatabase\.existingSecret"):
        render({"cnpg": {"enabled": False}})


# --- labels --------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["default", "external-with-replica", "overrides"])
def test_labels_of_seed_003_on_every_object_and_pod(render, chart, variant):
    version = chart.metadata["appVersion"]
    for doc in render(VARIANTS[variant]):
        labels = doc["metadata"]["labels"]
        for key in COMPONENT_LABELS:
            assert labels.get(key), f"{doc['kind']}/{doc['metadata']['name']} lacks {key}"
        assert labels["app.kubernetes.io/instance"] == RELEASE
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
        assert labels["app.kubernetes.io/part-of"] == "ollygraph"
        assert labels["app.kubernetes.io/version"] == version
        if "app.kubernetes.io/component" in labels:
            assert labels["app"] == f"{RELEASE}-{labels['app.kubernetes.io/component']}"
        if doc["kind"] in ("Deployment", "Job", "CronJob"):
            spec = doc["spec"]["jobTemplate"]["spec"] if doc["kind"] == "CronJob" else doc["spec"]
            assert spec["template"]["metadata"]["labels"] == labels


def test_app_labels_name_the_components(render):
    manifests = render()
    for app in APPS:
        deployment = manifests.get("Deployment", f"ollygraph-{app}")
        assert deployment["metadata"]["labels"]["app"] == f"ollygraph-{app}"
    job = manifests.get("Job", "ollygraph-migrate")
    assert job["metadata"]["labels"]["app.kubernetes.io/component"] == "migration"


# --- workloads: security, probes, resources, services ---------------------------------------


@pytest.mark.parametrize("variant", ["default", "external"])
def test_every_pod_runs_non_root_with_a_read_only_root_and_no_capabilities(render, variant):
    for workload in _workloads(render(VARIANTS[variant])):
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] != 0
        assert spec["automountServiceAccountToken"] is False
        for c in spec["containers"] + spec.get("initContainers", []):
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, c["name"]
            assert sc["allowPrivilegeEscalation"] is False, c["name"]
            assert sc["capabilities"]["drop"] == ["ALL"], c["name"]
            assert c["resources"]["requests"] and c["resources"]["limits"], c["name"]
            assert {"name": "tmp", "mountPath": "/tmp"} in c["volumeMounts"], c["name"]


def _port_number(c: dict[str, Any], port: int | str) -> int:
    if isinstance(port, int):
        return port
    return next(p["containerPort"] for p in c["ports"] if p["name"] == port)


def test_probes_hit_the_health_endpoints(render):
    manifests = render()
    gateway = container(manifests.get("Deployment", "ollygraph-gateway"), "gateway")
    for probe, path in ((gateway["livenessProbe"], "/healthz"),
                        (gateway["readinessProbe"], "/readyz")):
        assert probe["httpGet"]["path"] == path
        assert _port_number(gateway, probe["httpGet"]["port"]) == 8000

    ingest = container(manifests.get("Deployment", "ollygraph-ingest"), "ingest")
    assert ingest["livenessProbe"]["grpc"]["port"] == 4317  # grpc.health.v1 on OTLP/gRPC
    ready = ingest["readinessProbe"]["httpGet"]
    assert ready["path"] == "/healthz" and _port_number(ingest, ready["port"]) == 4318


def test_gateway_limits_reach_the_environment(render):
    manifests = render({"gateway": {"limits": {"maxQueryCost": 5000, "maxBodyBytes": 2048,
                                               "clientConcurrency": 2, "queueTimeout": 3}}})
    gateway = container(manifests.get("Deployment", "ollygraph-gateway"), "gateway")
    env = {e["name"]: e.get("value") for e in gateway["env"]}
    assert env["OLLYGRAPH_MAX_QUERY_COST"] == "5000"
    assert env["OLLYGRAPH_MAX_BODY_BYTES"] == "2048"
    assert env["OLLYGRAPH_CLIENT_CONCURRENCY"] == "2"
    assert env["OLLYGRAPH_QUEUE_TIMEOUT"] == "3"
    assert settings.load(env).max_query_cost == 5000


def test_services_expose_the_ports_and_select_the_pods(render):
    manifests = render()
    expected = {"ingest": {4317: "otlp-grpc", 4318: "otlp-http"}, "gateway": {8000: "http"}}
    for app in APPS:
        service = manifests.get("Service", f"ollygraph-{app}")
        deployment = manifests.get("Deployment", f"ollygraph-{app}")
        ports = {p["port"]: p["targetPort"] for p in service["spec"]["ports"]}
        assert ports == expected[app]
        c = container(deployment, app)
        for number, name in ports.items():
            assert _port_number(c, name) == number
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= pod_labels.items()
        assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()


def test_the_containers_run_commands_the_cli_accepts(render):
    """Every command line in the chart parses with ollygraph's own argument parser."""
    parser = cli.build_parser()
    manifests = render()
    commands = [
        container(manifests.get("Deployment", "ollygraph-ingest"), "ingest")["args"],
        container(manifests.get("Deployment", "ollygraph-gateway"), "gateway")["args"],
        container(manifests.get("Job", "ollygraph-migrate"), "migrate")["args"],
        container(manifests.get("CronJob", "ollygraph-retention"), "retention")["args"],
    ]
    init = container(manifests.get("Deployment", "ollygraph-ingest"), "wait-for-schema")
    script = init["args"][0]
    check = next(line.strip() for line in script.splitlines() if "ollygraph migrate" in line)
    commands.append(shlex.split(check.removeprefix("until ").removesuffix("; do"))[1:])
    parsed = [parser.parse_args(args) for args in commands]
    assert [p.command for p in parsed] == ["ingest", "gateway", "migrate", "retention", "migrate"]
    assert parsed[2].action == "upgrade" and parsed[4].action == "check"
    assert settings.parse_duration(parsed[3].keep) == 7 * 86400


def test_every_ollygraph_variable_is_a_real_setting_with_a_valid_value(render):
    known = {name for field in settings.FIELDS for name in field.env}
    for variant in ("default", "overrides", "external-with-replica"):
        for workload in _workloads(render(VARIANTS[variant])):
            spec = pod_spec(workload)
            for c in spec["containers"] + spec.get("initContainers", []):
                variables = env(c)
                ours = {k for k in variables if k.startswith("OLLYGRAPH_")}
                assert ours <= known, ours - known
                literal = {k: e["value"] for k, e in variables.items() if "value" in e}
                settings.load(literal)  # raises SettingsError on a bad value


def test_image_defaults_to_the_chart_app_version(render, chart):
    manifests = render()
    image = container(manifests.get("Deployment", "ollygraph-ingest"), "ingest")["image"]
    assert image == f"ghcr.io/ollygraph/ollygraph:{chart.metadata['appVersion']}"
    pinned = render({"image": {"tag": "1.2.3", "digest": "sha256:" + "a" * 64}})
    for workload in _workloads(pinned):
        for c in pod_spec(workload)["containers"]:
            assert c["image"] == "ghcr.io/ollygraph/ollygraph@sha256:" + "a" * 64


# --- which database each process uses ------------------------------------------------------


def _database(c: dict[str, Any]) -> str | tuple[str, str]:
    """The URL a container connects to: a literal, or (secret, key)."""
    entry = env(c)["OLLYGRAPH_DATABASE_URL"]
    if "value" in entry:
        return entry["value"]
    ref = entry["valueFrom"]["secretKeyRef"]
    return ref["name"], ref["key"]


def _databases(manifests) -> dict[str, set]:
    """component -> every URL its containers (init containers included) use."""
    seen: dict[str, set] = {}
    for workload in _workloads(manifests):
        component = workload["metadata"]["labels"]["app.kubernetes.io/component"]
        spec = pod_spec(workload)
        for c in spec["containers"] + spec.get("initContainers", []):
            seen.setdefault(component, set()).add(_database(c))
    return seen


def test_cloudnativepg_gateway_reads_replicas_and_the_rest_write_to_the_primary(render):
    manifests = render()
    cluster = manifests.get("Cluster", "ollygraph-db")
    assert cluster["spec"]["instances"] == 2
    database = cluster["spec"]["bootstrap"]["initdb"]["database"]
    rw, ro = (f"postgresql://ollygraph-db-{s}:5432/{database}" for s in ("rw", "ro"))
    assert _databases(manifests) == {
        "ingest": {rw},
        "migration": {rw},
        "retention": {rw},
        "gateway": {ro},
    }
    for workload in _workloads(manifests):
        for c in pod_spec(workload)["containers"]:
            secrets = {
                k: e["valueFrom"]["secretKeyRef"]
                for k, e in env(c).items()
                if k in ("PGUSER", "PGPASSWORD")
            }
            assert secrets == {
                "PGUSER": {"name": "ollygraph-db-app", "key": "username"},
                "PGPASSWORD": {"name": "ollygraph-db-app", "key": "password"},
            }


def test_cloudnativepg_single_instance_has_no_ro_endpoints_so_the_gateway_uses_rw(render):
    manifests = render(VARIANTS["cnpg-single-instance"])
    assert _databases(manifests)["gateway"] == {"postgresql://ollygraph-db-rw:5432/ollygraph"}


def test_an_existing_cloudnativepg_cluster_is_used_not_created(render):
    manifests = render(VARIANTS["cnpg-existing-cluster"])
    assert not manifests.of_kind("Cluster")
    assert _databases(manifests)["gateway"] == {"postgresql://shared-pg-ro:5432/ollygraph"}
    ingest = container(manifests.get("Deployment", "ollygraph-ingest"), "ingest")
    assert env(ingest)["PGPASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "shared-pg-app"


def test_external_database_everyone_uses_the_secret_url(render):
    manifests = render(EXTERNAL)
    assert not manifests.of_kind("Cluster")
    rw = ("ollygraph-db", "database-url")
    components = ("ingest", "gateway", "migration", "retention")
    assert _databases(manifests) == {c: {rw} for c in components}


def test_external_read_replica_is_used_by_the_gateway_only(render):
    manifests = render(EXTERNAL_WITH_REPLICA)
    rw, ro = ("ollygraph-db", "database-url"), ("ollygraph-db-replica", "read-only-url")
    assert _databases(manifests) == {
        "ingest": {rw},
        "migration": {rw},
        "retention": {rw},
        "gateway": {ro},
    }


# --- migrations run before the apps --------------------------------------------------------


def _hooks(job: dict[str, Any]) -> set[str]:
    value = job["metadata"].get("annotations", {}).get("helm.sh/hook", "")
    return set(filter(None, value.split(",")))


def test_migration_job_is_a_hook_before_install_and_upgrade_on_an_existing_database(render):
    for values in (EXTERNAL, VARIANTS["cnpg-existing-cluster"]):
        job = render(values).get("Job", "ollygraph-migrate")
        assert _hooks(job) == {"pre-install", "pre-upgrade"}
        annotations = job["metadata"]["annotations"]
        assert annotations["helm.sh/hook-delete-policy"] == "before-hook-creation"
        assert container(job, "migrate")["args"] == ["migrate", "upgrade"]
        # pre-install runs before the chart's ServiceAccount exists
        assert pod_spec(job)["serviceAccountName"] == "default"


def test_migration_waits_for_a_cloudnativepg_cluster_created_by_the_same_install(render):
    job = render().get("Job", "ollygraph-migrate")
    assert _hooks(job) == {"post-install", "pre-upgrade"}
    assert job["spec"]["backoffLimit"] >= 5


def test_without_hooks_the_migration_is_a_new_job_per_revision(render):
    manifests = render(VARIANTS["no-hooks"], revision=7, is_install=False, is_upgrade=True)
    job = manifests.get("Job", "ollygraph-migrate-7")
    assert _hooks(job) == set()
    assert container(job, "migrate")["args"] == ["migrate", "upgrade"]


@pytest.mark.parametrize("variant", ["default", "external", "no-hooks"])
def test_apps_wait_for_the_head_revision_with_the_same_database(render, variant):
    manifests = render(VARIANTS[variant])
    for app in APPS:
        deployment = manifests.get("Deployment", f"ollygraph-{app}")
        init = container(deployment, "wait-for-schema")
        assert init["command"] == ["/bin/sh", "-c"]
        assert "until ollygraph migrate check; do" in init["args"][0]
        assert init["image"] == container(deployment, app)["image"]
        main_env, init_env = env(container(deployment, app)), env(init)
        for name in ("OLLYGRAPH_DATABASE_URL", "OLLYGRAPH_SCHEMA", "PGUSER", "PGPASSWORD"):
            assert main_env.get(name) == init_env.get(name), name


# --- attribute overrides -------------------------------------------------------------------


def test_overrides_configmap_is_mounted_where_ingest_reads_it(render, tmp_path):
    manifests = render(OVERRIDES)
    configmap = manifests.get("ConfigMap", "ollygraph-attribute-overrides")
    deployment = manifests.get("Deployment", "ollygraph-ingest")
    ingest = container(deployment, "ingest")
    mount = next(m for m in ingest["volumeMounts"] if m["name"] == "attribute-overrides")
    volume = next(v for v in pod_spec(deployment)["volumes"] if v["name"] == "attribute-overrides")

    assert mount["mountPath"] == "/config/attribute-overrides.yaml" == settings.DEFAULT_OVERRIDES
    assert env(ingest)["OLLYGRAPH_ATTRIBUTE_OVERRIDES"]["value"] == mount["mountPath"]
    literal = {k: e["value"] for k, e in env(ingest).items() if "value" in e}
    assert settings.load(literal).attribute_overrides == Path(mount["mountPath"])
    assert mount["readOnly"] is True
    assert volume["configMap"] == {"name": configmap["metadata"]["name"], "optional": True}
    assert mount["subPath"] in configmap["data"]

    content = yaml.safe_load(configmap["data"][mount["subPath"]])
    given = OVERRIDES["attributeOverrides"]
    assert content == {"promote": given["promote"], "drop": given["drop"]}

    promotion = pytest.importorskip("ingest.promotion")
    path = tmp_path / "attribute-overrides.yaml"
    path.write_text(configmap["data"][mount["subPath"]])
    config = promotion.load(path)
    assert "custom.request_id" in config.signals["spans"].promoted["string"]
    assert "custom.retry_count" in config.signals["spans"].promoted["int"]
    assert "sensitive.password" in config.signals["logs"].dropped


def test_override_changes_roll_the_ingest_pods(render):
    def checksum(values):
        pod = render(values).get("Deployment", "ollygraph-ingest")["spec"]["template"]
        return pod["metadata"]["annotations"]["checksum/attribute-overrides"]

    changed = {"attributeOverrides": {**OVERRIDES["attributeOverrides"], "drop": {}}}
    assert checksum(OVERRIDES) != checksum(changed)


def test_no_overrides_no_mount(render):
    manifests = render()
    assert not manifests.of_kind("ConfigMap")
    ingest = container(manifests.get("Deployment", "ollygraph-ingest"), "ingest")
    assert "OLLYGRAPH_ATTRIBUTE_OVERRIDES" not in env(ingest)
    assert [m["name"] for m in ingest["volumeMounts"]] == ["tmp"]


def test_an_existing_overrides_configmap_is_mounted_not_created(render):
    values = {"attributeOverrides": {"enabled": True, "existingConfigMap": "team-overrides"}}
    manifests = render(values)
    assert not manifests.of_kind("ConfigMap")
    volumes = pod_spec(manifests.get("Deployment", "ollygraph-ingest"))["volumes"]
    assert {
        "name": "attribute-overrides",
        "configMap": {"name": "team-overrides", "optional": True},
    } in volumes


# --- scaling, network, retention -----------------------------------------------------------


def test_autoscaling_creates_an_hpa_per_deployment_and_drops_fixed_replicas(render):
    manifests = render(AUTOSCALING)
    for app in APPS:
        deployment = manifests.get("Deployment", f"ollygraph-{app}")
        hpa = manifests.get("HorizontalPodAutoscaler", f"ollygraph-{app}")
        assert "replicas" not in deployment["spec"]
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": deployment["metadata"]["name"],
        }
        metrics = {m["resource"]["name"]: m["resource"]["target"] for m in hpa["spec"]["metrics"]}
        assert metrics["cpu"] == {"type": "Utilization", "averageUtilization": 70}
    ingest_hpa = manifests.get("HorizontalPodAutoscaler", "ollygraph-ingest")
    assert {m["resource"]["name"] for m in ingest_hpa["spec"]["metrics"]} == {"cpu", "memory"}
    assert not render().of_kind("HorizontalPodAutoscaler")


def test_network_policies_select_the_pods_and_open_only_their_ports(render):
    manifests = render({"networkPolicy": {"ingestFrom": [{"namespaceSelector": {}}]}})
    for app in APPS:
        policy = manifests.get("NetworkPolicy", f"ollygraph-{app}")
        deployment = manifests.get("Deployment", f"ollygraph-{app}")
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert policy["spec"]["podSelector"]["matchLabels"].items() <= labels.items()
        c = container(deployment, app)
        opened = {
            _port_number(c, p["port"]) for rule in policy["spec"]["ingress"] for p in rule["ports"]
        }
        assert opened == {p["containerPort"] for p in c["ports"]}
    ingest_policy = manifests.get("NetworkPolicy", "ollygraph-ingest")
    assert ingest_policy["spec"]["ingress"][0]["from"] == [{"namespaceSelector": {}}]
    jobs = manifests.get("NetworkPolicy", "ollygraph-jobs")
    assert "ingress" not in jobs["spec"] and jobs["spec"]["policyTypes"] == ["Ingress"]


def test_retention_cronjob_keeps_the_configured_window(render):
    cronjob = render({"retention": {"keep": "36h"}}).get("CronJob", "ollygraph-retention")
    assert container(cronjob, "retention")["args"] == ["retention", "--keep", "36h"]
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    assert not render({"retention": {"enabled": False}}).of_kind("CronJob")


def test_ingest_workers_and_ports_flow_into_the_environment(render):
    values = {
        "ingest": {
            "workers": 4,
            "grpcPort": 14317,
            "httpPort": 14318,
            "livenessProbe": {"grpc": {"port": 14317}},
        }
    }
    ingest = container(render(values).get("Deployment", "ollygraph-ingest"), "ingest")
    literal = {k: e["value"] for k, e in env(ingest).items() if "value" in e}
    loaded = settings.load(literal)
    assert (loaded.workers, loaded.grpc_port, loaded.http_port) == (4, 14317, 14318)
    assert {p["containerPort"] for p in ingest["ports"]} == {14317, 14318}


def test_notes_tell_how_to_reach_the_services(render):
    notes = render().notes
    assert "ollygraph-ingest.observability.svc:4317" in notes
    assert "port-forward svc/ollygraph-gateway 8000:8000" in notes
    assert "ollygraph-db-ro" in notes
