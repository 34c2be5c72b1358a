"""Latency jitter and request counting of the demo servers (demo/servers/faults.py, base.py)."""

from __future__ import annotations

import pytest
import requests

from demo.servers.base import FaultSettings
from demo.servers.brp import BrpServer, start_brp_server

SUZANNE = "999993653"
RAADPLEEG = "RaadpleegMetBurgerservicenummer"
TIMEOUT = 10


def test_jitter_varies_the_latency_per_request_within_its_bounds_and_never_below_zero():
    server = BrpServer(faults=FaultSettings(latency_ms=50, jitter_ms=20), seed=3)
    delays = [server.latency_seconds() for _ in range(400)]
    assert 0.030 <= min(delays) < 0.035 and 0.065 < max(delays) <= 0.070
    assert len(set(delays)) > 300

    server.set_faults(latency_ms=5, jitter_ms=50)
    assert min(server.latency_seconds() for _ in range(200)) == 0.0
    server.stop()
    with pytest.raises(ValueError, match="jitter_ms"):
        FaultSettings(jitter_ms=-1)


def test_the_server_counts_the_requests_it_received_including_failed_ones():
    body = {"type": RAADPLEEG, "burgerservicenummer": [SUZANNE], "fields": ["burgerservicenummer"]}
    with start_brp_server(latency_ms=0, failure_rate=0) as server, requests.Session() as session:
        assert server.requests_received == 0
        for _ in range(3):
            session.post(server.personen_url, json=body, timeout=TIMEOUT)
        server.set_faults(failure_rate=1)
        assert session.post(server.personen_url, json=body, timeout=TIMEOUT).status_code == 503

        assert server.requests_received == 4


def test_the_jitter_comes_from_the_environment_too(monkeypatch):
    from demo.servers.base import fault_settings_from_env

    monkeypatch.setenv("IKO_DEMO_BRP_LATENCY_MS", "25")
    monkeypatch.setenv("IKO_DEMO_BRP_JITTER_MS", "10")

    assert fault_settings_from_env("brp") == FaultSettings(latency_ms=25, jitter_ms=10)
    assert fault_settings_from_env("BRP", jitter_ms=0).jitter_ms == 0
    monkeypatch.setenv("IKO_DEMO_BRP_JITTER_MS", "veel")
    with pytest.raises(ValueError, match="IKO_DEMO_BRP_JITTER_MS"):
        fault_settings_from_env("BRP")
