"""The Valtimo front door (`/aggregated-data-profiles/...`, `/endpoints/...`): answers, problems,
grants, field minimisation, processing records, the OpenAPI document, and no BSN in the logs."""

from __future__ import annotations

import base64
import json
import logging

import pytest
import responses

from profiles.models import ProcessingRecord, Relation
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.tests.search_fixtures import *  # noqa: F401,F403 (fixtures)
from profiles.tests.search_fixtures import BSN, KVK_NUMMER, PERSONEN_URL, SUZANNE, ZOEKEN_URL, resultaat, zoeken

PROBLEM = "application/problem+json"
RAADPLEEG = {"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]}


@pytest.fixture
def default_purpose(api_client_with_token, purpose):
    """Valtimo names no purpose: the client's default purpose applies."""
    api_client_with_token.default_purpose = purpose
    api_client_with_token.save()
    return purpose


def container_param(document) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode()


# --- GET /aggregated-data-profiles/{name} -------------------------------------------------------------

@responses.activate
def test_a_profile_view_answers_the_data_at_the_root_with_iko_s_status_aside(authed_api, grant, default_purpose):
    responses.post(PERSONEN_URL, json=RAADPLEEG)

    response = authed_api.get(f"/aggregated-data-profiles/klantbeeld?id={BSN}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["persoon"]["naam"] == {"volledigeNaam": "Suzanne Moulin"}
    assert body["_iko"]["complete"] is True and body["_iko"]["sources"]["brp"]["status"] == "ok"
    assert body["_iko"]["purpose"] == "klantcontact"
    assert response["IKO-Trace-Id"] == body["_iko"]["traceId"] and response["IKO-Complete"] == "true"
    assert "geheimhoudingPersoonsgegevens" not in response.content.decode()
    record = ProcessingRecord.objects.get()
    assert record.action == "view" and record.outcome == "complete"
    assert record.subject_pseudonym == subject_pseudonym(subject_type="bsn", value=BSN)


@responses.activate
def test_the_older_path_with_the_id_as_a_segment_works_too(authed_api, grant, default_purpose):
    responses.post(PERSONEN_URL, json=RAADPLEEG)
    response = authed_api.get(f"/aggregated-data-profiles/klantbeeld/{BSN}")
    assert response.status_code == 200 and response.json()["persoon"]["naam"]["volledigeNaam"] == "Suzanne Moulin"


@responses.activate
def test_a_container_param_pages_and_filters_the_named_collection(authed_api, grant, default_purpose, profile, brp_source):
    Relation.objects.filter(profile=profile).update(fields=["naam.volledigeNaam", "kinderen"])
    kinderen = [{"burgerservicenummer": str(n), "naam": {"voornamen": v}, "geboorte": {"datum": {"datum": d}}}
                for n, v, d in [(1, "Anna", "2010-01-01"), (2, "Bram", "2012-06-01"), (3, "Cas", "2015-03-01")]]
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [{**SUZANNE, "kinderen": kinderen}]})
    param = container_param({"containerId": "kinderen", "pageable": {"pageNumber": 0, "pageSize": 1},
                             "filters": {"geboorte.datum>=": "2011-01-01"}})

    response = authed_api.get(f"/aggregated-data-profiles/klantbeeld?id={BSN}&containerParam={param}")

    assert response.status_code == 200, response.content
    assert response.json()["persoon"]["kinderen"] == {
        "content": [kinderen[1]], "totalElements": 2, "totalPages": 2, "number": 0, "size": 1,
    }


@pytest.mark.parametrize("param", ["%%%", "bm90IGpzb24", container_param({"pageable": {}}), container_param({"containerId": "x", "pageable": {"pageSize": -1}})])
@responses.activate
def test_an_unreadable_container_param_is_a_400_problem_and_nothing_is_fetched(authed_api, grant, default_purpose, param):
    response = authed_api.get(f"/aggregated-data-profiles/klantbeeld?id={BSN}&containerParam={param}")

    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert response.json()["invalidParams"][0]["name"] == "containerParam[0]"
    assert len(responses.calls) == 0


@pytest.mark.parametrize(("query", "code"), [("", "id-missing"), ("?id=999993654", "invalid-subject"), ("?id=1&id=2", "invalid")])
@responses.activate
def test_a_missing_or_invalid_id_is_a_400_problem(authed_api, grant, default_purpose, query, code):
    response = authed_api.get(f"/aggregated-data-profiles/klantbeeld{query}")
    assert response.status_code == 400 and response.json()["code"] == code
    assert len(responses.calls) == 0


def test_an_unknown_profile_is_a_404_problem(authed_api, grant, default_purpose):
    response = authed_api.get(f"/aggregated-data-profiles/nope?id={BSN}")
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM


def test_without_a_token_the_front_door_is_401(api, grant):
    assert api.get(f"/aggregated-data-profiles/klantbeeld?id={BSN}").status_code == 401
    assert api.get(f"/endpoints/brp/brp/RaadpleegMetBurgerservicenummer/{BSN}").status_code == 401


def test_without_a_default_purpose_the_view_is_a_400_problem(authed_api, grant):
    response = authed_api.get(f"/aggregated-data-profiles/klantbeeld?id={BSN}")
    assert response.status_code == 400 and response.json()["code"] == "purpose-missing"


@responses.activate
def test_without_a_grant_the_view_is_403_and_the_denial_is_logged(authed_api, default_purpose, profile):
    response = authed_api.get(f"/aggregated-data-profiles/klantbeeld?id={BSN}")

    assert response.status_code == 403 and len(responses.calls) == 0
    assert ProcessingRecord.objects.get().outcome == "denied"


@responses.activate
def test_when_every_source_fails_the_view_is_a_502_problem(authed_api, grant, default_purpose):
    responses.post(PERSONEN_URL, status=500)
    response = authed_api.get(f"/aggregated-data-profiles/klantbeeld?id={BSN}")
    assert response.status_code == 502 and response.json()["sources"]["brp"]["status"] == "error"


# --- GET /endpoints/{connectorTag}/{instanceTag}/{operation}[/{id}] ------------------------------------

@responses.activate
def test_a_detail_call_answers_the_source_object_with_only_the_fields_a_granted_profile_releases(authed_api, grant, default_purpose):
    responses.post(PERSONEN_URL, json=RAADPLEEG)

    response = authed_api.get(f"/endpoints/brp/brp/RaadpleegMetBurgerservicenummer/{BSN}")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "naam": {"volledigeNaam": "Suzanne Moulin"},
        "geboorte": {"datum": SUZANNE["geboorte"]["datum"]},
        "verblijfplaats": {"verblijfadres": SUZANNE["verblijfplaats"]["verblijfadres"]},
    }
    sent = json.loads(responses.calls[0].request.body)
    assert sent["fields"] == ["burgerservicenummer", "naam.volledigeNaam", "geboorte.datum", "verblijfplaats.verblijfadres"]
    record = ProcessingRecord.objects.get()
    assert record.action == "endpoint" and record.profile_name == "klantbeeld" and record.outcome == "complete"
    assert record.subject_pseudonym == subject_pseudonym(subject_type="bsn", value=BSN)


@responses.activate
def test_a_search_call_answers_the_rows_as_the_first_array(authed_api, default_purpose, company_profile, api_client_with_token):
    api_client_with_token.default_purpose = default_purpose
    responses.get(ZOEKEN_URL, json=zoeken([resultaat()]))

    response = authed_api.get(f"/endpoints/kvk/kvk/zoeken?kvkNummer={KVK_NUMMER}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == ["type", "results", "totalElements"]
    # Released: what the profile's relation and search actions on this operation release.
    assert body["results"] == [{"kvkNummer": KVK_NUMMER, "naam": "Bakkerij Vogel",
                                "adres": {"binnenlandsAdres": {"plaats": "Rotterdam"}}}]
    assert responses.calls[0].request.params["kvkNummer"] == KVK_NUMMER
    assert ProcessingRecord.objects.get().subject_type == "kvk"


@pytest.mark.parametrize("query", ["?kvknummer=90004760", "?naam=Vogel&sbi=1234"])
@responses.activate
def test_a_parameter_the_operation_does_not_declare_is_refused_not_dropped(authed_api, default_purpose, company_profile, query):
    response = authed_api.get(f"/endpoints/kvk/kvk/zoeken{query}")

    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert response.json()["invalidParams"][0]["code"] == "unknown"
    assert len(responses.calls) == 0


@pytest.mark.parametrize("path", ["/endpoints/kvk/nope/zoeken", "/endpoints/brp/kvk/zoeken", "/endpoints/kvk/kvk/verwijderen"])
def test_an_unknown_source_or_operation_is_404(authed_api, default_purpose, company_profile, path):
    assert authed_api.get(path).status_code == 404


@responses.activate
def test_an_operation_no_granted_profile_uses_is_403_and_logged(authed_api, default_purpose, company_profile):
    response = authed_api.get(f"/endpoints/kvk/kvk/basisprofiel/{KVK_NUMMER}")

    assert response.status_code == 403 and len(responses.calls) == 0
    record = ProcessingRecord.objects.get()
    assert record.action == "endpoint" and record.outcome == "denied"


def test_an_invalid_identifier_is_a_400_problem(authed_api, grant, default_purpose):
    response = authed_api.get("/endpoints/brp/brp/RaadpleegMetBurgerservicenummer/123456789")
    assert response.status_code == 400 and response.json()["invalidParams"][0]["name"] == "id"


@responses.activate
def test_a_detail_call_for_someone_the_source_does_not_know_is_404(authed_api, grant, default_purpose):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": []})
    response = authed_api.get(f"/endpoints/brp/brp/RaadpleegMetBurgerservicenummer/{BSN}")
    assert response.status_code == 404 and response.json()["sources"]["brp"]["status"] == "not_found"


# --- no BSN in the logs --------------------------------------------------------------------------------

@responses.activate
def test_django_s_request_log_of_a_failed_front_door_call_holds_no_bsn(authed_api, grant, default_purpose, caplog):
    responses.post(PERSONEN_URL, status=500)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        authed_api.get(f"/endpoints/brp/brp/RaadpleegMetBurgerservicenummer/{BSN}")
        authed_api.get(f"/aggregated-data-profiles/klantbeeld/{BSN}")
        authed_api.get(f"/aggregated-data-profiles/klantbeeld?id={BSN}&containerParam=abc")

    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "/endpoints/brp/brp/RaadpleegMetBurgerservicenummer/{id}" in text
    assert BSN not in text


def test_the_development_server_s_access_line_is_redacted():
    from api.valtimo import RedactFrontDoorUrls

    record = logging.LogRecord("django.server", logging.ERROR, __file__, 1, '"%s" %s %s',
                               (f"GET /aggregated-data-profiles/klantbeeld?id={BSN}&containerParam=eyJ9 HTTP/1.1", "502", "12"), None)
    RedactFrontDoorUrls().filter(record)
    assert record.getMessage() == '"GET /aggregated-data-profiles/klantbeeld?[redacted] HTTP/1.1" 502 12'
    assert any(isinstance(f, RedactFrontDoorUrls) for f in logging.getLogger("django.server").filters)


# --- the OpenAPI document ------------------------------------------------------------------------------

def test_the_openapi_document_describes_search_and_the_front_door(api):
    import yaml

    response = api.get("/api/v1/openapi.yaml")
    document = yaml.safe_load(response.content)
    paths = document["paths"]
    for path in (
        "/api/v1/profiles/{name}/search", "/api/v1/profiles/{name}/search/{action}",
        "/aggregated-data-profiles/{name}", "/aggregated-data-profiles/{name}/{identifier}",
        "/endpoints/{connector_tag}/{instance_tag}/{operation}",
        "/endpoints/{connector_tag}/{instance_tag}/{operation}/{identifier}",
    ):
        assert path in paths, path
    parameters = {p["name"]: p for p in paths["/aggregated-data-profiles/{name}"]["get"]["parameters"]}
    assert parameters["containerParam"]["schema"]["type"] == "array"
    assert "criteria" in json.dumps(paths["/api/v1/profiles/{name}/search/{action}"]["post"]["requestBody"])
