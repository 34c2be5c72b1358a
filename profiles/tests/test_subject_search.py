"""The privacy officer's screen: enter a BSN, see all processing about that person (found by the
keyed pseudonym), filter by purpose, actor and period, export as CSV; only with the permission."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from profiles.models import ProcessingRecord
from profiles.processing_log.pseudonyms import subject_pseudonym

URL = "/admin/profiles/processingrecord/subject/"
BSN = "999993653"
OTHER_BSN = "999993847"


def record(bsn=BSN, days_ago=0, **overrides) -> ProcessingRecord:
    values = dict(
        trace_id=uuid.uuid4().hex, span_id="b" * 16, actor="api-client:Valtimo", calling_system="Valtimo",
        purpose_code="klantcontact", profile_name="klantbeeld", subject_type="bsn",
        subject_pseudonym=subject_pseudonym(subject_type="bsn", value=bsn), outcome="complete",
        http_status=200, duration_ms=12.5, sources={"brp": "ok"}, fields_released=["persoon.naam.volledigeNaam"],
    )
    values.update(overrides)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(days=days_ago)):
        return ProcessingRecord.objects.create(**values)


@pytest.fixture
def officer(client, db):
    user = get_user_model().objects.create_user("privacy", password="x", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="inspect_subject"), Permission.objects.get(codename="view_processingrecord")
    )
    client.force_login(user)
    return client


@pytest.fixture
def history(db):
    return {
        "view": record(),
        "denied": record(outcome="denied", http_status=403, reason="no-grant", actor="oidc:j.jansen", calling_system="valtimo", days_ago=3),
        "old": record(purpose_code="sociaal-domein", days_ago=40),
        "someone_else": record(bsn=OTHER_BSN),
    }


def search(client, **fields):
    return client.post(URL, {"subject_type": "bsn", "subject_value": BSN, **fields})


def shown_traces(response) -> set[str]:
    return {r.trace_id for r in response.context["records"] if r.action != "inspection"}


def test_the_screen_needs_the_dedicated_permission(client, db, history):
    staff = get_user_model().objects.create_user("beheer", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_processingrecord"))
    client.force_login(staff)

    assert client.get(URL).status_code == 403
    assert search(client).status_code == 403
    assert "Find a subject" not in client.get(reverse("admin:profiles_processingrecord_changelist")).content.decode()
    assert ProcessingRecord.objects.count() == 4  # and nothing was looked up


def test_a_bsn_finds_all_processing_about_that_person_and_nothing_else(officer, history):
    assert "Find a subject" in officer.get(reverse("admin:profiles_processingrecord_changelist")).content.decode()
    assert officer.get(URL).status_code == 200

    response = search(officer)

    assert response.status_code == 200
    assert shown_traces(response) == {history[k].trace_id for k in ("view", "denied", "old")}
    page = response.content.decode()
    assert "no-grant" in page and "sociaal-domein" in page and "persoon.naam.volledigeNaam" in page
    assert "no-store" in response["Cache-Control"]


def test_the_search_is_itself_logged_under_the_pseudonym_and_the_officer(officer, history):
    search(officer)

    inspection = ProcessingRecord.objects.get(action="inspection")
    assert inspection.actor == "user:privacy"
    assert inspection.subject_pseudonym == subject_pseudonym(subject_type="bsn", value=BSN)
    assert inspection.purpose_code == "verwerkingenlog-inzage"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"purpose": "sociaal-domein"}, {"old"}),
        ({"actor": "valtimo"}, {"view", "denied", "old"}),  # actor or calling system, any case
        ({"actor": "j.jansen"}, {"denied"}),
        ({"since": "{d5}"}, {"view", "denied"}),
        ({"until": "{d5}"}, {"old"}),
        ({"since": "{d40}", "until": "{d2}"}, {"denied", "old"}),
    ],
)
def test_filters_by_purpose_actor_and_period(officer, history, filters, expected):
    today = timezone.localdate()
    days = {"{d5}": today - timedelta(days=5), "{d40}": today - timedelta(days=40), "{d2}": today - timedelta(days=2)}
    fields = {k: days.get(v, v).isoformat() if v in days else v for k, v in filters.items()}

    response = search(officer, **fields)

    assert shown_traces(response) == {history[k].trace_id for k in expected}


def test_the_result_exports_as_csv_without_the_bsn(officer, history):
    response = search(officer, export="csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="processing-bsn-')
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    traces = {row["Trace ID"] for row in rows if row["Action"] == "view"}
    assert traces == {history[k].trace_id for k in ("view", "denied", "old")}
    assert {row["Subject pseudonym"] for row in rows} == {subject_pseudonym(subject_type="bsn", value=BSN)}
    assert BSN not in text
    assert ProcessingRecord.objects.filter(action="inspection-export").count() == 1


def test_an_invalid_bsn_is_explained_and_nothing_is_searched(officer, history):
    response = officer.post(URL, {"subject_type": "bsn", "subject_value": "123456789"})

    assert response.status_code == 200
    assert "eleven test" in response.content.decode()
    assert response.context["records"] is None
    assert not ProcessingRecord.objects.filter(action="inspection").exists()


def test_a_kvk_number_is_searched_as_a_company(officer, db):
    company = record(subject_type="kvk", subject_pseudonym=subject_pseudonym(subject_type="kvk", value="12345678"))

    response = officer.post(URL, {"subject_type": "kvk", "subject_value": "12345678"})

    assert shown_traces(response) == {company.trace_id}


def test_when_the_search_cannot_be_logged_nothing_is_shown(officer, history, monkeypatch):
    from django.db import DatabaseError

    from profiles.processing_log import sinks

    def broken(connection, fields):
        raise DatabaseError("disk full")

    monkeypatch.setattr(sinks, "_insert", broken)  # the INSERT of the record fails

    response = search(officer)

    assert response.context["records"] is None
    assert "cannot be written" in response.content.decode()
