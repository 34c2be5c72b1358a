"""The reference IKO Server's other profile paths and parameters on the Valtimo front door:
`/aggregated-data-profiles/{name}/schema` narrowed to the caller's grant, an unknown subject as a
404 problem, and `id` and `containerParam` handed to the profile's JQ expressions as `$idParam`,
`$sortParams` and `$filterParams` (beside IKO's own paging, which steps aside when the profile
pages itself)."""

from __future__ import annotations

import base64
import json

import pytest
import responses

from profiles.models import Grant, ProcessingRecord, Relation

TOKEN = "iko_test_token_for_the_suite"  # conftest.TOKEN
PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
BSN = "999993653"
KINDEREN = [{"burgerservicenummer": f"99999001{i}", "naam": {"voornamen": name}} for i, name in
            enumerate(["Anna", "Bram", "Cees", "Dirk"], start=1)]
SUZANNE = {"burgerservicenummer": BSN, "naam": {"volledigeNaam": "Suzanne Moulin"}, "kinderen": KINDEREN,
           "geboorte": {"datum": {"type": "Datum", "datum": "1985-12-01"}}}


@pytest.fixture(autouse=True)
def _fresh_grant_cache():
    from profiles.access.grants import grant_cache_clear

    grant_cache_clear()
    yield
    grant_cache_clear()


@pytest.fixture
def valtimo_grant(grant, purpose, api_client_with_token):
    api_client_with_token.default_purpose = purpose
    api_client_with_token.save()
    return grant


def get(client, path: str):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def container_param(container_id: str, page: int, size: int, filters: dict | None = None) -> str:
    document = {"containerId": container_id, "filters": filters or {},
                "pageable": {"pageNumber": page, "pageSize": size, "sort": {"sorted": False, "unsorted": True}}}
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode()


# --- the schema -------------------------------------------------------------------------------

def test_the_schema_path_describes_the_front_door_answer_with_iko_s_status_beside_it(client, valtimo_grant, profile):
    response = get(client, "/aggregated-data-profiles/klantbeeld/schema")

    assert response.status_code == 200, response.content
    schema = response.json()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["properties"]) == {"persoon", "_iko"}
    persoon = schema["properties"]["persoon"]["anyOf"][0]
    assert set(persoon["properties"]) == {"naam", "geboorte", "verblijfplaats"}
    assert "klantcontact" in schema["title"]
    assert ProcessingRecord.objects.count() == 0  # no personal data, no record


def test_the_schema_holds_only_what_a_narrowed_grant_releases(client, valtimo_grant, profile):
    valtimo_grant.fields = ["persoon.naam"]
    valtimo_grant.save()

    schema = get(client, "/aggregated-data-profiles/klantbeeld/schema").json()

    persoon = schema["properties"]["persoon"]["anyOf"][0]
    assert persoon["properties"] == {"naam": {"type": "object", "properties": {
        "volledigeNaam": {"description": "Source field naam.volledigeNaam."}}}}


def test_the_schema_is_refused_without_a_grant_and_unknown_for_a_profile_that_does_not_exist(
        client, api_client_with_token, profile):
    refused = get(client, "/aggregated-data-profiles/klantbeeld/schema")
    missing = get(client, "/aggregated-data-profiles/bestaat-niet/schema")

    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert missing.status_code == 404 and missing.json()["code"] == "profile-not-found"


# --- an unknown subject -----------------------------------------------------------------------

@responses.activate
def test_a_subject_the_profile_s_sources_do_not_know_is_a_404_problem(client, valtimo_grant, profile):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": []})

    response = get(client, "/aggregated-data-profiles/klantbeeld?id=999990019")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "subject-not-found"
    assert response.json()["sources"]["brp"]["status"] == "not_found"


def test_an_invalid_id_is_a_400_naming_id_and_nothing_is_fetched(client, valtimo_grant, profile):
    response = get(client, "/aggregated-data-profiles/klantbeeld?id=12345")

    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["id"]


# --- the reference server's transform context -------------------------------------------------

@responses.activate
def test_id_and_container_param_reach_the_profile_s_transform_as_variables(client, valtimo_grant, profile):
    profile.output_transform = ("{persoon, context: {id: $idParam, sort: $sortParams, filter: $filterParams}}")
    profile.save()
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})
    param = container_param("kinderen", 1, 2, {"naam.voornamen~": "a"})

    response = get(client, f"/aggregated-data-profiles/klantbeeld?id={BSN}&containerParam={param}")

    assert response.status_code == 200, response.content
    assert response.json()["context"] == {
        "id": BSN, "sort": {"kinderen": {"pageNumber": 1, "pageSize": 2}},
        "filter": {"kinderen": {"naam.voornamen~": "a"}},
    }


@responses.activate
def test_a_profile_that_pages_with_sort_params_is_not_paged_again_by_the_front_door(client, valtimo_grant, profile):
    Relation.objects.filter(profile=profile).update(fields=["naam.volledigeNaam", "kinderen"])
    profile.output_transform = (
        "(($sortParams.kinderen.pageSize // 100)) as $size | (($sortParams.kinderen.pageNumber // 0) * $size) as $from"
        " | {persoon: (.persoon | .kinderen = {content: .kinderen[$from:$from + $size],"
        " totalElements: (.kinderen | length)})}"
    )
    profile.save()
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})

    first = get(client, f"/aggregated-data-profiles/klantbeeld?id={BSN}&containerParam={container_param('kinderen', 1, 2)}")

    kinderen = first.json()["persoon"]["kinderen"]
    assert kinderen["totalElements"] == 4
    assert [k["naam"]["voornamen"] for k in kinderen["content"]] == ["Cees", "Dirk"]


@responses.activate
def test_identical_widget_calls_with_other_container_params_are_computed_apart(client, valtimo_grant, profile):
    profile.output_transform = "{persoon, page: $sortParams.kinderen.pageNumber}"
    profile.save()
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})

    pages = [get(client, f"/aggregated-data-profiles/klantbeeld?id={BSN}&containerParam={container_param('kinderen', n, 2)}")
             .json()["page"] for n in (0, 1)]

    assert pages == [0, 1]


def test_an_expression_may_use_the_request_variables_and_an_unknown_variable_is_refused_on_save(profile):
    from django.core.exceptions import ValidationError

    relation = Relation.objects.get(profile=profile)
    relation.output_transform = "{naam: .naam, gevraagd: $idParam}"
    relation.full_clean()
    relation.output_transform = "{naam: .naam, gevraagd: $onbekend}"
    with pytest.raises(ValidationError):
        relation.full_clean()
    assert Grant.objects.count() == 0
