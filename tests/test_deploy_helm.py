"""The Helm chart deploy/helm/iko/.

Always: the chart's files parse, every `.Values` path a template uses exists in values.yaml, the
template actions are balanced, the values hold no secret, and every setting the chart passes is
one IKO reads. With helm (on PATH, or `IKO_HELM` naming the binary; skipped without it): `helm lint
--strict` and `helm template` with the defaults and with every option on, and what the rendered
manifests must say (probes, preStop drain, non-root with a read-only root filesystem and /tmp,
secrets only from existing Secrets, hook Jobs, Ingress only when enabled, HPA, PDB).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.deploy_helpers import reads_variable

REPO = Path(__file__).resolve().parent.parent
CHART = REPO / "deploy" / "helm" / "iko"
TEMPLATES = sorted((CHART / "templates").glob("*"))
VALUES = yaml.safe_load((CHART / "values.yaml").read_text())
ALL_ON = [
    "--set", "ingress.enabled=true", "--set", "setupConfiguration.enabled=true",
    "--set-string", "setupConfiguration.configuration=iko_purposes_config_enable: true\niko_purposes: {items: []}\n",
    "--set", "setupConfiguration.existingSecret=iko-server-secrets",
    "--set", "metrics.allowedNetworks={10.0.0.0/8}", "--set", "autoscaling.enabled=false",
]


# --- without helm ---------------------------------------------------------------------------------

def test_the_chart_and_its_values_parse():
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["apiVersion"] == "v2" and chart["name"] == "iko" and chart["type"] == "application"
    assert {p.name for p in TEMPLATES} >= {
        "deployment.yaml", "service.yaml", "ingress.yaml", "hpa.yaml", "pdb.yaml", "job-migrate.yaml",
        "job-setup-configuration.yaml", "configmap-setup-configuration.yaml", "_helpers.tpl",
    }


def test_every_values_path_a_template_uses_exists_in_values_yaml():
    missing = []
    for template in TEMPLATES:
        for path in re.findall(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)", template.read_text()):
            node = VALUES
            for key in path.strip(".").split("."):
                if not isinstance(node, dict) or key not in node:
                    missing.append(f"{template.name}: .Values{path}")
                    break
                node = node[key]
    assert not missing


def test_the_template_actions_are_balanced():
    for template in TEMPLATES:
        actions = re.findall(r"{{-?\s*(if|range|with|define|end)\b", template.read_text())
        depth = 0
        for action in actions:
            depth += -1 if action == "end" else 1
            assert depth >= 0, template.name
        assert depth == 0, template.name


def test_the_values_hold_no_secret_only_the_names_of_existing_secrets():
    assert VALUES["secrets"] == {"existingSecret": "iko-secrets"}
    secret_like = re.compile(r"SECRET|PASSWORD|TOKEN|PSEUDONYM|DATABASE_URL", re.IGNORECASE)
    assert not [name for name in VALUES["config"] if secret_like.search(name)]
    assert not re.search(r"://[^/\s:@]+:[^/\s@]+@", (CHART / "values.yaml").read_text())  # no password in a URL
    assert not any(p.name.startswith("secret") for p in TEMPLATES)  # the chart makes no Secret


def test_every_setting_the_chart_passes_is_one_iko_reads():
    names = set(VALUES["config"]) | {"IKO_METRICS_ALLOWED_NETWORKS"}
    assert not sorted(name for name in names if not reads_variable(name))


def test_the_kubernetes_example_is_the_chart():
    assert not (REPO / "docs" / "kubernetes.yaml").exists()
    assert "deploy/helm/iko" in (REPO / "README.md").read_text()


# --- with helm ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def helm(tmp_path_factory):
    binary = os.environ.get("IKO_HELM") or shutil.which("helm")
    if not binary:
        pytest.skip("helm is not installed (set IKO_HELM to its path)")
    home = tmp_path_factory.mktemp("helm-home")

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([binary, *args], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "HOME": str(home), "HELM_CACHE_HOME": str(home / "cache"),
                                   "HELM_CONFIG_HOME": str(home / "config"), "HELM_DATA_HOME": str(home / "data")})
        if check:
            assert done.returncode == 0, done.stderr
        return done

    return run


def rendered(helm, *args: str) -> dict[tuple[str, str], dict]:
    documents = [d for d in yaml.safe_load_all(helm("template", "rel", str(CHART), *args).stdout) if d]
    return {(d["kind"], d["metadata"]["name"]): d for d in documents}


def pod_specs(manifests: dict) -> list[tuple[str, dict]]:
    specs = []
    for (kind, name), manifest in manifests.items():
        if kind in ("Deployment", "Job"):
            specs.append((name, manifest["spec"]["template"]["spec"]))
        elif kind == "CronJob":
            specs.append((name, manifest["spec"]["jobTemplate"]["spec"]["template"]["spec"]))
    return specs


@pytest.mark.parametrize("options", [[], ALL_ON], ids=["defaults", "everything-on"])
def test_helm_lint_strict_passes(helm, options):
    assert "0 chart(s) failed" in helm("lint", "--strict", str(CHART), *options).stdout


def test_the_default_release_is_a_deployment_service_hpa_pdb_purge_and_the_migrate_hook(helm):
    manifests = rendered(helm)
    assert set(manifests) == {
        ("Deployment", "rel-iko"), ("Service", "rel-iko"), ("HorizontalPodAutoscaler", "rel-iko"),
        ("PodDisruptionBudget", "rel-iko"), ("Job", "rel-iko-migrate"), ("CronJob", "rel-iko-processing-log-purge"),
    }
    assert "replicas" not in manifests[("Deployment", "rel-iko")]["spec"]  # the HPA decides
    hpa = manifests[("HorizontalPodAutoscaler", "rel-iko")]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "rel-iko"}
    assert hpa["minReplicas"] >= 2
    assert manifests[("PodDisruptionBudget", "rel-iko")]["spec"]["minAvailable"] == 1


def test_the_deployment_probes_drains_and_rolls_without_losing_capacity(helm):
    deployment = rendered(helm)[("Deployment", "rel-iko")]
    assert deployment["spec"]["strategy"]["rollingUpdate"] == {"maxUnavailable": 0, "maxSurge": 1}
    pod = deployment["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["livenessProbe"]["httpGet"] == {"path": "/_healthz/livez", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/_healthz/readyz", "port": "http"}
    assert container["ports"] == [{"name": "http", "containerPort": 8000}]
    sleep = int(container["lifecycle"]["preStop"]["exec"]["command"][1])
    graceful = 10 + 5  # gunicorn_conf: graceful_timeout = view deadline (10 s) + 5
    assert pod["terminationGracePeriodSeconds"] > sleep + graceful


def test_every_pod_runs_as_non_root_on_a_read_only_root_with_a_writable_tmp(helm):
    for name, pod in pod_specs(rendered(helm, *ALL_ON)):
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001, name
        assert pod["automountServiceAccountToken"] is False, name
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert volumes["tmp"] == {"name": "tmp", "emptyDir": {}}, name
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True and context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"] == {"drop": ["ALL"]}, name
            assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"], name


def test_secrets_come_only_from_existing_secrets(helm):
    manifests = rendered(helm, *ALL_ON)
    assert not [key for key in manifests if key[0] == "Secret"]
    for name, pod in pod_specs(manifests):
        for container in pod["containers"]:
            assert {"secretRef": {"name": "iko-secrets"}} in container["envFrom"], name
            assert not [e for e in container.get("env", []) if re.search(r"SECRET|PASSWORD|TOKEN|DATABASE_URL", e["name"])]
    setup = manifests[("Job", "rel-iko-setup-configuration")]["spec"]["template"]["spec"]["containers"][0]
    assert {"secretRef": {"name": "iko-server-secrets"}} in setup["envFrom"]
    assert "name the Secret" in helm("template", "rel", str(CHART), "--set", "secrets.existingSecret=", check=False).stderr


def test_migrations_run_before_and_setup_configuration_after_each_install_and_upgrade(helm):
    manifests = rendered(helm, *ALL_ON)
    migrate = manifests[("Job", "rel-iko-migrate")]
    assert migrate["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert migrate["spec"]["template"]["spec"]["containers"][0]["command"] == ["python", "manage.py", "migrate", "--noinput"]

    job = manifests[("Job", "rel-iko-setup-configuration")]
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "post-install,post-upgrade"
    pod = job["spec"]["template"]["spec"]
    assert pod["containers"][0]["command"] == ["python", "manage.py", "setup_configuration", "--yaml-file", "/config/iko.yaml"]
    assert {"name": "configuration", "configMap": {"name": "rel-iko-configuration"}} in pod["volumes"]
    configmap = manifests[("ConfigMap", "rel-iko-configuration")]
    assert yaml.safe_load(configmap["data"]["iko.yaml"]) == {"iko_purposes_config_enable": True, "iko_purposes": {"items": []}}

    existing = rendered(helm, "--set", "setupConfiguration.enabled=true",
                        "--set", "setupConfiguration.existingConfigMap=my-iko-config")
    assert ("ConfigMap", "rel-iko-configuration") not in existing
    volumes = existing[("Job", "rel-iko-setup-configuration")]["spec"]["template"]["spec"]["volumes"]
    assert {"name": "configuration", "configMap": {"name": "my-iko-config"}} in volumes
    refused = helm("template", "rel", str(CHART), "--set", "setupConfiguration.enabled=true", check=False)
    assert refused.returncode != 0 and "setupConfiguration.configuration or setupConfiguration.existingConfigMap" in refused.stderr


def test_the_ingress_is_an_example_that_is_off_until_enabled(helm):
    assert not [k for k in rendered(helm) if k[0] == "Ingress"]
    ingress = rendered(helm, *ALL_ON)[("Ingress", "rel-iko")]["spec"]
    assert ingress["rules"][0]["host"] == "iko.example.org"
    assert ingress["rules"][0]["http"]["paths"][0]["backend"]["service"] == {"name": "rel-iko", "port": {"name": "http"}}
    assert ingress["tls"] == [{"hosts": ["iko.example.org"], "secretName": "iko-tls"}]


def test_metrics_networks_reach_iko_and_the_scraper_annotations(helm):
    deployment = rendered(helm, *ALL_ON)[("Deployment", "rel-iko")]
    template = deployment["spec"]["template"]
    env = {e["name"]: e["value"] for e in template["spec"]["containers"][0]["env"]}
    assert env["IKO_METRICS_ALLOWED_NETWORKS"] == "10.0.0.0/8"
    assert template["metadata"]["annotations"]["prometheus.io/path"] == "/metrics"
    assert deployment["spec"]["replicas"] == 2  # without the HPA
    default = rendered(helm)[("Deployment", "rel-iko")]["spec"]["template"]
    assert "IKO_METRICS_ALLOWED_NETWORKS" not in {e["name"] for e in default["spec"]["containers"][0]["env"]}
    assert "annotations" not in default["metadata"]  # not scraped unless allowed
