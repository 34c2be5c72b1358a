"""The per-minute counts behind the admin's source-health page (connectors/source_health.py): the
same calls as /metrics, availability and p50/p95 over the last hour, the last failure's class and
never its detail, in Redis when it is configured (shared by instances) and in memory otherwise."""

from __future__ import annotations

import time

import pytest

from connectors import metrics, source_health
from connectors.base import ConnectorRequest, ConnectorResult, SourceConfig, Status
from connectors.runner import SourceCall, run_calls
from connectors.source_health import error_class, memory_store, quantile, source_hours, unflushed
from connectors.tests.test_metrics import make_registry
from iko_project.shared_store import redis_reset

BSN = "999993653"
NOW = 1_800_000_000.0  # a fixed moment; minute boundaries fall where they fall


@pytest.fixture(autouse=True)
def _empty_store():
    memory_store.clear()
    unflushed.clear()
    redis_reset()
    yield
    memory_store.clear()
    unflushed.clear()
    redis_reset()


def own_keys(client, settings) -> list[str]:
    return [key.decode() for key in client.scan_iter(match=settings.IKO_REDIS_PREFIX + "*")]


def a_few_calls(source="brp", now=NOW):
    """Three answered calls of 20, 40 and 300 ms, one failure, one call skipped by an open circuit."""
    for seconds, status in ((0.02, "ok"), (0.04, "not_found"), (0.3, "ok")):
        source_health.call_record(source=source, status=status, seconds=seconds, now=now - 120)
    source_health.call_record(source=source, status="error", seconds=0.5, now=now - 60,
                              detail=f"BRP failed or is unavailable (HTTP 503): Persoon {BSN} niet gevonden")
    source_health.call_record(source=source, status="skipped", seconds=None, now=now)


def test_the_last_hour_counts_answered_failed_and_skipped_calls_per_minute():
    a_few_calls()

    hour = source_hours(sources=["brp"], now=NOW)["brp"]

    assert len(hour.minutes) == 60
    assert [(m.answered, m.failed, m.skipped) for m in hour.minutes[-3:]] == [(3, 0, 0), (0, 1, 0), (0, 0, 1)]
    assert hour.calls == 5
    assert hour.availability == pytest.approx(3 / 5)  # the skipped call counts as unavailable
    assert sum(hour.total.buckets) == 4  # the skipped call was not made, so not timed


def test_p50_and_p95_are_interpolated_within_the_buckets_as_prometheus_does():
    a_few_calls()
    hour = source_hours(sources=["brp"], now=NOW)["brp"]

    # 4 timed calls: 0.02 in (0.01, 0.025], 0.04 in (0.025, 0.05], 0.3 in (0.2, 0.3], 0.5 in (0.3, 0.5].
    assert hour.latency(0.5) == pytest.approx(0.05)  # rank 2: the top of the second call's bucket
    assert hour.latency(0.95) == pytest.approx(0.3 + 0.2 * (3.8 - 3) / 1)
    buckets = len(source_health.LATENCY_BUCKETS) + 1
    assert quantile(0.5, [0] * buckets) is None
    assert quantile(0.99, [0] * (buckets - 1) + [3]) == 30.0  # beyond the last bound: that bound


def test_calls_that_all_take_about_120_ms_have_a_p50_near_120_ms():
    for _ in range(20):
        source_health.call_record(source="bag", status="ok", seconds=0.122, now=NOW)
    assert source_hours(sources=["bag"], now=NOW)["bag"].latency(0.5) == pytest.approx(0.125)


def test_the_last_failure_keeps_its_class_and_time_but_never_its_detail():
    a_few_calls()
    hour = source_hours(sources=["brp"], now=NOW)["brp"]

    assert hour.last_error.error_class == "http_5xx"
    assert hour.last_error.at == NOW - 60
    assert BSN not in repr(memory_store.__dict__)


def test_calls_older_than_an_hour_leave_the_window_and_a_source_without_calls_has_no_figures():
    source_health.call_record(source="brp", status="ok", seconds=0.02, now=NOW - 3600)
    source_health.call_record(source="brp", status="ok", seconds=0.02, now=NOW - 3540)
    hours = source_hours(sources=["brp", "kvk"], now=NOW)

    assert hours["brp"].calls == 1
    assert hours["kvk"].calls == 0 and hours["kvk"].availability is None and hours["kvk"].latency(0.5) is None
    assert hours["kvk"].last_error is None


@pytest.mark.parametrize(("status", "detail", "expected"), [
    ("timeout", "The source did not answer within 2 s.", "timeout"),
    ("error", "Could not connect to the source.", "connection"),
    ("error", "TLS handshake with the source failed.", "tls"),
    ("error", "The source answered with a redirect (HTTP 302); IKO does not follow redirects.", "redirect"),
    ("error", "BRP refused IKO's credentials (HTTP 401).", "http_401_403"),
    ("error", "KVK is rate limiting IKO (HTTP 429).", "http_429"),
    ("error", "Zaken rejected the request (HTTP 400): Bad Request; invalid: bsn", "http_4xx"),
    ("error", "BRP failed or is unavailable (HTTP 502).", "http_5xx"),
    ("error", "The source answered with invalid JSON (text/html).", "invalid_answer"),
    ("error", "The source's answer is larger than 1048576 bytes.", "invalid_answer"),
    ("error", "Connector 'brp' is not installed.", "configuration"),
    ("error", "BRP connector failed unexpectedly (KeyError).", "connector"),
    ("error", f"Something else about {BSN}", "error"),
])
def test_a_failure_is_classed_by_what_the_http_layer_and_the_connectors_say(status, detail, expected):
    assert error_class(status=status, detail=detail) == expected
    assert expected in source_health.ERROR_CLASSES


def test_the_runner_s_calls_reach_the_page_through_the_same_counting_as_metrics():
    source = SourceConfig(name="brp-health", connector_id="fake", service=None, options={}, timeout=0.5)
    calls = [SourceCall(key=str(n), source=source,
                        request=ConnectorRequest("RaadpleegMetBurgerservicenummer", {"bsn": f"99999365{n}"}, ("x",)))
             for n in range(3)]
    answers = iter([ConnectorResult(Status.OK, data={"x": 1}), ConnectorResult(Status.OK, data={"x": 1}),
                    ConnectorResult.failed(Status.ERROR, "BRP failed or is unavailable (HTTP 503).")])
    registry = make_registry(lambda request: next(answers))
    before = metrics.SOURCE_CALLS.labels(source="brp-health", operation="RaadpleegMetBurgerservicenummer",
                                         status="ok")._value.get()

    for call in calls:  # one by one, so the answers come in order
        run_calls([call], registry=registry, deadline=time.monotonic() + 5)

    hour = source_hours(sources=["brp-health"])["brp-health"]
    assert (hour.total.answered, hour.total.failed) == (2, 1)
    assert hour.last_error.error_class == "http_5xx"
    assert metrics.SOURCE_CALLS.labels(source="brp-health", operation="RaadpleegMetBurgerservicenummer",
                                       status="ok")._value.get() == before + 2


def test_with_redis_the_counts_are_shared_by_every_instance_and_expire(shared_redis, settings):
    a_few_calls()
    memory_store.clear()  # what this process kept is not what the page reads: another instance sees it too

    hour = source_hours(sources=["brp"], now=NOW)["brp"]

    assert (hour.total.answered, hour.total.failed, hour.total.skipped) == (3, 1, 1)
    assert hour.last_error.error_class == "http_5xx"
    keys = own_keys(shared_redis, settings)
    assert keys and all(key.startswith(settings.IKO_REDIS_PREFIX + "health:brp:") for key in keys)
    assert all(0 < shared_redis.ttl(key) <= source_health.LAST_ERROR_KEEP_SECONDS for key in keys)
    assert not any(BSN.encode() in b"".join(shared_redis.hgetall(key).values()) for key in keys)


def test_a_call_does_not_wait_for_redis_its_count_is_sent_with_others_later(shared_redis, settings, monkeypatch):
    monkeypatch.setattr(source_health, "FLUSH_SECONDS", 3600.0)
    monkeypatch.setattr(source_health, "_flushed_at", time.monotonic())
    a_few_calls()
    assert own_keys(shared_redis, settings) == []  # nothing sent yet

    monkeypatch.setattr(source_health, "FLUSH_SECONDS", 0.0)
    source_health.call_record(source="brp", status="ok", seconds=0.02, now=NOW)  # due: sends all six

    minute = settings.IKO_REDIS_PREFIX + f"health:brp:{int((NOW - 120) // 60)}"
    assert shared_redis.hget(minute, "answered") == b"3"
    assert len(own_keys(shared_redis, settings)) == 4  # three minutes and the last failure
    assert unflushed.drain() == ({}, {})


def test_counts_that_could_not_be_sent_are_sent_once_redis_answers_again(shared_redis, settings, monkeypatch):
    monkeypatch.setattr(source_health, "FLUSH_SECONDS", 0.0)
    live_url = settings.IKO_REDIS_URL
    settings.IKO_REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    a_few_calls()  # the first call's flush fails; Redis is then left alone for a while
    waiting, _ = unflushed.read("brp", [int((NOW - 120) // 60)])
    assert waiting[0].answered == 3
    settings.IKO_REDIS_URL = live_url
    redis_reset()  # the back-off is over

    hour = source_hours(sources=["brp"], now=NOW)["brp"]

    assert (hour.total.answered, hour.total.failed, hour.total.skipped) == (3, 1, 1)
    assert own_keys(shared_redis, settings)


def test_when_redis_fails_the_counts_stay_in_this_process(settings):
    settings.IKO_REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there
    source_health.call_record(source="brp", status="ok", seconds=0.02, now=NOW)
    source_health.call_record(source="brp", status="timeout", seconds=2.0, now=NOW)

    hour = source_hours(sources=["brp"], now=NOW)["brp"]

    assert (hour.total.answered, hour.total.failed) == (1, 1)
    assert hour.last_error.error_class == "timeout"
