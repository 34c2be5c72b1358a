"""Where the view, processing-log, rate-limit and in-flight series of connectors/metrics.py are
recorded: a view counts by profile, configured purpose and the processing record's outcome (also
when it is denied), every processing-log write is timed and a failed one counted, a 429 counts as
a refusal, and a view answered by an identical one in flight counts as a merge."""

from __future__ import annotations

import threading

import responses
from django.test import override_settings
from prometheus_client import REGISTRY

from profiles.engine.inflight import InflightGroup

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
BSN = "999993653"
PERSOON = {"burgerservicenummer": BSN, "naam": {"volledigeNaam": "Suzanne Moulin"}}


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def views(outcome: str, purpose: str = "klantcontact") -> float:
    return sample("iko_views_total", profile="klantbeeld", purpose=purpose, outcome=outcome)


def view(api, purpose="klantcontact"):
    return api.post("/api/v1/profiles/klantbeeld/view", {"subject": {"type": "bsn", "value": BSN}, "purpose": purpose},
                    format="json")


@responses.activate
def test_a_view_is_counted_and_timed_with_its_outcome_and_its_record_write_timed(authed_api, grant):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})
    complete, timed = views("complete"), sample("iko_view_duration_seconds_count", profile="klantbeeld")
    writes = sample("iko_processing_log_write_duration_seconds_count")

    assert view(authed_api).status_code == 200

    assert views("complete") == complete + 1
    assert sample("iko_view_duration_seconds_count", profile="klantbeeld") == timed + 1
    # Two writes: the record as pending before the BRP is asked, and its completion.
    assert sample("iko_processing_log_write_duration_seconds_count") == writes + 2


@responses.activate
def test_a_view_whose_source_fails_is_counted_as_failed(authed_api, grant):
    responses.post(PERSONEN_URL, status=503, json={"title": "Service Unavailable"})
    failed = views("failed")

    assert view(authed_api).status_code == 502

    assert views("failed") == failed + 1


def test_a_denied_view_is_counted_with_its_purpose_or_unknown_for_a_purpose_nobody_configured(authed_api, grant):
    from profiles.models import Purpose

    Purpose.objects.create(code="handhaving", name="Handhaving")  # configured, but no grant
    denied, unknown = views("denied", "handhaving"), views("denied", "unknown")

    assert view(authed_api, purpose="handhaving").status_code == 403
    assert view(authed_api, purpose=BSN).status_code == 403  # a caller's own text is no label

    assert views("denied", "handhaving") == denied + 1
    assert views("denied", "unknown") == unknown + 1
    assert views("denied", BSN) == 0 and views("denied", "redacted") == 0


@responses.activate
def test_a_processing_record_that_cannot_be_written_is_counted_as_a_failure_and_the_view_is_not(
        authed_api, grant, monkeypatch):
    from django.db import DatabaseError

    from profiles.processing_log import sinks

    def broken(connection, fields):
        raise DatabaseError("disk full")

    # The record is written with one prepared INSERT (sinks._insert), not the ORM's create.
    monkeypatch.setattr(sinks, "_insert", broken)
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})
    failures, writes, complete = (sample("iko_processing_log_write_failures_total"),
                                  sample("iko_processing_log_write_duration_seconds_count"), views("complete"))

    assert view(authed_api).status_code == 503

    assert sample("iko_processing_log_write_failures_total") == failures + 1
    assert sample("iko_processing_log_write_duration_seconds_count") == writes + 1
    assert views("complete") == complete


@override_settings(IKO_RATE_LIMIT_CLIENT="1/minute", IKO_RATE_LIMIT_USER="")
@responses.activate
def test_a_request_refused_by_a_rate_limit_is_counted(authed_api, grant):
    from api.throttling import memory_counter

    memory_counter.clear()
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})
    refusals = sample("iko_rate_limit_refusals_total")
    try:
        assert view(authed_api).status_code == 200
        assert view(authed_api).status_code == 429
        assert view(authed_api).status_code == 429
    finally:
        memory_counter.clear()

    assert sample("iko_rate_limit_refusals_total") == refusals + 2


def test_each_follower_answered_by_a_computation_in_flight_counts_as_one_merge():
    group = InflightGroup()
    release, started = threading.Event(), threading.Event()
    merges = sample("iko_inflight_merges_total")

    def compute():
        started.set()
        assert release.wait(5)
        return "result"

    results = []
    leader = threading.Thread(target=lambda: results.append(group.run("key", compute, wait_seconds=5)))
    leader.start()
    assert started.wait(5)
    followers = [threading.Thread(target=lambda: results.append(group.run("key", compute, wait_seconds=5)))
                 for _ in range(2)]
    for thread in followers:
        thread.start()
    while group._flights["key"].followers < 2:
        threading.Event().wait(0.005)
    release.set()
    for thread in [leader, *followers]:
        thread.join(5)

    assert sorted(shared for _, shared in results) == [False, True, True]
    assert sample("iko_inflight_merges_total") == merges + 2


def test_nothing_is_counted_for_a_request_that_never_became_a_view(authed_api, grant):
    before = sum(views(outcome) for outcome in ("complete", "partial", "failed", "denied"))
    response = authed_api.post("/api/v1/profiles/klantbeeld/view", {"subject": {"type": "bsn", "value": "123"}},
                               format="json")
    assert response.status_code == 400
    assert sum(views(outcome) for outcome in ("complete", "partial", "failed", "denied")) == before
