"""The processing log: the fields of a record (Logboek Dataverwerkingen), fail-closed writing when
the table is gone, the retention purge, the external Verwerkingenlogging sink and the CSV export."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
import responses
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from profiles.models import ProcessingRecord
from profiles.processing_log.export import processing_records_csv
from profiles.processing_log.sinks import verwerkingenlogging_cache_clear, verwerkingsactie_from_record
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.subjects import Subject

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
VLOG_ROOT = "https://vlog.example.org/api/v1/"
BSN = "999993653"
PERSOON = {
    "burgerservicenummer": BSN,
    "naam": {"volledigeNaam": "Suzanne Moulin"},
    "geboorte": {"datum": {"type": "Datum", "datum": "1985-12-01"}},
}
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN = "00f067aa0ba902b7"


def view(api, **headers):
    return api.post(
        "/api/v1/profiles/klantbeeld/view",
        {"subject": {"type": "bsn", "value": BSN}, "purpose": "klantcontact", "onBehalfOf": "medewerker-42"},
        format="json", **headers,
    )


def brp_answers():
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})


# --- the record ------------------------------------------------------------------------------------


@responses.activate
def test_a_view_leaves_one_record_with_every_field_of_the_logboek_dataverwerkingen(authed_api, grant, profile):
    brp_answers()
    before = timezone.now()

    response = view(authed_api, HTTP_TRACEPARENT=f"00-{TRACE_ID}-{PARENT_SPAN}-01")

    assert response.status_code == 200
    record = ProcessingRecord.objects.get()
    # Trace context: the caller's trace continues, with our own span under its span.
    assert record.trace_id == TRACE_ID
    assert len(record.span_id) == 16 and record.span_id != PARENT_SPAN
    assert record.parent_span_id == PARENT_SPAN
    # What, why, who, for whom.
    assert record.action == "view"
    assert record.processing_activity_id == "https://register.example.org/va/1"
    assert record.purpose_code == "klantcontact"
    assert (record.actor, record.actor_type, record.calling_system) == ("api-client:Case system", "api_client", "Case system")
    assert record.on_behalf_of == "medewerker-42"
    assert record.grant_id == grant.pk
    # About whom, as a keyed pseudonym only.
    assert (record.profile_name, record.profile_version) == ("klantbeeld", profile.version)
    assert record.subject_type == "bsn"
    assert record.subject_pseudonym == subject_pseudonym(subject_type="bsn", value=BSN)
    # Sources, released field names, outcome and timing.
    assert record.sources == {"brp": "ok"}
    assert record.fields_released == ["persoon.naam.volledigeNaam", "persoon.geboorte.datum.type", "persoon.geboorte.datum.datum"]
    assert record.fields_withheld == []
    assert (record.outcome, record.http_status, record.reason, record.ldv_status) == ("complete", 200, "", "Unset")
    assert before <= record.started_at <= record.created_at
    assert record.duration_ms >= 0
    stored = json.dumps([getattr(record, f.attname) for f in record._meta.fields], default=str)
    # The birth date as the source wrote it: "1985" alone also turns up in hex ids and durations.
    for secret in (BSN, "Suzanne", "Moulin", "1985-12-01"):
        assert secret not in stored


def test_the_keyed_pseudonym_depends_on_the_key(settings):
    first = subject_pseudonym(subject_type="bsn", value=BSN)
    settings.IKO_PSEUDONYM_KEY = "another key"
    assert subject_pseudonym(subject_type="bsn", value=BSN) != first
    assert len(first) == 64


@responses.activate
def test_when_the_log_table_is_unavailable_no_personal_data_goes_out(authed_api, grant):
    brp_answers()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE profiles_processingrecord RENAME TO profiles_processingrecord_gone")
    try:
        response = view(authed_api)
        denied = authed_api.post(
            "/api/v1/profiles/klantbeeld/view", {"subject": {"type": "bsn", "value": BSN}, "purpose": "other"}, format="json"
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE profiles_processingrecord_gone RENAME TO profiles_processingrecord")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "processing-log-unavailable"
    assert "Suzanne" not in response.content.decode() and "data" not in response.json()
    assert denied.status_code == 503  # a denial that cannot be logged is not answered either
    assert ProcessingRecord.objects.count() == 0
    # The record is written before any source is asked: the BRP provided nothing it could protocol.
    assert len(responses.calls) == 0


@responses.activate
def test_a_view_s_record_is_written_as_pending_before_the_first_source_call(authed_api, grant, monkeypatch):
    from profiles.processing_log import sinks
    from profiles.services import view as services

    events = []

    def record_open(**kwargs):
        opened = sinks.processing_record_open(**kwargs)
        events.append(("record", ProcessingRecord.objects.get(pk=opened.pk).outcome, opened.fields["sources"]))
        return opened

    def brp(request):
        events.append(("brp",))
        return 200, {}, json.dumps({"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})

    monkeypatch.setattr(services, "processing_record_open", record_open)
    responses.add_callback(responses.POST, PERSONEN_URL, callback=brp)

    assert view(authed_api).status_code == 200
    assert events == [("record", "pending", {"brp": "pending"}), ("brp",)]
    record = ProcessingRecord.objects.get()
    assert record.outcome == "complete" and record.sources == {"brp": "ok"} and record.http_status == 200


@responses.activate
@pytest.mark.parametrize("call", ["search", "endpoint"])
def test_searches_and_endpoint_calls_ask_no_source_when_the_log_table_is_unavailable(authed_api, grant, call, purpose, api_client_with_token, profile):
    from profiles.models import SearchAction

    SearchAction.objects.create(
        profile=profile, name="op-bsn", title="Zoek op BSN", source=profile.relations.get().source,
        operation="RaadpleegMetBurgerservicenummer", criteria=[{"name": "bsn", "type": "bsn", "required": True}],
        columns=[{"name": "naam", "field": "naam.volledigeNaam"}],
    )
    api_client_with_token.default_purpose = purpose
    api_client_with_token.save()
    brp_answers()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE profiles_processingrecord RENAME TO profiles_processingrecord_gone")
    try:
        if call == "search":
            response = authed_api.post("/api/v1/profiles/klantbeeld/search/op-bsn",
                                       {"criteria": {"bsn": BSN}, "purpose": "klantcontact"}, format="json")
        else:
            response = authed_api.get(f"/endpoints/brp/brp/RaadpleegMetBurgerservicenummer/{BSN}")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE profiles_processingrecord_gone RENAME TO profiles_processingrecord")

    assert response.status_code == 503 and response.json()["code"] == "processing-log-unavailable"
    assert len(responses.calls) == 0


def test_only_a_pending_record_is_completed_and_only_with_its_outcome(db):
    pending = make_record(outcome="pending", http_status=0)
    done = make_record()

    assert ProcessingRecord.objects.complete_pending(pending.pk, outcome="complete", http_status=200) == 1
    assert ProcessingRecord.objects.complete_pending(pending.pk, outcome="failed", http_status=502) == 0
    assert ProcessingRecord.objects.complete_pending(done.pk, outcome="failed") == 0
    with pytest.raises(TypeError):
        ProcessingRecord.objects.complete_pending(pending.pk, actor="someone else")
    assert ProcessingRecord.objects.get(pk=pending.pk).outcome == "complete"


@pytest.mark.django_db(transaction=True)
def test_a_record_is_one_insert_with_the_fields_conversions_and_listeners_hear_of_it():
    from django.db.models.signals import post_save
    from django.test.utils import CaptureQueriesContext

    from profiles.organisations.selectors import organisation_default_id
    from profiles.processing_log.sinks import processing_record_write

    heard = []

    def listener(sender, instance, created, **kwargs):
        heard.append((instance.trace_id, created))

    post_save.connect(listener, sender=ProcessingRecord)
    started = timezone.now()
    organisation_id = organisation_default_id()  # every writer names the record's organisation
    try:
        with CaptureQueriesContext(connection) as queries:
            processing_record_write(fields=dict(
                organisation_id=organisation_id, action="view", started_at=started, trace_id=TRACE_ID, span_id="b" * 16, actor="Case system",
                actor_type="api_client", purpose_code="klantcontact", profile_name="klantbeeld", profile_version=3,
                subject_type="bsn", subject_pseudonym="c" * 64, sources={"brp": "ok"}, fields_released=["persoon.naam"],
                outcome="complete", http_status=200, duration_ms=61.5,
            ))
    finally:
        post_save.disconnect(listener, sender=ProcessingRecord)

    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
    record = ProcessingRecord.objects.get()
    assert (record.trace_id, record.started_at, record.sources, record.fields_released, record.fields_withheld) == (
        TRACE_ID, started, {"brp": "ok"}, ["persoon.naam"], [])
    assert started <= record.created_at <= timezone.now() and record.reason == "" and record.grant_id is None
    assert heard == [(TRACE_ID, True)]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite has one writer at a time")
def test_on_sqlite_the_threads_of_a_process_take_turns_and_give_up_when_sqlite_would(db, settings, monkeypatch):
    from profiles.processing_log import sinks
    from profiles.refusals import ProcessingLogUnavailable

    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.05)
    fields = dict(trace_id="d" * 32, span_id="b" * 16, actor="x", purpose_code="p", profile_name="klantbeeld",
                  subject_type="bsn", subject_pseudonym="c" * 64, outcome="complete", http_status=200, duration_ms=1.0)
    sinks.processing_record_write(fields=dict(fields))
    assert ProcessingRecord.objects.count() == 1

    with sinks._sqlite_writer:  # another thread of this process is writing
        with pytest.raises(ProcessingLogUnavailable):
            sinks.processing_record_write(fields=dict(fields))
    assert ProcessingRecord.objects.count() == 1


# --- retention -------------------------------------------------------------------------------------


def make_record(**overrides) -> ProcessingRecord:
    values = dict(
        trace_id=uuid.uuid4().hex, span_id="b" * 16, actor="x", purpose_code="p", profile_name="klantbeeld",
        subject_type="bsn", subject_pseudonym="c" * 64, outcome="complete", http_status=200, duration_ms=1.0,
    )
    values.update(overrides)
    return ProcessingRecord.objects.create(**values)


def created_days_ago(days: int, **overrides) -> ProcessingRecord:
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(days=days)):
        return make_record(**overrides)


def test_the_purge_command_deletes_only_records_past_the_retention_period(db, settings):
    settings.IKO_PROCESSING_LOG_RETENTION_DAYS = 365
    old = [created_days_ago(400), created_days_ago(366)]
    young = [created_days_ago(364), make_record()]

    dry = StringIO()
    call_command("processing_log_purge", "--dry-run", stdout=dry)
    assert "2 processing records" in dry.getvalue() and "dry run" in dry.getvalue()
    assert ProcessingRecord.objects.count() == 4

    out = StringIO()
    call_command("processing_log_purge", stdout=out)

    assert "Deleted 2 processing records" in out.getvalue()
    assert set(ProcessingRecord.objects.values_list("pk", flat=True)) == {r.pk for r in young}
    assert not ProcessingRecord.objects.filter(pk__in=[r.pk for r in old]).exists()
    with pytest.raises(TypeError):  # outside the command, the log stays append-only
        ProcessingRecord.objects.all().delete()


def test_the_purge_works_in_batches(db, settings):
    settings.IKO_PROCESSING_LOG_RETENTION_DAYS = 1
    for _ in range(7):
        created_days_ago(3)

    from profiles.processing_log.purge import processing_log_cutoff

    assert ProcessingRecord.objects.purge_created_before(processing_log_cutoff(), batch_size=3) == 7


def test_a_retention_below_one_day_is_refused(db, settings):
    settings.IKO_PROCESSING_LOG_RETENTION_DAYS = 0
    make_record()
    with pytest.raises(ValueError, match="at least 1"):
        call_command("processing_log_purge", stdout=StringIO())
    assert ProcessingRecord.objects.count() == 1


# --- the external Verwerkingenlogging API -----------------------------------------------------------


@pytest.fixture
def vlog(db, settings):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    Service.objects.create(
        label="Verwerkingenlogging", slug="vlog", api_type=APITypes.orc, api_root=VLOG_ROOT,
        auth_type=AuthTypes.api_key, header_key="Authorization", header_value="Bearer vlog-token",
    )
    settings.IKO_VERWERKINGENLOGGING_SERVICE = "vlog"
    settings.IKO_ORGANISATION_OIN = "00000001234567890000"
    verwerkingenlogging_cache_clear()
    yield
    verwerkingenlogging_cache_clear()


def vlog_accepts(put_status: int = 200) -> str:
    """The Verwerkingenlogging API takes a new verwerkingsactie (answering its actieId, as the spec
    says) and its update; returns that actieId."""
    actie_id = str(uuid.uuid4())
    responses.post(VLOG_ROOT + "verwerkingsacties", status=201,
                   json={"url": VLOG_ROOT + f"verwerkingsacties/{actie_id}", "actieId": actie_id})
    responses.put(VLOG_ROOT + f"verwerkingsacties/{actie_id}", status=put_status, json={"actieId": actie_id})
    return actie_id


@responses.activate
def test_records_can_go_to_a_verwerkingenlogging_api_instead_of_the_database(authed_api, grant, vlog, settings):
    settings.IKO_PROCESSING_LOG_SINK = "verwerkingenlogging"
    settings.IKO_PROCESSING_LOG_RETENTION_DAYS = 7305
    brp_answers()
    created = vlog_accepts()

    response = view(authed_api, HTTP_TRACEPARENT=f"00-{TRACE_ID}-{PARENT_SPAN}-01")

    assert response.status_code == 200
    assert ProcessingRecord.objects.count() == 0
    # First the pending verwerkingsactie, before the BRP is asked; then the complete one.
    assert [(c.request.method, c.request.url) for c in responses.calls] == [
        ("POST", VLOG_ROOT + "verwerkingsacties"), ("POST", PERSONEN_URL),
        ("PUT", VLOG_ROOT + f"verwerkingsacties/{created}"),
    ]
    pending = json.loads(responses.calls[0].request.body)
    assert pending["verwerkteObjecten"][0]["objectId"] == BSN
    assert pending["verwerkteObjecten"][0]["verwerkteSoortenGegevens"] == [] and pending["gegevensbron"] == "brp"
    sent = responses.calls[-1].request
    assert sent.headers["Authorization"] == "Bearer vlog-token"
    body = json.loads(sent.body)
    assert body.pop("tijdstip")
    assert body == {
        "actieNaam": "Raadplegen",
        "handelingNaam": "Profiel klantbeeld",
        "verwerkingNaam": "klantcontact",
        "verwerkingId": str(uuid.UUID(TRACE_ID)),
        "vertrouwelijkheid": "vertrouwelijk",
        "bewaartermijn": "P7305D",
        "systeem": "IKO",
        "gebruiker": "medewerker-42",
        "gegevensbron": "brp",
        "verwerkingsactiviteitUrl": "https://register.example.org/va/1",
        "uitvoerder": "00000001234567890000",
        "verwerkteObjecten": [{
            "objecttype": "persoon", "soortObjectId": "BSN", "objectId": BSN, "betrokkenheid": "Betrokkene",
            "verwerkteSoortenGegevens": [
                {"soortGegeven": "persoon.naam.volledigeNaam"}, {"soortGegeven": "persoon.geboorte.datum.type"},
                {"soortGegeven": "persoon.geboorte.datum.datum"},
            ],
        }],
    }


@responses.activate
@pytest.mark.parametrize("sink", ["verwerkingenlogging", "both"])
def test_when_the_verwerkingenlogging_api_refuses_the_record_no_data_goes_out(authed_api, grant, vlog, settings, sink):
    settings.IKO_PROCESSING_LOG_SINK = sink
    brp_answers()
    responses.post(VLOG_ROOT + "verwerkingsacties", status=500, json={"title": "down"})

    response = view(authed_api)

    assert response.status_code == 503
    assert "Suzanne" not in response.content.decode()


@responses.activate
def test_with_both_sinks_the_record_goes_to_the_database_and_the_api(authed_api, grant, vlog, settings):
    settings.IKO_PROCESSING_LOG_SINK = "both"
    brp_answers()
    vlog_accepts()

    assert view(authed_api).status_code == 200
    assert ProcessingRecord.objects.get().outcome == "complete"
    assert [c.request.method for c in responses.calls if "vlog.example.org" in c.request.url] == ["POST", "PUT"]


@responses.activate
@pytest.mark.parametrize("sink", ["verwerkingenlogging", "both"])
def test_when_the_verwerkingenlogging_api_refuses_the_pending_record_no_source_is_asked(authed_api, grant, vlog, settings, sink):
    settings.IKO_PROCESSING_LOG_SINK = sink
    brp_answers()
    responses.post(VLOG_ROOT + "verwerkingsacties", status=503)

    response = view(authed_api)

    assert response.status_code == 503
    assert [c.request.url for c in responses.calls] == [VLOG_ROOT + "verwerkingsacties"]


@responses.activate
def test_an_answer_without_the_new_actie_id_counts_as_not_written(authed_api, grant, vlog, settings):
    settings.IKO_PROCESSING_LOG_SINK = "verwerkingenlogging"
    brp_answers()
    responses.post(VLOG_ROOT + "verwerkingsacties", status=201, json={"url": "https://elsewhere.example.org/x"})

    assert view(authed_api).status_code == 503
    assert not [c for c in responses.calls if c.request.url == PERSONEN_URL]


@responses.activate
def test_when_the_completion_cannot_be_written_no_data_goes_out(authed_api, grant, vlog, settings):
    settings.IKO_PROCESSING_LOG_SINK = "verwerkingenlogging"
    brp_answers()
    created = vlog_accepts(put_status=500)

    response = view(authed_api)

    assert response.status_code == 503 and "Suzanne" not in response.content.decode()
    assert responses.calls[-1].request.url == VLOG_ROOT + f"verwerkingsacties/{created}"


def test_a_processing_activity_that_is_a_uuid_goes_out_as_its_id(settings):
    fields = {"trace_id": TRACE_ID, "processing_activity_id": "5f0bef4c-f66f-4311-84a5-19e8bf359eaf", "action": "view"}
    body = verwerkingsactie_from_record(fields, Subject("kvk", "12345678"))

    assert body["verwerkingsactiviteitId"] == "5f0bef4c-f66f-4311-84a5-19e8bf359eaf"
    assert "verwerkingsactiviteitUrl" not in body
    assert body["verwerkteObjecten"][0]["soortObjectId"] == "KVK"


@pytest.mark.parametrize("subject", [
    Subject("adres", "0599200000219678"),
    Subject("zaak", "https://zaken.example.org/zaken/api/v1/zaken/6f7b5d4c-3b2a-4c1d-9e8f-7a6b5c4d3e2f"),
])
def test_a_view_of_an_object_names_no_person_in_the_verwerkingenlogging_api(subject):
    # The API's only objecttype is "persoon", with an objectId of at most 40 characters.
    body = verwerkingsactie_from_record({"trace_id": TRACE_ID, "action": "view"}, subject)

    assert body["verwerkteObjecten"] == []


# --- CSV -------------------------------------------------------------------------------------------


def test_the_csv_export_has_one_row_per_record_and_no_spreadsheet_formulas(db):
    make_record(actor="=HYPERLINK(\"http://evil\")", sources={"brp": "ok", "zaken": "timeout"}, fields_released=["a.b", "c"])

    lines = list(processing_records_csv(ProcessingRecord.objects.all()))

    assert lines[0].startswith("Created at,Started at,Duration ms,Action,Outcome,LDV status,HTTP status")
    assert len(lines) == 2
    assert "'=HYPERLINK" in lines[1]
    assert "brp=ok;zaken=timeout" in lines[1] and "a.b;c" in lines[1]


def test_the_csv_export_names_its_columns_in_the_admin_s_language_and_keeps_the_stored_values(db):
    make_record(outcome="denied")

    with translation.override("nl"):
        lines = list(processing_records_csv(ProcessingRecord.objects.all()))

    assert lines[0].startswith("Aangemaakt op,Gestart op,")
    assert "Trace-ID" in lines[0] and "trace_id" not in lines[0]
    assert ",denied," in lines[1]  # the code, as the record screen and the LDV name it
