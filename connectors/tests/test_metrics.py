"""The Prometheus series (connectors/metrics.py): names and labels as deploy/grafana/README.md
promises them, label values that cannot hold an identifier, what the runner and the breaker record
and log, and several processes adding up in multiprocess mode."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from connectors import metrics
from connectors.base import Connector, ConnectorRequest, ConnectorResult, Operation, SourceConfig, Status
from connectors.breaker import CircuitBreaker
from connectors.registry import Registry
from connectors.runner import SourceCall, run_calls

REPO = Path(__file__).resolve().parents[2]
CONTRACT = REPO / "deploy" / "grafana" / "README.md"
BSN = "999993653"


def contract_series(path: Path = CONTRACT) -> dict[str, tuple[str, tuple[str, ...]]]:
    """`| name | type | labels | ...` rows of the contract's table: name -> (type, labels)."""
    rows = {}
    for line in path.read_text().splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("iko_"):
            labels = tuple(sorted(x.strip().strip("`") for x in cells[2].split(",") if x.strip() and x.strip() != "-"))
            rows[cells[0]] = (cells[1], labels)
    return rows


def registered() -> dict[str, tuple[str, tuple[str, ...]]]:
    found = {}
    for metric in (metrics.SOURCE_CALLS, metrics.SOURCE_CALL_DURATION, metrics.SOURCE_CIRCUIT_STATE, metrics.VIEWS,
                   metrics.VIEW_DURATION, metrics.PROCESSING_LOG_WRITE_DURATION, metrics.PROCESSING_LOG_WRITE_FAILURES,
                   metrics.RATE_LIMIT_REFUSALS, metrics.INFLIGHT_MERGES, metrics.POOL_QUEUE_LENGTH):
        name = metric._name + ("_total" if metric._type == "counter" else "")
        found[name] = (metric._type, tuple(sorted(metric._labelnames)))
    return found


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def make_registry(answer):
    registry = Registry()

    @registry("fake")
    class Fake(Connector):
        title = "Fake"
        operations = {"RaadpleegMetBurgerservicenummer": Operation("RaadpleegMetBurgerservicenummer", "", ("bsn",), ("x",))}

        def fetch(self, request):
            return answer(request)

    return registry


def source_call(name="brp-metrics"):
    source = SourceConfig(name=name, connector_id="fake", service=None, options={}, timeout=0.5)
    return SourceCall(key=name, source=source,
                      request=ConnectorRequest("RaadpleegMetBurgerservicenummer", {"bsn": BSN}, ("x",)))


def test_every_series_of_the_contract_exists_with_its_type_and_labels_and_nothing_else():
    assert contract_series() == registered()
    assert set(registered()) == {
        "iko_source_calls_total", "iko_source_call_duration_seconds", "iko_source_circuit_state", "iko_views_total",
        "iko_view_duration_seconds", "iko_processing_log_write_duration_seconds",
        "iko_processing_log_write_failures_total", "iko_rate_limit_refusals_total", "iko_inflight_merges_total",
        "iko_pool_queue_length",
    }


def test_the_operator_documentation_explains_every_series_as_the_contract_defines_it():
    assert contract_series(REPO / "docs" / "operator" / "observability.md") == registered()


def test_the_dashboard_queries_only_series_of_the_contract():
    dashboard = (REPO / "deploy" / "grafana" / "iko.json").read_text()
    used = set(re.findall(r'\b(iko_[a-z_]+?)(?:_bucket|_count|_sum)?\b(?=[{\[)\s,"])', dashboard))
    assert used and used <= set(contract_series())
    assert {"iko_source_calls_total", "iko_source_circuit_state", "iko_view_duration_seconds"} <= used


@pytest.mark.parametrize("value", [
    BSN, f"brp-{BSN}", "12345678",  # a BSN, in a name, a KVK number
    "https://brp.example.org/personen", "/zaken/api/v1/zaken?bsn=1", "Suzanne Moulin", "", "x" * 101,
])
def test_a_label_value_that_is_not_a_configuration_name_is_redacted(value):
    assert metrics.label(value) == "redacted"


@pytest.mark.parametrize("value", ["brp", "klantbeeld", "klantcontact", "RaadpleegMetBurgerservicenummer", "objecten-2024"])
def test_configuration_names_are_label_values_as_they_are(value):
    assert metrics.label(value) == value


def test_a_view_is_counted_by_profile_purpose_and_outcome_and_timed_by_profile():
    before = sample("iko_views_total", profile="klantbeeld", purpose="klantcontact", outcome="partial")
    timed = sample("iko_view_duration_seconds_count", profile="klantbeeld")
    metrics.view_record(profile="klantbeeld", purpose="klantcontact", outcome="partial", seconds=0.2)
    metrics.view_record(profile="klantbeeld", purpose=BSN, outcome="partial", seconds=0.2)  # a bug passing a BSN
    assert sample("iko_views_total", profile="klantbeeld", purpose="klantcontact", outcome="partial") == before + 1
    assert sample("iko_views_total", profile="klantbeeld", purpose="redacted", outcome="partial") >= 1
    assert sample("iko_view_duration_seconds_count", profile="klantbeeld") == timed + 2


def test_a_failed_call_is_counted_timed_and_logged_without_its_url_parameters_or_detail(caplog):
    before = sample("iko_source_calls_total", source="brp-metrics", operation="RaadpleegMetBurgerservicenummer",
                    status="error")
    timed_before = sample("iko_source_call_duration_seconds_count", source="brp-metrics",
                          operation="RaadpleegMetBurgerservicenummer")

    def refuse(request):
        return ConnectorResult.failed(Status.ERROR, f"https://brp.example.org/personen answered 503 for {BSN}")

    with caplog.at_level(logging.WARNING, logger="iko.sources"):
        results = run_calls([source_call()], registry=make_registry(refuse), deadline=time.monotonic() + 5)

    assert results["brp-metrics"].status is Status.ERROR
    assert sample("iko_source_calls_total", source="brp-metrics", operation="RaadpleegMetBurgerservicenummer",
                  status="error") == before + 1
    assert sample("iko_source_call_duration_seconds_count", source="brp-metrics",
                  operation="RaadpleegMetBurgerservicenummer") == timed_before + 1
    [record] = [r for r in caplog.records if r.name == "iko.sources"]
    assert record.log_fields == {"event": "source_call_failed", "source": "brp-metrics",
                                 "operation": "RaadpleegMetBurgerservicenummer", "status": "error",
                                 "durationMs": results["brp-metrics"].duration_ms}
    text = record.getMessage() + repr(record.log_fields)
    assert BSN not in text and "example.org" not in text and "503" not in text


def test_a_successful_call_is_counted_but_not_logged(caplog):
    before = sample("iko_source_calls_total", source="brp-metrics", operation="RaadpleegMetBurgerservicenummer",
                    status="ok")
    with caplog.at_level(logging.DEBUG, logger="iko.sources"):
        run_calls([source_call()], registry=make_registry(lambda r: ConnectorResult(Status.OK, data={"x": 1})),
                  deadline=time.monotonic() + 5)
    assert sample("iko_source_calls_total", source="brp-metrics", operation="RaadpleegMetBurgerservicenummer",
                  status="ok") == before + 1
    assert not [r for r in caplog.records if r.name == "iko.sources"]


def test_a_call_skipped_by_an_open_circuit_is_counted_as_skipped_and_not_timed():
    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=60)
    breaker.record("brp-skipped", success=False)
    timed = sample("iko_source_call_duration_seconds_count", source="brp-skipped",
                   operation="RaadpleegMetBurgerservicenummer")
    before = sample("iko_source_calls_total", source="brp-skipped", operation="RaadpleegMetBurgerservicenummer",
                    status="skipped")

    run_calls([source_call("brp-skipped")], registry=make_registry(lambda r: 1 / 0), deadline=time.monotonic() + 5,
              breaker=breaker)

    assert sample("iko_source_calls_total", source="brp-skipped", operation="RaadpleegMetBurgerservicenummer",
                  status="skipped") == before + 1
    assert sample("iko_source_call_duration_seconds_count", source="brp-skipped",
                  operation="RaadpleegMetBurgerservicenummer") == timed


def test_a_source_s_circuit_is_charted_as_closed_from_its_first_call():
    breaker = CircuitBreaker(failure_threshold=2, reset_seconds=30)
    assert REGISTRY.get_sample_value("iko_source_circuit_state", {"source": "brp-first-call"}) is None
    assert breaker.allow("brp-first-call")
    assert REGISTRY.get_sample_value("iko_source_circuit_state", {"source": "brp-first-call"}) == 0


def test_with_redis_each_instance_charts_a_source_in_the_state_it_finds_at_its_first_call(shared_redis):
    from connectors.breaker import SharedCircuitBreaker

    failing, later = (SharedCircuitBreaker(failure_threshold=1, reset_seconds=60) for _ in range(2))
    assert failing.allow("brp-shared-chart")
    assert REGISTRY.get_sample_value("iko_source_circuit_state", {"source": "brp-shared-chart"}) == 0
    failing.record("brp-shared-chart", success=False)  # opens it for every instance
    metrics.circuit_state_set(source="brp-shared-chart", state="closed")  # as if this were another process

    assert not later.allow("brp-shared-chart")
    assert REGISTRY.get_sample_value("iko_source_circuit_state", {"source": "brp-shared-chart"}) == 2


def test_the_circuit_state_follows_open_half_open_and_closed_and_each_change_is_logged_once(caplog):
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, reset_seconds=30, clock=lambda: now[0])
    state = lambda: sample("iko_source_circuit_state", source="brp-circuit")  # noqa: E731

    with caplog.at_level(logging.WARNING, logger="iko.sources"):
        breaker.record("brp-circuit", success=False)
        assert state() == 0 and not caplog.records
        breaker.record("brp-circuit", success=False)  # the second failure in a row opens it
        assert state() == 2
        breaker.record("brp-circuit", success=False)  # a straggler failing while open: no new line
        now[0] = 31
        assert breaker.allow("brp-circuit") and state() == 1  # the one trial call
        breaker.record("brp-circuit", success=False)  # the trial failed: open again
        assert state() == 2
        now[0] = 62
        assert breaker.allow("brp-circuit")
        breaker.record("brp-circuit", success=True)
        assert state() == 0

    events = [r.log_fields["event"] for r in caplog.records if r.name == "iko.sources"]
    assert events == ["circuit_opened", "circuit_opened", "circuit_closed"]
    assert caplog.records[0].log_fields == {"event": "circuit_opened", "source": "brp-circuit", "consecutiveFailures": 2}
    assert "opened after 2 consecutive failures" in caplog.records[0].getMessage()


RECORD_IN_A_PROCESS = """
import os, sys
from connectors import metrics
metrics.source_call_record(source="brp", operation="RaadpleegMetBurgerservicenummer", status="ok", seconds=0.05)
metrics.circuit_state_set(source="brp", state=sys.argv[1])
print(os.getpid())
"""


def test_two_processes_add_up_in_multiprocess_mode_and_a_dead_worker_s_gauge_stops_counting(tmp_path, monkeypatch):
    from iko_project import gunicorn_conf

    directory = tmp_path / "prometheus"
    env = dict(os.environ, PROMETHEUS_MULTIPROC_DIR=str(directory))
    pids = {}
    for state in ("open", "closed"):
        done = subprocess.run([sys.executable, "-c", RECORD_IN_A_PROCESS, state], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        pids[state] = int(done.stdout.split()[-1])
    files = {p.name for p in directory.iterdir()}
    assert all(any(name.endswith(f"_{pid}.db") for name in files) for pid in pids.values())  # files per process

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    exposition = generate_latest(metrics.registry_for_scrape()).decode()
    assert 'iko_source_calls_total{operation="RaadpleegMetBurgerservicenummer",source="brp",status="ok"} 2.0' in exposition
    assert 'iko_source_call_duration_seconds_count{operation="RaadpleegMetBurgerservicenummer",source="brp"} 2.0' in exposition

    # Both processes have exited, but only what gunicorn reports dead (child_exit) leaves the gauge.
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    assert registry.get_sample_value("iko_source_circuit_state", {"source": "brp"}) == 2
    gunicorn_conf.child_exit(None, SimpleNamespace(pid=pids["open"]))  # gunicorn's hook
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    assert registry.get_sample_value("iko_source_circuit_state", {"source": "brp"}) == 0
    # Counters keep what dead workers counted: a counter must not go down while the server runs.
    assert registry.get_sample_value("iko_source_calls_total", {"source": "brp", "status": "ok",
                                                                "operation": "RaadpleegMetBurgerservicenummer"}) == 2

    gunicorn_conf.on_starting(None)  # the next start begins empty
    assert not list(directory.glob("*.db"))
