"""The database work of one view, once the configuration is cached: the processing record's
pending INSERT and its completing UPDATE, nothing else (docs/developer/performance.md).

Every other query (API client, profile, plan, purpose, grants) is read from the per-process
configuration cache (profiles/access/config_cache.py), so it does not come back per view; a new
query per view shows here before it shows in a benchmark."""

import pytest
import responses
from django.db import connection
from django.test.utils import CaptureQueriesContext

from profiles.models import ProcessingRecord

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
BSN = "999993653"


def view(api):
    return api.post("/api/v1/profiles/klantbeeld/view",
                    {"subject": {"type": "bsn", "value": BSN}, "purpose": "klantcontact"}, format="json")


# A transaction test: in autocommit, as in production, each statement commits by itself (a test
# inside a transaction would add savepoints around them).
@pytest.mark.django_db(transaction=True)
@responses.activate
def test_a_view_with_its_configuration_cached_is_two_statements_an_insert_and_an_update(authed_api, grant):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer",
                                       "personen": [{"burgerservicenummer": BSN}]})
    assert view(authed_api).status_code == 200  # fills the caches

    with CaptureQueriesContext(connection) as queries:
        response = view(authed_api)

    assert response.status_code == 200
    statements = [q["sql"].split(None, 1)[0].upper() for q in queries.captured_queries]
    assert statements == ["INSERT", "UPDATE"], queries.captured_queries
    record = ProcessingRecord.objects.order_by("-pk").first()
    assert (record.outcome, record.http_status, record.sources) == ("complete", 200, {"brp": "ok"})
    assert record.trace_id == response.json()["traceId"] and record.duration_ms > 0


@pytest.mark.django_db(transaction=True)
def test_the_prepared_completion_changes_only_a_pending_record_and_only_its_outcome():
    from profiles.processing_log.sinks import OpenRecord, processing_record_complete, processing_record_open
    from profiles.refusals import ProcessingLogUnavailable

    fields = dict(trace_id="d" * 32, span_id="b" * 16, actor="x", purpose_code="p", profile_name="klantbeeld",
                  subject_type="bsn", subject_pseudonym="c" * 64, sources={"brp": "pending"})
    opened = processing_record_open(fields=fields)
    outcome = dict(sources={"brp": "ok"}, fields_released=["persoon.naam"], fields_withheld=[], grant_id=7,
                   outcome=ProcessingRecord.Outcome.COMPLETE, http_status=200, duration_ms=12.5)
    processing_record_complete(opened, fields=outcome)

    record = ProcessingRecord.objects.get(pk=opened.pk)
    assert (record.outcome, record.sources, record.fields_released, record.grant_id, record.http_status,
            record.duration_ms, record.actor) == ("complete", {"brp": "ok"}, ["persoon.naam"], 7, 200, 12.5, "x")
    # Completed once: a second completion finds no pending record, and the first outcome stays.
    with pytest.raises(ProcessingLogUnavailable):
        processing_record_complete(opened, fields={**outcome, "outcome": "failed", "http_status": 502})
    assert ProcessingRecord.objects.get(pk=opened.pk).http_status == 200
    # Who, why and about whom are never part of a completion.
    with pytest.raises(TypeError):
        processing_record_complete(OpenRecord(fields=fields, subject=None, pk=opened.pk),
                                   fields={"actor": "someone else", "outcome": "complete"})
    with pytest.raises(TypeError):
        processing_record_complete(opened, fields={"outcome": "pending"})
