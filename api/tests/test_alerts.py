"""Subject lookup alerts: one principal looking up more distinct subjects than the threshold within the
window raises one alert, stored (read-only in the admin) and logged, without any subject data
Counted from the processing log's pseudonyms, in memory or in Redis."""

from __future__ import annotations

import logging

import pytest
import responses
from django.test import override_settings

from profiles.processing_log.alerts import lookup_note, memory_lookups
from profiles.processing_log.models import SubjectLookupAlert
from iko_project.shared_store import redis_reset
from api.tests.redis_fixtures import redis_url, shared_redis  # noqa: F401 (fixtures)
from profiles.models import ProcessingRecord
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.subjects import is_valid_bsn

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
BSNS = [f"{n:09d}" for n in range(999990000, 999999999) if is_valid_bsn(f"{n:09d}")][:8]


@pytest.fixture(autouse=True)
def _fresh_counts():
    memory_lookups.clear()
    redis_reset()
    yield
    memory_lookups.clear()
    redis_reset()


@pytest.fixture
def brp_answers_nobody():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": []})
        yield mocked


def view(api, bsn, **extra):
    body = {"subject": {"type": "bsn", "value": bsn}, "purpose": "klantcontact", **extra}
    return api.post("/api/v1/profiles/klantbeeld/view", body, format="json")


@override_settings(IKO_ALERT_DISTINCT_SUBJECTS=3, IKO_ALERT_WINDOW_SECONDS=3600)
def test_more_distinct_subjects_than_the_threshold_raise_one_alert_without_subject_data(
    authed_api, grant, brp_answers_nobody, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.WARNING, logger="profiles.processing_log.alerts")
    with django_capture_on_commit_callbacks(execute=True):
        for bsn in BSNS[:3] + BSNS[:3]:  # three subjects, each twice: no alert yet
            assert view(authed_api, bsn).status_code == 200
    assert SubjectLookupAlert.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        for bsn in BSNS[3:6]:
            view(authed_api, bsn)

    alert = SubjectLookupAlert.objects.get()  # one alert, not one per lookup after the threshold
    assert alert.actor == "api-client:Case system" and alert.on_behalf_of == ""
    assert alert.distinct_subjects == 4 and alert.threshold == 3 and alert.window_seconds == 3600
    assert alert.trace_id == ProcessingRecord.objects.order_by("id")[6].trace_id  # the first lookup of the 4th subject
    stored = " ".join(str(getattr(alert, f.attname)) for f in alert._meta.fields)
    [warning] = [r for r in caplog.records if r.name == "profiles.processing_log.alerts"]
    for bsn in BSNS:
        pseudonym = subject_pseudonym(subject_type="bsn", value=bsn)
        for text in (stored, warning.getMessage()):
            assert bsn not in text and pseudonym not in text
    assert "api-client:Case system" in warning.getMessage() and "4 distinct subjects" in warning.getMessage()


@override_settings(IKO_ALERT_DISTINCT_SUBJECTS=2)
def test_denied_lookups_count_too(authed_api, profile, purpose, django_capture_on_commit_callbacks):
    # No grant: every view is denied, but trying subject after subject is what the alert is for.
    with django_capture_on_commit_callbacks(execute=True):
        for bsn in BSNS[:3]:
            assert view(authed_api, bsn).status_code == 403
    assert SubjectLookupAlert.objects.count() == 1


@override_settings(IKO_ALERT_DISTINCT_SUBJECTS=2)
def test_each_end_user_of_a_client_is_counted_on_its_own(authed_api, grant, brp_answers_nobody,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for index, bsn in enumerate(BSNS[:6]):
            view(authed_api, bsn, onBehalfOf=f"medewerker-{index % 3}")  # 2 subjects each
    assert SubjectLookupAlert.objects.count() == 0


@override_settings(IKO_ALERT_DISTINCT_SUBJECTS=0)
def test_a_threshold_of_zero_switches_alerts_off(db):
    for bsn in BSNS:
        assert lookup_note(actor="a", on_behalf_of="", subject_pseudonym=bsn) is None


def test_searches_inspections_and_citizens_looking_at_themselves_are_not_counted():
    from profiles.processing_log.alerts import _counted

    def rec(**fields):
        base = {"subject_type": "bsn", "subject_pseudonym": "ab" * 32, "actor_type": "api_client", "action": "view",
                "organisation_id": 1}
        return ProcessingRecord(**{**base, **fields})

    assert _counted(rec()) and _counted(rec(action="endpoint")) and _counted(rec(subject_type="kvk"))
    # Objects count like persons: mapping address after address is mapping who lives where.
    for object_type in ("adres", "pand", "verblijfsobject", "zaak", "object"):
        assert _counted(rec(subject_type=object_type)), object_type
    assert not _counted(rec(subject_type="search"))
    assert not _counted(rec(action="inspection")) and not _counted(rec(action="inspection-export"))
    assert not _counted(rec(actor_type="self_service"))
    assert not _counted(rec(subject_pseudonym=""))


@override_settings(IKO_ALERT_DISTINCT_SUBJECTS=3, IKO_ALERT_WINDOW_SECONDS=3600)
def test_views_of_addresses_count_towards_an_alert_like_persons(db, django_capture_on_commit_callbacks):
    """Processing records of address views (as the view service writes them) raise an alert; an
    address and a person with the same text are two subjects (the pseudonym is keyed by type)."""
    addresses = [f"05992000002196{n:02d}" for n in range(4)]
    assert subject_pseudonym(subject_type="adres", value="999993653") != subject_pseudonym(
        subject_type="bsn", value="999993653")

    with django_capture_on_commit_callbacks(execute=True):
        for value in addresses:
            ProcessingRecord.objects.create(
                subject_type="adres", subject_pseudonym=subject_pseudonym(subject_type="adres", value=value),
                actor="client:Case system", actor_type="api_client", action="view", outcome="complete",
                profile_name="adresbeeld", purpose_code="vergunningverlening", trace_id="a" * 32,
                span_id="b" * 16, http_status=200, duration_ms=1.0,
            )

    alert = SubjectLookupAlert.objects.get()
    assert alert.distinct_subjects == 4 and alert.actor == "client:Case system"


@override_settings(IKO_ALERT_DISTINCT_SUBJECTS=3, IKO_ALERT_WINDOW_SECONDS=600)
def test_the_window_slides_so_old_lookups_stop_counting(db):
    def note(pseudonym, now):
        return lookup_note(actor="user:jan", on_behalf_of="", subject_pseudonym=pseudonym, now=now)

    for index, moment in enumerate([0.0, 250.0, 260.0]):
        assert note(f"p{index}", moment) is None
    # At 700 s the first lookup (bucket 0 of 100 s) has slid out of the 600 s window.
    assert note("p3", 700.0) is None
    assert note("p4", 710.0) is not None


@override_settings(IKO_ALERT_DISTINCT_SUBJECTS=3, IKO_ALERT_WINDOW_SECONDS=3600)
def test_with_redis_the_count_and_the_alert_are_shared_between_instances(db, shared_redis, settings):
    def note(pseudonym):
        alert = lookup_note(actor="oidc:jan", on_behalf_of="jan", subject_pseudonym=pseudonym, now=7200.0)
        memory_lookups.clear()  # the next lookup lands on another instance
        return alert

    assert [note(f"p{i}") for i in range(3)] == [None, None, None]
    alert = note("p3")
    assert alert is not None and alert.distinct_subjects == 4
    assert note("p4") is None  # another instance does not raise it again
    assert SubjectLookupAlert.objects.count() == 1
    keys = [k.decode() for k in shared_redis.scan_iter(match=settings.IKO_REDIS_PREFIX + "*")]
    assert any(":lookups:" in k for k in keys) and not any("jan" in k for k in keys)
    lookups = next(k for k in keys if ":lookups:" in k)
    assert shared_redis.type(lookups) == b"string"  # a HyperLogLog: no pseudonym can be read back


@override_settings(IKO_ALERT_DISTINCT_SUBJECTS=1, IKO_REDIS_URL="redis://127.0.0.1:9/0")
def test_a_failing_redis_falls_back_to_counting_in_memory(db):
    assert lookup_note(actor="a", on_behalf_of="", subject_pseudonym="p1") is None
    assert lookup_note(actor="a", on_behalf_of="", subject_pseudonym="p2") is not None


def test_a_failure_while_counting_never_fails_the_view(authed_api, grant, brp_answers_nobody, monkeypatch,
                                                       django_capture_on_commit_callbacks, caplog):
    from profiles.processing_log import alerts

    def broken(**kwargs):
        raise RuntimeError("counting broke")

    monkeypatch.setattr(alerts, "lookup_note", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = view(authed_api, BSNS[0])
    assert response.status_code == 200
    assert "could not be counted" in caplog.text


def test_alerts_are_read_only_in_the_admin(admin_client, db):
    alert = SubjectLookupAlert.objects.create(actor="user:jan", distinct_subjects=301, threshold=300, window_seconds=3600)

    assert admin_client.get("/admin/profiles/subjectlookupalert/").status_code == 200
    assert b"user:jan" in admin_client.get("/admin/profiles/subjectlookupalert/").content
    assert admin_client.get(f"/admin/profiles/subjectlookupalert/{alert.pk}/change/").status_code == 200
    assert admin_client.get("/admin/profiles/subjectlookupalert/add/").status_code == 403
    assert admin_client.post(f"/admin/profiles/subjectlookupalert/{alert.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SubjectLookupAlert.objects.filter(pk=alert.pk).exists()
