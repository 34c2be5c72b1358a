"""`GET /api/v1/profiles/{name}/search` and `POST /api/v1/profiles/{name}/search/{action}`:
discovery of the search form, criteria in the body, problem details, grants and the log."""

from __future__ import annotations

import json

import pytest
import responses

from profiles.models import ProcessingRecord
from profiles.tests.search_fixtures import *  # noqa: F401,F403 (fixtures)
from profiles.tests.search_fixtures import BSN, PERSONEN_URL, SUZANNE

PROBLEM = "application/problem+json"


def post_search(api, action="op-naam", criteria=None, name="klantbeeld", **extra):
    body = {"criteria": {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"} if criteria is None else criteria,
            "purpose": "klantcontact", **extra}
    return api.post(f"/api/v1/profiles/{name}/search/{action}", body, format="json")


def test_a_client_with_a_grant_discovers_the_search_actions_to_build_its_form(authed_api, grant, person_searches):
    response = authed_api.get("/api/v1/profiles/klantbeeld/search")

    assert response.status_code == 200
    body = response.json()
    assert body["profile"] == "klantbeeld"
    assert [a["name"] for a in body["searchActions"]] == ["op-bsn", "op-naam", "op-adres", "adressen"]
    op_naam = body["searchActions"][1]
    assert op_naam["criteria"][1] == {"name": "geboortedatum", "label": "Geboortedatum", "type": "date", "required": True}
    assert op_naam["columns"][1] == {"name": "naam", "label": "Naam", "field": "naam.volledigeNaam"}
    assert op_naam["identifier"] == {"column": "bsn", "subjectType": "bsn"}
    assert response["API-Version"] == "1.0.0"


def test_without_a_grant_the_searches_of_a_profile_are_not_found(authed_api, person_searches):
    response = authed_api.get("/api/v1/profiles/klantbeeld/search")
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM


def test_without_a_token_searching_is_401(api, person_searches):
    assert post_search(api).status_code == 401
    assert api.get("/api/v1/profiles/klantbeeld/search").status_code == 401


@responses.activate
def test_a_search_answers_rows_with_the_declared_columns_and_the_status_of_the_source(authed_api, grant, person_searches):
    responses.post(PERSONEN_URL, json={"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "personen": [SUZANNE]})

    response = post_search(authed_api, onBehalfOf="medewerker-7")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["profile"] == "klantbeeld" and body["action"] == "op-naam" and body["purpose"] == "klantcontact"
    assert body["rows"] == [{"subject": {"type": "bsn", "value": BSN},
                             "values": {"bsn": BSN, "naam": "Suzanne Moulin", "geboortedatum": SUZANNE["geboorte"]["datum"]}}]
    assert body["sources"]["brp-zoeken"]["status"] == "ok"
    assert body["complete"] is True and body["truncated"] is False and body["total"] == 1
    record = ProcessingRecord.objects.get()
    assert record.action == "search" and record.on_behalf_of == "medewerker-7" and record.trace_id == body["traceId"]


@responses.activate
def test_the_row_s_subject_opens_the_detail_view(authed_api, grant, person_searches):
    responses.post(PERSONEN_URL, json={"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "personen": [SUZANNE]})
    row = post_search(authed_api).json()["rows"][0]
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})

    view = authed_api.post("/api/v1/profiles/klantbeeld/view", {"subject": row["subject"], "purpose": "klantcontact"}, format="json")

    assert view.status_code == 200 and view.json()["data"]["persoon"]["naam"] == {"volledigeNaam": "Suzanne Moulin"}


@responses.activate
def test_invalid_criteria_are_a_400_problem_with_invalid_params_and_nothing_is_called(authed_api, grant, person_searches):
    response = post_search(authed_api, criteria={"geslachtsnaam": "M", "geboortedatum": "1-12-1985"})

    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "invalid-criteria"
    assert {p["name"] for p in body["invalidParams"]} == {"criteria.geslachtsnaam", "criteria.geboortedatum"}
    assert len(responses.calls) == 0 and ProcessingRecord.objects.count() == 0


@pytest.mark.parametrize("payload", [
    {}, {"criteria": "Moulin"}, {"criteria": ["Moulin"]}, {"criteria": {}, "purpose": "x y"},
])
def test_a_malformed_body_is_a_400_problem(authed_api, grant, person_searches, payload):
    response = authed_api.post("/api/v1/profiles/klantbeeld/search/op-naam", payload, format="json")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert response.json()["invalidParams"]


@pytest.mark.parametrize("extra", [{"purpose": 12}, {"onBehalfOf": 999993653}])
@responses.activate
def test_a_number_where_the_schema_says_string_is_refused_not_turned_into_text(authed_api, grant, person_searches, extra):
    response = post_search(authed_api, **extra)
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert [p["name"] for p in response.json()["invalidParams"]] == list(extra)
    assert len(responses.calls) == 0


@pytest.mark.parametrize(("name", "action"), [("klantbeeld", "nope"), ("nope", "op-naam")])
def test_an_unknown_profile_or_search_action_is_404(authed_api, grant, person_searches, name, action):
    response = post_search(authed_api, action=action, name=name)
    assert response.status_code == 404 and response.json()["code"] == "search-action-not-found"


@responses.activate
def test_a_search_without_a_grant_is_403_calls_nothing_and_logs_the_denial(authed_api, purpose, person_searches):
    response = post_search(authed_api)

    assert response.status_code == 403 and response["Content-Type"] == PROBLEM
    assert len(responses.calls) == 0
    record = ProcessingRecord.objects.get()
    assert record.outcome == "denied" and record.action == "search" and record.subject_type == "search"


@responses.activate
def test_a_grant_for_another_purpose_does_not_allow_the_search(authed_api, grant, person_searches):
    from profiles.models import Purpose

    Purpose.objects.create(code="handhaving", name="Handhaving")
    response = authed_api.post("/api/v1/profiles/klantbeeld/search/op-naam",
                               {"criteria": {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"}, "purpose": "handhaving"},
                               format="json")
    assert response.status_code == 403 and len(responses.calls) == 0


def test_without_purpose_and_default_the_search_is_a_400(authed_api, grant, person_searches):
    response = authed_api.post("/api/v1/profiles/klantbeeld/search/op-naam",
                               {"criteria": {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"}}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "purpose-missing"


@responses.activate
def test_the_client_s_default_purpose_is_used_when_none_is_named(authed_api, grant, person_searches, api_client_with_token, purpose):
    api_client_with_token.default_purpose = purpose
    api_client_with_token.save()
    responses.post(PERSONEN_URL, json={"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "personen": []})

    response = authed_api.post("/api/v1/profiles/klantbeeld/search/op-naam",
                               {"criteria": {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"}}, format="json")

    assert response.status_code == 200 and response.json()["purpose"] == "klantcontact"


@responses.activate
def test_a_source_that_fails_gives_a_502_problem_with_the_source_status(authed_api, grant, person_searches):
    responses.post(PERSONEN_URL, status=503, json={"title": "onderhoud"})

    response = post_search(authed_api)

    assert response.status_code == 502 and response["Content-Type"] == PROBLEM
    assert response.json()["sources"]["brp-zoeken"]["status"] == "error"
    assert ProcessingRecord.objects.get().outcome == "failed"


@responses.activate
def test_when_the_log_cannot_be_written_no_rows_go_out(authed_api, grant, person_searches, monkeypatch):
    from profiles.processing_log import sinks as processing_log

    def broken(fields):
        raise processing_log.ProcessingLogUnavailable("OperationalError")

    monkeypatch.setattr(processing_log, "_database_write", broken)
    responses.post(PERSONEN_URL, json={"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "personen": [SUZANNE]})

    response = post_search(authed_api)

    assert response.status_code == 503 and "Moulin" not in response.content.decode()


@responses.activate
def test_criteria_never_appear_in_the_url_and_the_brp_receives_them_in_the_body(authed_api, grant, person_searches):
    responses.post(PERSONEN_URL, json={"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "personen": []})
    post_search(authed_api)
    request = responses.calls[0].request
    assert "Moulin" not in request.url
    assert json.loads(request.body)["geslachtsnaam"] == "Moulin"


def test_a_search_whose_on_behalf_of_holds_a_line_break_is_a_400(authed_api, grant, person_searches):
    response = authed_api.post("/api/v1/profiles/klantbeeld/search/op-bsn", {
        "criteria": {"bsn": "999993653"}, "purpose": "klantcontact", "onBehalfOf": "medewerker\r\n42",
    }, format="json")

    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "onBehalfOf"
