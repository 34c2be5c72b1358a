"""The Valtimo front door by the names a case system knows: a source by its tags, an operation by
its alias (the reference IKO Server's BRP `Personen`), the caller's parameter names and `fields`,
with what is sent to the BRP checked as well as what comes back; and every mistake a 400 problem
that names the parameter as the caller wrote it."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
import responses

from connectors.aliases import OperationAlias
from connectors.models import Source
from connectors.reference_aliases import ALIAS_KEYS, REFERENCE_ALIASES
from profiles.models import Grant, ProcessingRecord, Profile, Relation, SearchAction
from profiles.tests.search_fixtures import company_profile, kvk_source  # noqa: F401 (fixtures)

TOKEN = "iko_test_token_for_the_suite"  # conftest.TOKEN
PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
BSN = "999993653"
SUZANNE = {
    "burgerservicenummer": BSN,
    "naam": {"voornamen": "Suzanne", "geslachtsnaam": "Moulin", "volledigeNaam": "Suzanne Moulin"},
    "geboorte": {"datum": {"type": "Datum", "datum": "1985-12-01", "langFormaat": "1 december 1985"}},
    "verblijfplaats": {"verblijfadres": {"officieleStraatnaam": "Boterdiep", "huisnummer": 31}},
    "adressering": {"adresregel1": "Boterdiep 31", "adresregel2": "3077 AW  ROTTERDAM"},
}
COLUMNS = [{"name": "bsn", "field": "burgerservicenummer"}, {"name": "naam", "field": "naam.volledigeNaam"},
           {"name": "geboortedatum", "field": "geboorte.datum"}]


@pytest.fixture(autouse=True)
def _fresh_grant_cache():
    from profiles.access.grants import grant_cache_clear

    grant_cache_clear()
    yield
    grant_cache_clear()


@pytest.fixture
def gemeente_brp(brp_service):
    """A BRP source named as the municipality likes, answering on Valtimo's brp/brp1."""
    return Source.objects.create(name="gemeente-brp", connector="brp", service=brp_service, timeout=2.0,
                                 connector_tag="brp", instance_tag="brp1")


@pytest.fixture
def personen(gemeente_brp, purpose, api_client_with_token):
    profile = Profile.objects.create(name="Personen", title="Personen", subject_types=["bsn"],
                                     status=Profile.Status.ACTIVE)
    Relation.objects.create(profile=profile, name="persoon", source=gemeente_brp,
                            operation="RaadpleegMetBurgerservicenummer",
                            fields=["burgerservicenummer", "naam.volledigeNaam", "geboorte.datum",
                                    "verblijfplaats.verblijfadres"])
    for name, operation, criteria in (
        ("op-naam", "ZoekMetGeslachtsnaamEnGeboortedatum",
         [{"name": "geslachtsnaam", "type": "string", "required": True},
          {"name": "geboortedatum", "type": "date", "required": True}]),
        ("op-adres", "ZoekMetPostcodeEnHuisnummer",
         [{"name": "postcode", "type": "postcode", "required": True},
          {"name": "huisnummer", "type": "integer", "required": True},
          {"name": "huisletter", "type": "string"}, {"name": "huisnummertoevoeging", "type": "string"}]),
    ):
        SearchAction.objects.create(profile=profile, name=name, title=name, source=gemeente_brp, operation=operation,
                                    criteria=criteria, columns=COLUMNS, identifier_column="bsn", identifier_type="bsn")
    api_client_with_token.default_purpose = purpose
    api_client_with_token.save()
    Grant.objects.create(api_client=api_client_with_token, profile=profile, purpose=purpose)
    return profile


@pytest.fixture
def alias(gemeente_brp):
    """The reference server's `Personen`, plus Valtimo's address search (`ZoekMetAdres`, `toevoeging`)."""
    definition = REFERENCE_ALIASES["brp"][0]
    values = {attr: definition[key] for key, attr in ALIAS_KEYS.items()}
    values["selector_values"] = {"ZoekMetAdres": "ZoekMetPostcodeEnHuisnummer"}
    values["params"] = {**values["params"], "toevoeging": "huisnummertoevoeging"}
    alias = OperationAlias(source=gemeente_brp, name=definition["name"], **values)
    alias.full_clean()
    alias.save()
    return alias


def get(client, path: str, params: list[tuple[str, str]] | dict):
    query = urlencode(params)
    return client.get(f"{path}?{query}" if query else path, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def sent() -> dict:
    return json.loads(responses.calls[-1].request.body)


@responses.activate
def test_valtimo_s_bsn_search_reaches_the_source_by_its_tags_with_the_fields_asked_and_released(client, personen, alias):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})

    response = get(client, "/endpoints/brp/brp1/Personen", [
        ("fields", "burgerservicenummer,naam,geboorte,nationaliteiten,partners"),
        ("type", "RaadpleegMetBurgerservicenummer"), ("burgerservicenummer", BSN)])

    assert response.status_code == 200, response.content
    assert sent() == {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": [BSN],
                      "fields": ["burgerservicenummer", "naam.volledigeNaam", "geboorte.datum"]}
    body = response.json()
    assert body["type"] == "RaadpleegMetBurgerservicenummer" and body["totalElements"] == 1
    assert body["results"][0] == {"burgerservicenummer": BSN, "naam": {"volledigeNaam": "Suzanne Moulin"},
                                  "geboorte": {"datum": SUZANNE["geboorte"]["datum"]}}
    record = ProcessingRecord.objects.get()
    assert (record.action, record.outcome, record.profile_name) == ("endpoint", "complete", "Personen")


@responses.activate
def test_without_fields_and_type_the_alias_consults_by_bsn_and_releases_what_the_grant_releases(client, personen, alias):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})

    response = get(client, "/endpoints/brp/brp1/Personen", {"id": BSN})

    assert response.status_code == 200, response.content
    assert sent()["fields"] == ["burgerservicenummer", "naam.volledigeNaam", "geboorte.datum",
                                "verblijfplaats.verblijfadres"]
    assert response.json()["results"][0]["verblijfplaats"] == SUZANNE["verblijfplaats"]


@responses.activate
def test_the_detail_path_of_an_alias_answers_the_person(client, personen, alias):
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})

    response = client.get(f"/endpoints/brp/brp1/Personen/{BSN}?fields=naam", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200, response.content
    assert response.json() == {"naam": {"volledigeNaam": "Suzanne Moulin"}}
    assert sent()["burgerservicenummer"] == [BSN]


@responses.activate
def test_the_type_parameter_selects_a_search_whose_answer_holds_the_search_action_s_columns(client, personen, alias):
    responses.post(PERSONEN_URL, json={"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "personen": [SUZANNE]})

    response = get(client, "/endpoints/brp/brp1/Personen", [
        ("fields", "burgerservicenummer,naam,geboorte"), ("type", "ZoekMetGeslachtsnaamEnGeboortedatum"),
        ("geslachtsnaam", "Moulin"), ("geboortedatum", "1985-12-01")])

    assert response.status_code == 200, response.content
    assert sent() == {"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "geslachtsnaam": "Moulin",
                      "geboortedatum": "1985-12-01",
                      "fields": ["burgerservicenummer", "naam.volledigeNaam", "geboorte.datum"]}
    assert [r["naam"]["volledigeNaam"] for r in response.json()["results"]] == ["Suzanne Moulin"]
    assert "verblijfplaats" not in response.content.decode()


@responses.activate
def test_valtimo_s_address_search_runs_the_brp_postcode_search_with_its_toevoeging(client, personen, alias):
    responses.post(PERSONEN_URL, json={"type": "ZoekMetPostcodeEnHuisnummer", "personen": [SUZANNE]})

    response = get(client, "/endpoints/brp/brp1/Personen", [
        ("type", "ZoekMetAdres"), ("postcode", "3077AW"), ("huisnummer", "31"), ("toevoeging", "A")])

    assert response.status_code == 200, response.content
    assert sent() == {"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "3077AW", "huisnummer": 31,
                      "huisnummertoevoeging": "A",
                      "fields": ["burgerservicenummer", "naam.volledigeNaam", "geboorte.datum"]}


@pytest.mark.parametrize(("params", "name", "code"), [
    ([("type", "ZoekMetOnzin"), ("burgerservicenummer", BSN)], "type", "enum"),
    ([("type", "RaadpleegMetBurgerservicenummer"), ("burgerservicenummer", "123456789")], "burgerservicenummer",
     "invalid"),
    ([("burgerservicenummer", BSN), ("id", "999993847")], "id", "duplicate"),
    ([("burgerservicenummer", BSN), ("straatnaam", "Boterdiep")], "straatnaam", "unknown"),
    ([("type", "ZoekMetAdres"), ("type", "ZoekMetGeslachtsnaamEnGeboortedatum")], "type", "multiple"),
    ([("type", "ZoekMetAdres"), ("postcode", "ABCDEF"), ("huisnummer", "31")], "postcode", "pattern"),
    ([("type", "ZoekMetAdres"), ("postcode", "3077AW"), ("huisnummer", "31"), ("toevoeging", "TOOLONG")],
     "toevoeging", "pattern"),
])
@responses.activate
def test_a_mistake_in_an_alias_call_is_a_400_naming_the_caller_s_parameter_and_nothing_is_fetched(
        client, personen, alias, params, name, code):
    response = get(client, "/endpoints/brp/brp1/Personen", params)

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert [(p["name"], p["code"]) for p in response.json()["invalidParams"]] == [(name, code)]
    assert len(responses.calls) == 0


@responses.activate
def test_asking_only_for_fields_the_grant_does_not_release_is_refused_and_logged(client, personen, alias):
    response = get(client, "/endpoints/brp/brp1/Personen", {"burgerservicenummer": BSN, "fields": "partners,kinderen"})

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "None of the fields you asked for is released to you from brp/gemeente-brp/RaadpleegMetBurgerservicenummer.")
    assert ProcessingRecord.objects.get().outcome == "denied"
    assert len(responses.calls) == 0


@responses.activate
def test_a_source_with_tags_no_longer_answers_on_its_connector_id_and_name(client, personen, alias):
    response = get(client, "/endpoints/brp/gemeente-brp/RaadpleegMetBurgerservicenummer", {"bsn": BSN})
    unknown = get(client, "/endpoints/brp/brp1/Onbekend", {"bsn": BSN})

    assert response.status_code == 404 and unknown.status_code == 404
    assert unknown.json()["code"] == "endpoint-not-found"


@responses.activate
def test_an_alias_result_transform_shapes_the_rows_from_released_fields_only(client, personen, alias):
    OperationAlias.objects.create(
        source=alias.source, name="getMockData", operations=["RaadpleegMetBurgerservicenummer"],
        params={"burgerservicenummer": "bsn", "id": None},
        result_transform="{basisgegevens: {bsn: .burgerservicenummer, naam: .naam.volledigeNaam, "
                         "adres: .adressering.adresregel1}}",
    )
    responses.post(PERSONEN_URL, json={"type": "RaadpleegMetBurgerservicenummer", "personen": [SUZANNE]})

    response = get(client, "/endpoints/brp/brp1/getMockData", [("id", "123"), ("burgerservicenummer", BSN)])

    assert response.status_code == 200, response.content
    # adressering is not released by Personen: the transform cannot reach it.
    assert response.json()["results"] == [{"basisgegevens": {"bsn": BSN, "naam": "Suzanne Moulin", "adres": None}}]
    assert "adressering" not in sent()["fields"]


# --- the reference server's KVK and Zaken names ---------------------------------------------------

def reference_alias(source, connector: str) -> OperationAlias:
    definition = REFERENCE_ALIASES[connector][0]
    alias = OperationAlias(source=source, name=definition["name"],
                           **{attr: definition[key] for key, attr in ALIAS_KEYS.items()})
    alias.full_clean()
    alias.save()
    return alias


@responses.activate
def test_the_reference_kvk_get_results_searches_kvk_zoeken_and_reads_every_page_itself(client, company_profile,
                                                                                        kvk_source, purpose,
                                                                                        api_client_with_token):
    from profiles.tests.search_fixtures import ZOEKEN_URL, resultaat, zoeken

    api_client_with_token.default_purpose = purpose
    api_client_with_token.save()
    reference_alias(kvk_source, "kvk")
    responses.get(ZOEKEN_URL, json=zoeken([resultaat()]))

    response = get(client, "/endpoints/kvk/kvk/getResults", [("naam", "Vogel"), ("pagina", "2"),
                                                              ("resultatenPerPagina", "10")])

    assert response.status_code == 200, response.content
    assert [r["naam"] for r in response.json()["results"]] == ["Bakkerij Vogel"]
    sent_params = responses.calls[0].request.params
    assert sent_params["naam"] == "Vogel" and sent_params.get("pagina") in (None, "1")  # its own first page


def test_the_reference_zaak_list_runs_the_zaken_of_a_person_or_the_zaken_by_identificatie(make_zaken_source):
    from profiles.services.aliases import alias_resolve

    zaken = make_zaken_source()
    alias = reference_alias(zaken, "zaken")

    by_bsn = alias_resolve(alias=alias, source=zaken,
                           query={"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": [BSN]})
    by_identificatie = alias_resolve(alias=alias, source=zaken,
                                     query={"identificatie": ["ZAAK-2025-0000000101"], "bronorganisatie": ["002220647"]})

    assert (by_bsn.operation.name, by_bsn.query) == ("zaken_van_persoon", {"bsn": [BSN]})
    assert by_bsn.names == {"bsn": "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"}
    assert by_identificatie.operation.name == "zaken_op_identificatie"
    assert by_identificatie.query == {"identificatie": ["ZAAK-2025-0000000101"], "bronorganisatie": ["002220647"]}


@pytest.fixture
def make_zaken_source(db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    def make():
        service = Service.objects.create(label="Zaken", slug="zaken", api_type=APITypes.zrc,
                                         api_root="https://zaken.example.org/zaken/api/v1/", auth_type=AuthTypes.zgw,
                                         client_id="iko", secret="a-secret-of-at-least-32-bytes-long!!")
        return Source.objects.create(name="zaken", connector="zaken", service=service)

    return make
