"""Tests of `POST /api/v1/profiles/{name}/view`: authentication, grants, validation, the view,
problem details and the processing record written for every request."""

import json

import pytest
import responses

from profiles.models import ProcessingRecord
from profiles.processing_log.pseudonyms import subject_pseudonym

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
BSN = "999993653"
PERSOON = {
    "burgerservicenummer": BSN,
    "naam": {"volledigeNaam": "Suzanne Moulin", "voornamen": "Suzanne"},
    "geboorte": {"datum": {"type": "Datum", "datum": "1985-12-01", "langFormaat": "1 december 1985"}},
    "verblijfplaats": {"type": "Adres", "verblijfadres": {"officieleStraatnaam": "Boterdiep", "huisnummer": 31, "postcode": "3077AW", "woonplaats": "Rotterdam"}},
    "geheimhoudingPersoonsgegevens": True,
}


def view(api, name="klantbeeld", bsn=BSN, purpose="klantcontact", **extra):
    body = {"subject": {"type": "bsn", "value": bsn}, **extra}
    if purpose:
        body["purpose"] = purpose
    return api.post(f"/api/v1/profiles/{name}/view", body, format="json")


@responses.activate
def test_a_valid_view_returns_the_allowed_data_and_the_status_per_source(authed_api, grant):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})

    response = view(authed_api)

    assert response.status_code == 200
    body = response.json()
    assert body["profile"] == "klantbeeld" and body["purpose"] == "klantcontact"
    assert body["subject"] == {"type": "bsn", "value": BSN}
    assert body["complete"] is True
    # naam.voornamen and geheimhouding were sent by the source but are not allowed: stripped.
    assert body["data"] == {
        "persoon": {
            "naam": {"volledigeNaam": "Suzanne Moulin"},
            "geboorte": {"datum": PERSOON["geboorte"]["datum"]},
            "verblijfplaats": {"verblijfadres": PERSOON["verblijfplaats"]["verblijfadres"]},
        }
    }
    assert body["sources"]["brp"]["status"] == "ok"
    assert body["sources"]["brp"]["durationMs"] >= 0
    assert body["sources"]["brp"]["retrievedAt"]
    assert response["API-Version"] == "1.0.0"
    sent = json.loads(responses.calls[0].request.body)
    assert sent["fields"] == ["burgerservicenummer", "naam.volledigeNaam", "geboorte.datum", "verblijfplaats.verblijfadres"]


def test_no_token_is_401_problem_json(api, profile):
    response = view(api)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_a_wrong_token_is_401(api, grant):
    api.credentials(HTTP_AUTHORIZATION="Token iko_wrong")
    assert view(api).status_code == 401


def test_a_disabled_client_is_401(authed_api, grant, api_client_with_token):
    api_client_with_token.enabled = False
    api_client_with_token.save()
    assert view(authed_api).status_code == 401


def test_an_unknown_profile_is_404_problem_json(authed_api, grant):
    response = view(authed_api, name="nope")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "nope" in response.json()["detail"]


def test_a_draft_profile_is_404(authed_api, grant, profile):
    profile.status = profile.Status.DRAFT
    profile.save()
    assert view(authed_api).status_code == 404


@responses.activate
def test_no_grant_is_403_with_zero_outgoing_calls_and_a_denial_record(authed_api, profile, purpose):
    response = view(authed_api)

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert len(responses.calls) == 0
    record = ProcessingRecord.objects.get()
    assert record.outcome == "denied" and record.http_status == 403
    assert record.subject_pseudonym == subject_pseudonym(subject_type="bsn", value=BSN)


@responses.activate
def test_a_grant_for_another_purpose_does_not_allow_this_one(authed_api, grant):
    from profiles.models import Purpose

    Purpose.objects.create(code="handhaving", name="Handhaving")
    response = view(authed_api, purpose="handhaving")
    assert response.status_code == 403
    assert len(responses.calls) == 0


@responses.activate
def test_a_disabled_grant_denies(authed_api, grant):
    grant.enabled = False
    grant.save()
    assert view(authed_api).status_code == 403
    assert len(responses.calls) == 0


@pytest.mark.parametrize("bsn", ["999993654", "12345678", "abcdefghi", "0000000000", "", "000000000"])
@responses.activate
def test_an_invalid_bsn_is_400_problem_json_and_calls_nothing(authed_api, grant, bsn):
    response = view(authed_api, bsn=bsn)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] and problem["detail"]
    assert problem["invalidParams"][0]["name"].startswith("subject")
    assert len(responses.calls) == 0
    assert ProcessingRecord.objects.count() == 0


@pytest.mark.parametrize("body", [{}, {"subject": "999993653"}, {"subject": {"type": "passport", "value": "x"}}, [1, 2]])
def test_a_malformed_body_is_400_problem_json(authed_api, grant, body):
    response = authed_api.post("/api/v1/profiles/klantbeeld/view", body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_invalid_json_is_400_problem_json(authed_api, grant):
    response = authed_api.post("/api/v1/profiles/klantbeeld/view", "{nope", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


@responses.activate
def test_without_a_purpose_the_clients_default_purpose_is_used(authed_api, grant, api_client_with_token, purpose):
    api_client_with_token.default_purpose = purpose
    api_client_with_token.save()
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})

    response = view(authed_api, purpose=None)

    assert response.status_code == 200
    assert response.json()["purpose"] == "klantcontact"


def test_without_a_purpose_and_no_default_it_is_400(authed_api, grant):
    response = view(authed_api, purpose=None)
    assert response.status_code == 400
    assert response.json()["code"] == "purpose-missing"


@responses.activate
def test_a_person_not_in_the_brp_is_a_complete_view_with_not_found(authed_api, grant):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": []})

    body = view(authed_api).json()

    assert body["complete"] is True
    assert body["data"] == {"persoon": None}
    assert body["sources"]["brp"]["status"] == "not_found"


@responses.activate
def test_when_the_only_source_fails_the_answer_is_502_problem_json_with_source_status(authed_api, grant):
    responses.post(PERSONEN_URL, status=503)

    response = view(authed_api)

    assert response.status_code == 502
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["sources"]["brp"]["status"] == "error"
    assert ProcessingRecord.objects.get().outcome == "failed"


@responses.activate
def test_one_failing_source_gives_a_partial_view(authed_api, grant, profile, brp_service):
    from connectors.models import Source
    from profiles.models import Relation

    other = Source.objects.create(name="brp-backup", connector="brp", service=brp_service, enabled=False)
    Relation.objects.create(profile=profile, name="reserve", source=other, operation="RaadpleegMetBurgerservicenummer", fields=["naam"])
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})

    response = view(authed_api)

    assert response.status_code == 200
    body = response.json()
    assert body["complete"] is False
    assert body["sources"]["brp"]["status"] == "ok"
    assert body["sources"]["brp-backup"]["status"] == "skipped"
    assert body["data"]["persoon"]["naam"] == {"volledigeNaam": "Suzanne Moulin"}
    assert ProcessingRecord.objects.get().outcome == "partial"


@responses.activate
def test_server_timing_lists_each_call_with_what_it_waited_for_and_no_data_when_switched_on(
    authed_api, grant, profile, brp_service, settings
):
    from connectors.models import Source
    from profiles.models import Relation

    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})
    persoon = Relation.objects.get(profile=profile, name="persoon")
    Relation.objects.create(profile=profile, parent=persoon, name="opnieuw", source=Source.objects.get(name="brp"),
                            operation="RaadpleegMetBurgerservicenummer", input_expression="{bsn: .burgerservicenummer}",
                            fields=["naam.volledigeNaam"])
    assert "Server-Timing" not in view(authed_api)  # off by default

    settings.IKO_SERVER_TIMING = True
    response = view(authed_api)

    first, second = response["Server-Timing"].split(", ")
    assert first.startswith('c0;desc="persoon brp";start=') and ";dur=" in first and "after" not in first
    assert second.startswith('c1;desc="opnieuw brp";start=') and second.endswith(';after="c0"')
    assert BSN not in response["Server-Timing"]


@responses.activate
def test_exactly_one_processing_record_per_request_and_no_source_data_in_it(authed_api, grant):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})

    view(authed_api, onBehalfOf="medewerker-42", HTTP_TRACEPARENT="")
    view(authed_api)

    records = list(ProcessingRecord.objects.order_by("id"))
    assert len(records) == 2
    record = records[0]
    assert record.outcome == "complete" and record.http_status == 200
    assert record.actor == "api-client:Case system"
    assert record.on_behalf_of == "medewerker-42"
    assert record.purpose_code == "klantcontact"
    assert record.processing_activity_id == "https://register.example.org/va/1"
    assert record.profile_name == "klantbeeld"
    assert record.subject_type == "bsn"
    assert record.subject_pseudonym == subject_pseudonym(subject_type="bsn", value=BSN)
    assert record.sources == {"brp": "ok"}
    assert "persoon.naam.volledigeNaam" in record.fields_released
    assert len(record.trace_id) == 32 and len(record.span_id) == 16
    stored = json.dumps([getattr(record, f.attname) for f in record._meta.fields], default=str)
    for secret in (BSN, "Suzanne", "Moulin", "Boterdiep", "3077AW", "1985"):
        assert secret not in stored


@responses.activate
def test_a_callers_traceparent_is_continued(authed_api, grant):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"

    response = authed_api.post(
        "/api/v1/profiles/klantbeeld/view",
        {"subject": {"type": "bsn", "value": BSN}, "purpose": "klantcontact"},
        format="json",
        HTTP_TRACEPARENT=f"00-{trace_id}-00f067aa0ba902b7-01",
    )

    assert response.json()["traceId"] == trace_id
    assert ProcessingRecord.objects.get().trace_id == trace_id


@responses.activate
def test_when_the_processing_log_cannot_be_written_no_personal_data_goes_out(authed_api, grant, monkeypatch):
    from django.db import DatabaseError

    from profiles.processing_log import sinks

    def broken(connection, fields):
        raise DatabaseError("disk full")

    monkeypatch.setattr(sinks, "_insert", broken)  # the INSERT of the record fails
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [PERSOON]})

    response = view(authed_api)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert "Suzanne" not in response.content.decode()


def test_the_profile_list_shows_only_granted_profiles_and_purposes(authed_api, grant):
    from profiles.models import Profile

    Profile.objects.create(name="other", title="Other", subject_types=["bsn"], status="active")
    body = authed_api.get("/api/v1/profiles").json()
    assert body == {
        "profiles": [
            {"name": "klantbeeld", "title": "Klantbeeld", "description": "", "subjectTypes": ["bsn"], "purposes": ["klantcontact"]}
        ]
    }


def test_the_openapi_document_is_published_and_describes_the_view(api):
    response = api.get("/api/v1/openapi.yaml")
    assert response.status_code == 200
    text = response.content.decode()
    assert "openapi: 3" in text and "/api/v1/profiles/{name}/view" in text


def test_the_docs_page_is_served(api):
    response = api.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_an_unknown_api_path_is_a_404_problem(api):
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_trailing_slash_is_not_redirected(authed_api, grant):
    response = authed_api.post("/api/v1/profiles/klantbeeld/view/", {}, format="json")
    assert response.status_code == 404


def test_the_profile_schema_describes_the_released_fields(authed_api, grant):
    schema = authed_api.get("/api/v1/profiles/klantbeeld/schema").json()

    persoon = schema["properties"]["data"]["properties"]["persoon"]
    shape = persoon["anyOf"][0]
    assert shape["type"] == "object"
    assert set(shape["properties"]) == {"naam", "geboorte", "verblijfplaats"}
    assert "volledigeNaam" in shape["properties"]["naam"]["properties"]


def test_the_profile_schema_is_not_shown_without_a_grant(authed_api, profile):
    assert authed_api.get("/api/v1/profiles/klantbeeld/schema").status_code == 404


@pytest.mark.parametrize("on_behalf_of", [
    "medewerker-42\r\nactor: api-client:admin", "medewerker\n42", "medewerker\t42",
    "medewerker-\u202e24", "\u2066medewerker\u2069", "medewerker\u2028", "medewerker\x00",
])
@responses.activate
def test_an_on_behalf_of_with_line_breaks_or_bidirectional_controls_is_a_400_and_fetches_nothing(
        authed_api, grant, on_behalf_of):
    from profiles.models import ProcessingRecord

    response = authed_api.post("/api/v1/profiles/klantbeeld/view", {
        "subject": {"type": "bsn", "value": "999993653"}, "purpose": "klantcontact", "onBehalfOf": on_behalf_of,
    }, format="json")

    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["invalidParams"][0]["name"] == "onBehalfOf"
    assert len(responses.calls) == 0 and ProcessingRecord.objects.count() == 0


@responses.activate
def test_an_ordinary_on_behalf_of_with_accents_and_spaces_is_taken(authed_api, grant):
    from profiles.models import ProcessingRecord

    responses.post("https://brp.example.org/haalcentraal/api/brp/personen",
                   json={"type": "RaadpleegMetBurgerservicenummer", "personen": []})

    response = authed_api.post("/api/v1/profiles/klantbeeld/view", {
        "subject": {"type": "bsn", "value": "999993653"}, "purpose": "klantcontact", "onBehalfOf": "José Müller ",
    }, format="json")

    assert response.status_code == 200
    assert ProcessingRecord.objects.get().on_behalf_of == "José Müller"
