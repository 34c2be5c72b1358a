"""`GET /metrics` (iko_project/metrics_view.py): never public, answers the configured networks or the
token, and after a view it shows the source series with configuration names and no BSN."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import responses

REPO = Path(__file__).resolve().parent.parent
PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
BSN = "999993653"
METRICS_TOKEN = "metrics-token-for-the-test-suite-0123456789"


@pytest.fixture
def allowed(settings):
    settings.IKO_METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    settings.IKO_METRICS_TOKEN = METRICS_TOKEN
    return settings


def test_metrics_are_off_by_default_and_answer_404(client, settings):
    assert settings.IKO_METRICS_ALLOWED_NETWORKS == [] and settings.IKO_METRICS_TOKEN == ""
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert b"iko_" not in response.content


def test_a_scraper_in_an_allowed_network_gets_the_series_whatever_the_host_name(client, allowed):
    # Prometheus scrapes the pod by its IP address, which is not in IKO_ALLOWED_HOSTS.
    response = client.get("/metrics", REMOTE_ADDR="10.20.3.4", HTTP_HOST="10.20.3.4:8000")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert response["Cache-Control"] == "no-store"
    assert "# TYPE iko_source_calls_total counter" in response.content.decode()


@pytest.mark.parametrize("headers", [
    {"REMOTE_ADDR": "10.21.0.1"},  # outside the network
    {"REMOTE_ADDR": "10.20.3.4", "HTTP_X_FORWARDED_FOR": "203.0.113.9"},  # through a proxy in the network
    {"REMOTE_ADDR": "10.20.3.4", "HTTP_FORWARDED": "for=203.0.113.9"},
    {"REMOTE_ADDR": "10.20.3.4", "HTTP_X_REAL_IP": "203.0.113.9"},
    {"REMOTE_ADDR": "192.0.2.1", "HTTP_AUTHORIZATION": "Bearer wrong-token-wrong-token-wrong"},
    {"REMOTE_ADDR": "192.0.2.1", "HTTP_AUTHORIZATION": f"Token {METRICS_TOKEN}"},  # not the bearer scheme
    {"REMOTE_ADDR": "192.0.2.1", "HTTP_AUTHORIZATION": f"Bearer {METRICS_TOKEN[:-1]}"},
])
def test_anyone_else_gets_403_and_no_series(client, allowed, headers):
    response = client.get("/metrics", **headers)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert b"iko_source" not in response.content


def test_the_token_lets_a_scraper_in_from_anywhere_even_through_a_proxy(client, allowed):
    response = client.get("/metrics", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9",
                          HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}")
    assert response.status_code == 200


def test_with_only_a_token_configured_no_address_is_enough(client, settings):
    settings.IKO_METRICS_TOKEN = METRICS_TOKEN
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}").status_code == 200


def test_only_get_is_answered(client, allowed):
    assert client.post("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 405


@responses.activate
def test_after_a_view_the_source_series_carry_configuration_names_and_no_bsn(authed_api, grant, client, allowed):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [
        {"burgerservicenummer": BSN, "naam": {"volledigeNaam": "Suzanne Moulin"}}]})
    view = authed_api.post("/api/v1/profiles/klantbeeld/view",
                           {"subject": {"type": "bsn", "value": BSN}, "purpose": "klantcontact"}, format="json")
    assert view.status_code == 200

    exposition = client.get("/metrics", REMOTE_ADDR="10.20.3.4").content.decode()

    assert re.search(r'^iko_source_calls_total\{operation="RaadpleegMetBurgerservicenummer",source="brp",status="ok"\} '
                     r'[1-9]', exposition, re.MULTILINE)
    assert re.search(r'^iko_source_call_duration_seconds_count\{operation="RaadpleegMetBurgerservicenummer",source="brp"\} '
                     r'[1-9]', exposition, re.MULTILINE)
    for name in ("iko_views_total", "iko_view_duration_seconds", "iko_source_circuit_state", "iko_pool_queue_length",
                 "iko_processing_log_write_duration_seconds", "iko_processing_log_write_failures_total",
                 "iko_rate_limit_refusals_total", "iko_inflight_merges_total"):
        assert f"# HELP {name} " in exposition
    assert BSN not in exposition and "example.org" not in exposition
    label_values = re.findall(r'="([^"]*)"', "\n".join(l for l in exposition.splitlines() if l.startswith("iko_")))
    assert label_values and not [v for v in label_values if re.search(r"[0-9]{8}", v)]


def load_settings(**env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKO_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(IKO_ENV="development", **env_overrides)
    return subprocess.run([sys.executable, "-c", "import iko_project.settings.base"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("env", "message"), [
    ({"IKO_METRICS_ALLOWED_NETWORKS": "0.0.0.0/0"}, "would make the metrics public"),
    ({"IKO_METRICS_ALLOWED_NETWORKS": "::/0"}, "would make the metrics public"),
    ({"IKO_METRICS_ALLOWED_NETWORKS": "10.0.0.0/8,pods"}, "'pods' is not a network"),
    ({"IKO_METRICS_TOKEN": "short"}, "IKO_METRICS_TOKEN must be at least 24 characters"),
])
def test_a_metrics_setting_that_would_open_the_endpoint_or_does_not_parse_is_refused(tmp_path, env, message):
    result = load_settings(IKO_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert message in result.stderr
