"""Insight, "what has been done with my data": only the citizen's own records, newest first, paged,
JSON and CSV, never an employee's name, and reading it is itself logged."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.tests.citizen_fixtures import BSN, OTHER_BSN, PORTAL, citizen_issuer, citizen_provider  # noqa: F401
from api.tests.self_service_fixtures import as_citizen  # noqa: F401 (fixture)
from profiles.models import ProcessingRecord, Purpose
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.services.self_service.citizen import Citizen
from profiles.services.self_service.insight import insight_page
from profiles.subjects import Subject, is_valid_bsn
from profiles.tracing import trace_from_header

pytestmark = pytest.mark.integration

INSIGHT = "/api/v1/self-service/insight"


def record(bsn: str, *, minutes_ago: int = 0, **fields) -> ProcessingRecord:
    values = {
        "action": "view", "trace_id": "0" * 31 + "1", "span_id": "0" * 16, "actor": "oidc:j.jansen",
        "actor_type": "oidc", "calling_system": "valtimo", "on_behalf_of": "j.jansen", "purpose_code": "klantcontact",
        "profile_name": "klantbeeld", "subject_type": "bsn",
        "subject_pseudonym": subject_pseudonym(subject_type="bsn", value=bsn), "sources": {"brp": "ok"},
        "fields_released": ["persoon.naam.volledigeNaam"], "outcome": "complete", "http_status": 200, "duration_ms": 3.0,
        "started_at": timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    }
    return ProcessingRecord.objects.create(**values)


def test_the_citizen_sees_who_did_what_with_their_data_by_role_and_system_never_by_name(as_citizen, db):
    Purpose.objects.create(code="klantcontact", name="Answering questions", legal_basis="Gemeentewet art. 160",
                           processing_activity_id="https://register.example.org/va/1")
    record(BSN, minutes_ago=5, processing_activity_id="https://register.example.org/va/1")

    response = as_citizen().get(INSIGHT)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2  # the view, and this reading of the log itself
    reading, view = body["results"]
    assert (reading["action"], reading["role"], reading["system"]) == ("self-service-insight", "you (self-service)", PORTAL)
    assert view == {
        "at": view["at"], "action": "view", "organisation": {"name": "", "oin": ""}, "system": "valtimo",
        "role": "employee", "purpose": {"code": "klantcontact", "name": "Answering questions",
                                        "legalBasis": "Gemeentewet art. 160"},
        "processingActivity": "https://register.example.org/va/1", "profile": "klantbeeld",
        "sources": [{"name": "brp", "status": "ok"}], "fields": ["persoon.naam.volledigeNaam"],
        "outcome": "complete", "traceId": "0" * 31 + "1",
    }
    assert "j.jansen" not in response.content.decode()


def test_reading_the_insight_is_logged_first_and_fails_closed(as_citizen, db, monkeypatch):
    from profiles.processing_log import sinks as processing_log

    def broken(fields):
        raise processing_log.ProcessingLogUnavailable("down")

    record(BSN)
    monkeypatch.setattr(processing_log, "_database_write", broken)

    response = as_citizen().get(INSIGHT)

    assert response.status_code == 503
    assert response.json()["code"] == "processing-log-unavailable"


def test_the_insight_is_newest_first_and_paged(as_citizen, db):
    for minutes in (30, 20, 10):
        record(BSN, minutes_ago=minutes, profile_name=f"p{minutes}")

    first = as_citizen().get(INSIGHT, {"page": 1, "pageSize": 2}).json()
    second = as_citizen().get(INSIGHT, {"page": 2, "pageSize": 2}).json()

    assert [r["profile"] for r in first["results"]] == ["", "p10"]  # this reading, then the newest
    assert first["count"] == 4 and second["count"] == 5  # the second reading is a record too
    # Page 2 of: reading 2, reading 1, p10, p20, p30.
    assert [r["profile"] for r in second["results"]] == ["p10", "p20"]


def test_a_page_size_above_the_maximum_is_refused(as_citizen, db):
    response = as_citizen().get(INSIGHT, {"pageSize": 1000})

    assert response.status_code == 400
    assert not ProcessingRecord.objects.exists()


def test_the_csv_download_has_the_same_records_without_names_and_is_logged(as_citizen, db):
    record(BSN, on_behalf_of="=cmd|'/c calc'!A1")
    record(OTHER_BSN)

    response = as_citizen().get("/api/v1/self-service/insight.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert [r["action"] for r in rows] == ["self-service-insight-export", "view"]
    assert "calc" not in str(rows) and "j.jansen" not in str(rows)


def test_a_gezaghouders_view_shows_in_the_childs_insight_by_role_only(as_citizen, db):
    record(BSN, actor="self-service:portal", actor_type="self_service", calling_system="portal",
           on_behalf_of="gezaghouder:" + "a" * 64)

    (entry,) = [r for r in as_citizen().get(INSIGHT).json()["results"] if r["action"] == "view"]

    assert entry["role"] == "your gezaghouder (self-service)"
    assert "a" * 64 not in str(entry)


def _bsn(number: int) -> str | None:
    """The BSN with these first eight digits (the eleven test picks the ninth), if there is one."""
    digits = f"{number:08d}"
    check = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1))) % 11
    return None if check == 10 else digits + str(check)


bsns = st.integers(min_value=10_000_000, max_value=99_999_999).map(_bsn).filter(lambda bsn: bsn is not None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(citizen_a=bsns, others=st.lists(bsns, min_size=1, max_size=12), own_records=st.integers(0, 4))
def test_the_insight_of_citizen_a_never_shows_a_record_about_anyone_else(db, citizen_a, others, own_records):
    """Over many pseudonyms: the records shown to A are exactly A's own (and the reading itself)."""
    assert is_valid_bsn(citizen_a)
    with transaction.atomic():
        for index in range(own_records):
            record(citizen_a, minutes_ago=index, profile_name=f"own-{index}")
        for index, other in enumerate(others):
            if other != citizen_a:
                record(other, minutes_ago=index, profile_name=f"other-{index}")
            # A's pseudonym text under another subject type is another subject.
            record(citizen_a, minutes_ago=index, profile_name=f"other-kvk-{index}", subject_type="kvk")
        citizen = Citizen(subjects=(Subject("bsn", citizen_a),), portal=PORTAL,
                          level_of_assurance="urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard")

        page = insight_page(citizen=citizen, subject_type="bsn", page=1, page_size=100, trace=trace_from_header(None))

        shown = [r["profile"] for r in page.results if r["action"] == "view"]
        assert sorted(shown) == sorted(f"own-{index}" for index in range(own_records))
        assert page.count == own_records + 1  # and the reading of the insight itself
        transaction.set_rollback(True)
