"""Integration: `manage.py demo` on loopback, a few views as the README makes them (one denied, four
identical ones at once, then more than the rate limit allows), then `/metrics` with the token: every
series of the contract is there with configuration names as labels and no BSN or KVK number in any
label value; and the admin's source-health page shows the demo sources' calls."""

from __future__ import annotations

import re
import threading

import pytest
import requests

from demo.config import DEMO_BSN, DEMO_KVK, DEMO_PURPOSE, DEMO_TOKEN
from demo.testing import DemoProcess
from demo.universe import COMPANY, PERSONS

pytestmark = pytest.mark.integration

METRICS_TOKEN = "metrics-token-for-the-demo-test-0123456789"
RATE = 40  # views a minute for the demo's API client


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    process = DemoProcess(tmp_path_factory.mktemp("demo-metrics"), env={
        "IKO_METRICS_TOKEN": METRICS_TOKEN,
        "IKO_RATE_LIMIT_CLIENT": f"{RATE}/minute",
        # A slow BRP, so that identical views overlap and share one computation.
        "IKO_DEMO_BRP_LATENCY_MS": "700",
    }).start()
    try:
        yield process.wait_until_up()
    finally:
        process.stop()


def view(base, profile, kind, value, purpose=DEMO_PURPOSE):
    return requests.post(f"{base}/api/v1/profiles/{profile}/view", timeout=20,
                         json={"subject": {"type": kind, "value": value}, "purpose": purpose},
                         headers={"Authorization": f"Token {DEMO_TOKEN}"})


@pytest.fixture(scope="module")
def exposition(demo):
    assert view(demo, "klantbeeld", "bsn", DEMO_BSN).status_code == 200
    assert view(demo, "bedrijfsbeeld", "kvk", DEMO_KVK).status_code == 200
    assert view(demo, "klantbeeld", "bsn", DEMO_BSN, purpose="sloopmelding").status_code == 403  # not a demo purpose
    statuses = []
    threads = [threading.Thread(target=lambda: statuses.append(view(demo, "klantbeeld", "bsn", DEMO_BSN).status_code))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [200] * 4
    refused = 0
    for _ in range(RATE):
        if view(demo, "klantbeeld", "bsn", "123", purpose=DEMO_PURPOSE).status_code == 429:  # 400 until the limit
            refused += 1
            break
    assert refused == 1
    response = requests.get(f"{demo}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10)
    assert response.status_code == 200
    return response.text


def value(exposition: str, series: str, **labels) -> float:
    wanted = ",".join(f'{key}="{labels[key]}"' for key in sorted(labels))
    match = re.search(rf"^{series}{{{re.escape(wanted)}}} (\S+)$" if labels else rf"^{series} (\S+)$",
                      exposition, re.MULTILINE)
    assert match, f"{series} {labels} is not in /metrics"
    return float(match[1])


def test_after_demo_views_metrics_has_every_series_with_configuration_names(exposition):
    views = "iko_views_total"
    assert value(exposition, views, outcome="complete", profile="klantbeeld", purpose=DEMO_PURPOSE) >= 1
    assert value(exposition, views, outcome="complete", profile="bedrijfsbeeld", purpose=DEMO_PURPOSE) == 1
    assert value(exposition, views, outcome="denied", profile="klantbeeld", purpose="unknown") == 1
    assert value(exposition, "iko_view_duration_seconds_count", profile="klantbeeld") >= 6
    assert value(exposition, "iko_source_calls_total", operation="RaadpleegMetBurgerservicenummer", source="brp",
                 status="ok") >= 2
    assert value(exposition, "iko_source_call_duration_seconds_count", operation="RaadpleegMetBurgerservicenummer",
                 source="brp") >= 2
    assert value(exposition, "iko_source_circuit_state", source="brp") == 0
    assert value(exposition, "iko_processing_log_write_duration_seconds_count") >= 7
    assert value(exposition, "iko_processing_log_write_failures_total") == 0
    assert value(exposition, "iko_rate_limit_refusals_total") == 1
    assert value(exposition, "iko_inflight_merges_total") >= 1  # four identical views at once
    assert value(exposition, "iko_pool_queue_length") >= 0


def test_no_label_value_holds_a_bsn_a_kvk_number_or_a_url(exposition):
    samples = [line for line in exposition.splitlines() if line.startswith("iko_")]
    label_values = re.findall(r'="([^"]*)"', "\n".join(samples))
    numbers = {DEMO_BSN, DEMO_KVK, COMPANY["kvkNummer"], *(person["bsn"] for person in PERSONS)}

    assert label_values
    assert [v for v in label_values if any(number in v for number in numbers)] == []
    assert [v for v in label_values if re.search(r"[0-9]{8}", v) or "/" in v or ":" in v] == []
    assert not any(number in exposition for number in numbers)


def test_the_source_health_page_shows_the_demo_sources_calls(demo, exposition):
    session = requests.Session()
    session.cookies.set("django_language", "en")  # the admin speaks Dutch unless the user picks English
    login = session.get(f"{demo}/admin/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)[1]
    # The first step of the two-factor login; the demo asks no second factor (IKO_ADMIN_2FA_REQUIRED).
    session.post(f"{demo}/admin/login/", timeout=10, headers={"Referer": f"{demo}/admin/login/"},
                 data={"csrfmiddlewaretoken": token, "admin_login_view-current_step": "auth",
                       "auth-username": "admin", "auth-password": "admin", "next": "/admin/source-health/"})

    page = session.get(f"{demo}/admin/source-health/", timeout=10)

    assert page.status_code == 200 and page.url.endswith("/admin/source-health/")
    for source in ("brp", "kvk", "zaken", "klantinteracties", "objecten", "bag", "inkomensregister"):
        assert f">{source}</a>" in page.text
    brp = page.text.split(">brp</a>")[1].split("</tr>")[0]
    assert "100.0 % answered" in brp and re.search(r"p50 \d+ ms", brp)
    assert DEMO_BSN not in page.text
