"""The Valtimo front door reaches an operation only about the subject the processing record names
(checked by the connector) or as a search action: a caller's parameter never stands in for the
relation tree's input expression (profiles/services/endpoints.py, `endpoint_route`)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import responses

from profiles.models import ProcessingRecord, Relation
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.tests.search_fixtures import *  # noqa: F401,F403 (fixtures)
from profiles.tests.search_fixtures import BAG_ROOT, BSN, PERSONEN_URL, SUZANNE

PROBLEM = "application/problem+json"
ZAKEN_ROOT = "https://openzaak.example.nl/zaken/api/v1/"
SOMEONE_ELSES_ZAAK = ZAKEN_ROOT + "zaken/0f0e4a7c-4c68-4b7e-9a43-4f7c9a1d2b3e"
NUMMERAANDUIDING = "0599200000219678"


@pytest.fixture
def default_purpose(api_client_with_token, purpose):
    api_client_with_token.default_purpose = purpose
    api_client_with_token.save()
    return purpose


@pytest.fixture
def zaken_source(db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    service = Service.objects.create(
        label="Zaken", slug="zaken", api_type=APITypes.zrc, api_root=ZAKEN_ROOT, auth_type=AuthTypes.zgw,
        client_id="iko", secret="zgw-test-secret-of-at-least-32-bytes!", timeout=5,
    )
    return Source.objects.create(name="zaken", connector="zaken", service=service, timeout=2.0)


@pytest.fixture
def tree(profile, grant, default_purpose, zaken_source, bag_source):
    """Klantbeeld with children that take an object's id from the person's data: a zaak by URL and
    the BAG address by nummeraanduiding."""
    persoon = profile.relations.get()
    Relation.objects.create(profile=profile, parent=persoon, name="zaak", source=zaken_source, operation="zaak",
                            input_expression="{url: .zaakUrl}", fields=["identificatie", "omschrijving"])
    Relation.objects.create(profile=profile, parent=persoon, name="bagAdres", source=bag_source, operation="adres",
                            input_expression="{nummeraanduidingIdentificatie: .verblijfplaats.nummeraanduidingIdentificatie}",
                            fields=["openbareRuimteNaam", "huisnummer"])
    return profile


def refused_and_logged(response, reason: str) -> ProcessingRecord:
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == PROBLEM and response.json()["code"] == reason
    assert len(responses.calls) == 0
    record = ProcessingRecord.objects.get()
    assert record.action == "endpoint" and record.outcome == "denied" and record.reason == reason
    return record


@responses.activate
def test_a_zaak_by_its_url_is_refused_on_the_front_door_and_the_refusal_is_logged(authed_api, tree):
    response = authed_api.get(f"/endpoints/zaken/zaken/zaak?url={quote(SOMEONE_ELSES_ZAAK, safe='')}")

    record = refused_and_logged(response, "not-subject-bound")
    assert "use the profile's view" in response.json()["detail"]
    assert record.subject_type == "search" and SOMEONE_ELSES_ZAAK not in str(record.__dict__)


@responses.activate
def test_an_object_id_in_the_path_is_refused_too(authed_api, tree):
    response = authed_api.get("/endpoints/zaken/zaken/zaak/0f0e4a7c-4c68-4b7e-9a43-4f7c9a1d2b3e")

    refused_and_logged(response, "not-subject-bound")


@responses.activate
def test_a_bag_address_by_nummeraanduiding_is_refused_on_the_front_door(authed_api, tree):
    response = authed_api.get(f"/endpoints/bag/bag/adres?nummeraanduidingIdentificatie={NUMMERAANDUIDING}")

    refused_and_logged(response, "not-subject-bound")


@responses.activate
def test_the_same_address_search_is_reachable_as_a_search_action(authed_api, grant, default_purpose, person_searches):
    responses.get(BAG_ROOT + "adressen", json={"_embedded": {"adressen": []}})

    response = authed_api.get("/endpoints/bag/bag/adres_zoeken?postcode=3077AW&huisnummer=31")

    assert response.status_code == 200, response.content
    assert ProcessingRecord.objects.get().subject_type == "search"


@responses.activate
def test_a_search_action_cannot_be_called_without_its_required_criteria(authed_api, default_purpose, company_profile):
    # plaats is a criterion of the search by name, whose required naam is missing: not that search.
    response = authed_api.get("/endpoints/kvk/kvk/zoeken?plaats=Rotterdam")

    refused_and_logged(response, "not-subject-bound")


@responses.activate
def test_a_call_about_the_subject_names_that_subject_in_the_record(authed_api, tree):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})

    response = authed_api.get(f"/endpoints/brp/brp/RaadpleegMetBurgerservicenummer?bsn={BSN}")

    assert response.status_code == 200, response.content
    record = ProcessingRecord.objects.get()
    assert record.outcome == "complete"
    assert record.subject_pseudonym == subject_pseudonym(subject_type="bsn", value=BSN)


@responses.activate
def test_two_subjects_in_one_call_are_a_400_problem(authed_api, tree):
    response = authed_api.get("/endpoints/brp/brp/RaadpleegMetBurgerservicenummer?bsn=999993653&bsn=999993847")

    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert response.json()["invalidParams"][0]["name"] == "bsn"
    assert len(responses.calls) == 0
