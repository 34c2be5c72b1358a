"""Integration tests of the demo BRP API Personen server (demo.servers.brp): a real server on a
free loopback port, called with `requests`. The tests do not touch Django.

The contract tests validate answers against the vendored BRP API Personen spec
(tests/specs/brp-personen/openapi.yaml).
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from demo.servers.base import FaultSettings, fault_settings_from_env
from demo.servers.brp import BrpServer, start_brp_server
from demo.servers.brp_data import get_dataset
from demo.servers.brp_fields import CATALOGUES, REQUESTABLE, catalogue_paths
from demo.tests.contract import SpecValidator, describe, property_paths
from tests.contracts import spec_path

pytestmark = pytest.mark.integration

SUZANNE = "999993653"  # Suzanne Moulin, Rotterdam, with BAG ids
SIMONE_OVERLEDEN = "999970239"
GEHEIM = "100600220"
GEEMIGREERD = "000009957"
RNI_OVERLEDEN = "999990305"
IN_ONDERZOEK = "999970008"  # geboorte (01.03) in onderzoek
IN_BRUSSEL = "999990123"
NIET_BESTAAND = "123456782"
RAADPLEEG = "RaadpleegMetBurgerservicenummer"
TIMEOUT = 10

# The official test data holds values that the spec's own string patterns reject, and the real
# API delivers them as they are, so the demo does too: table descriptions with "/" or "+"
# ("geslachtsnaam echtgenoot/geregistreerd partner na eigen geslachtsnaam", "ouder1 + een derde
# hebben het gezag"), birth places with "°", RvIG's edge-case names with "@", "%", '"', ";",
# "," or an unmapped "?", voornamen so long that the voorletters exceed 40 characters, and two
# BAG ids with a leading space. These free-text patterns all have the form ^[class]{1,n}$, so
# such a failure can only come from the data's characters or length, not from the conversion.
FREE_TEXT = {
    "omschrijving", "voornamen", "geslachtsnaam", "voorletters", "volledigeNaam",
    "aanhef", "naam", "gebruikInLopendeTekst",
}
BAG_IDS = {"adresseerbaarObjectIdentificatie", "nummeraanduidingIdentificatie"}


@pytest.fixture(scope="module")
def server():
    with start_brp_server(latency_ms=0, failure_rate=0) as running:
        yield running


@pytest.fixture(scope="module")
def contract():
    return SpecValidator(spec_path("brp-personen/openapi.yaml"))


def post(server, body, **kwargs):
    kwargs.setdefault("timeout", TIMEOUT)
    return requests.post(server.personen_url, json=body, **kwargs)


def raadpleeg(server, bsns, fields):
    response = post(server, {"type": RAADPLEEG, "burgerservicenummer": list(bsns), "fields": list(fields)})
    assert response.status_code == 200, response.text
    return response.json()["personen"]


def zoek(server, **query):
    query.setdefault("fields", ["burgerservicenummer"])
    response = post(server, query)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["type"] == query["type"]
    return body["personen"]


def bsns_of(personen):
    return [persoon["burgerservicenummer"] for persoon in personen]


def invalid_params(response):
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "paramsValidation"
    return {(param["name"], param["code"]) for param in body["invalidParams"]}


def is_data_quirk(error):
    if error.validator != "pattern" or not isinstance(error.instance, str) or not error.absolute_path:
        return False
    name = error.absolute_path[-1]
    return name in FREE_TEXT or (name in BAG_IDS and error.instance != error.instance.strip())


def real_errors(errors):
    """Validation errors that the known data quirks above do not explain."""
    return [describe(error) for error in errors if not is_data_quirk(error)]


# -- server basics -------------------------------------------------------------------------------


def test_api_root_is_the_spec_server_path_on_a_free_loopback_port(server):
    assert server.port > 0
    assert server.base_url == f"http://127.0.0.1:{server.port}"
    assert server.api_root == f"http://127.0.0.1:{server.port}/haalcentraal/api/brp/"
    assert server.personen_url == server.api_root + "personen"


def test_all_official_test_persons_are_loaded():
    dataset = get_dataset()
    assert len(dataset) == 1176
    assert dataset.persoon(SUZANNE)["naam"]["volledigeNaam"] == "Suzanne Moulin"


def test_a_custom_prefix_moves_the_api_root():
    with start_brp_server(prefix="/lap/api/brp/", latency_ms=0, failure_rate=0) as custom:
        assert custom.api_root.endswith("/lap/api/brp/")
        assert raadpleeg(custom, [SUZANNE], ["burgerservicenummer"]) == [{"burgerservicenummer": SUZANNE}]
        assert requests.post(custom.base_url + "/haalcentraal/api/brp/personen", json={}, timeout=TIMEOUT).status_code == 404


# -- raadplegen ----------------------------------------------------------------------------------


def test_raadpleeg_returns_suzanne_moulin_in_the_api_format(server):
    response = post(server, {
        "type": RAADPLEEG,
        "burgerservicenummer": [SUZANNE],
        "fields": [
            "burgerservicenummer", "naam.volledigeNaam", "geboorte.datum",
            "verblijfplaats.verblijfadres", "verblijfplaats.nummeraanduidingIdentificatie",
        ],
    })

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {
        "type": RAADPLEEG,
        "personen": [{
            "burgerservicenummer": SUZANNE,
            "naam": {"volledigeNaam": "Suzanne Moulin"},
            "geboorte": {"datum": {"type": "Datum", "datum": "1985-12-01", "langFormaat": "1 december 1985"}},
            "verblijfplaats": {
                "type": "Adres",
                "verblijfadres": {
                    "officieleStraatnaam": "Boterdiep", "korteStraatnaam": "Boterdiep",
                    "huisnummer": 31, "postcode": "3077AW", "woonplaats": "Rotterdam",
                },
                "nummeraanduidingIdentificatie": "0599200000219678",
            },
        }],
    }


def test_raadpleeg_derives_adressering_and_leeftijd(server):
    [persoon] = raadpleeg(server, [SUZANNE], ["adressering", "leeftijd", "naam.voorletters"])
    vandaag = dt.date.today()
    assert persoon["leeftijd"] == vandaag.year - 1985 - ((vandaag.month, vandaag.day) < (12, 1))
    assert persoon["naam"] == {"voorletters": "S."}
    assert persoon["adressering"] == {
        "aanhef": "Geachte mevrouw Moulin",
        "aanschrijfwijze": {"naam": "S. Moulin"},
        "gebruikInLopendeTekst": "mevrouw Moulin",
        "adresregel1": "Boterdiep 31",
        "adresregel2": "3077 AW  ROTTERDAM",
    }


def test_raadpleeg_returns_only_the_requested_fields_plus_automatic_ones(server):
    geheim, geemigreerd = raadpleeg(server, [GEHEIM, GEEMIGREERD], ["burgerservicenummer"])

    assert geheim == {"burgerservicenummer": GEHEIM, "geheimhoudingPersoonsgegevens": True}
    assert geemigreerd == {
        "burgerservicenummer": GEEMIGREERD,
        "opschortingBijhouding": {
            "reden": {"code": "E", "omschrijving": "emigratie"},
            "datum": {"type": "JaarDatum", "jaar": 2012, "langFormaat": "2012"},
        },
    }


def test_rni_deelnemers_come_only_with_fields_of_their_category(server):
    [alleen_bsn] = raadpleeg(server, [RNI_OVERLEDEN], ["burgerservicenummer"])
    [met_verblijfplaats] = raadpleeg(server, [RNI_OVERLEDEN], ["verblijfplaats.datumVan"])

    assert "rni" not in alleen_bsn
    assert met_verblijfplaats["rni"] == [{"deelnemer": {"code": "0301"}, "categorie": "Verblijfplaats"}]


def test_a_path_into_a_date_or_a_coded_value_returns_the_whole_object(server):
    [persoon] = raadpleeg(server, [SUZANNE], ["geboorte.datum.langFormaat", "geslacht.code"])

    assert persoon == {
        "geboorte": {"datum": {"type": "Datum", "datum": "1985-12-01", "langFormaat": "1 december 1985"}},
        "geslacht": {"code": "V", "omschrijving": "vrouw"},
    }


def test_in_onderzoek_is_delivered_only_for_requested_fields(server):
    [gevraagd] = raadpleeg(server, [IN_ONDERZOEK], ["geboorte.datum", "leeftijd"])
    [niet_gevraagd] = raadpleeg(server, [IN_ONDERZOEK], ["naam.volledigeNaam"])

    ingang = {"type": "Datum", "datum": "2022-08-25", "langFormaat": "25 augustus 2022"}
    assert gevraagd["geboorte"]["inOnderzoek"] == {"datum": True, "datumIngangOnderzoek": ingang}
    assert gevraagd["inOnderzoek"] == {"leeftijd": True, "datumIngangOnderzoekPersoon": ingang}
    assert niet_gevraagd == {"naam": {"volledigeNaam": "Govert de Geus"}}


def test_a_deceased_person_can_be_raadgepleegd_but_has_no_leeftijd(server):
    [persoon] = raadpleeg(server, [SIMONE_OVERLEDEN], ["leeftijd", "overlijden.datum"])

    assert persoon["overlijden"] == {"datum": {"type": "Datum", "datum": "2020-08-01", "langFormaat": "1 augustus 2020"}}
    assert "leeftijd" not in persoon


def test_an_unknown_bsn_gives_an_empty_list(server):
    assert raadpleeg(server, [NIET_BESTAAND], ["burgerservicenummer"]) == []


def test_several_bsns_come_back_in_request_order_without_duplicates(server):
    personen = raadpleeg(server, [GEHEIM, NIET_BESTAAND, SUZANNE, GEHEIM], ["burgerservicenummer"])
    assert bsns_of(personen) == [GEHEIM, SUZANNE]


def test_the_binnenland_shortcut_leaves_out_persons_living_abroad(server):
    thuis, buitenland = raadpleeg(server, [SUZANNE, IN_BRUSSEL], ["burgerservicenummer", "adresseringBinnenland.adresregel1"])

    assert thuis["adressering"] == {"adresregel1": "Boterdiep 31"}
    assert "adressering" not in buitenland


# -- zoeken --------------------------------------------------------------------------------------


def test_zoek_met_geslachtsnaam_en_geboortedatum_ignores_case_and_accepts_a_wildcard(server):
    for geslachtsnaam in ("MOULIN", "mou*"):
        personen = zoek(
            server, type="ZoekMetGeslachtsnaamEnGeboortedatum", geslachtsnaam=geslachtsnaam,
            geboortedatum="1985-12-01", fields=["burgerservicenummer", "naam", "geboorte", "leeftijd"],
        )
        assert bsns_of(personen) == [SUZANNE]
        assert set(personen[0]) == {"burgerservicenummer", "naam", "geboorte", "leeftijd"}
        assert "aanduidingNaamgebruik" not in personen[0]["naam"]  # PersoonBeperkt


def test_zoek_met_naam_en_gemeente_van_inschrijving_finds_suzanne(server):
    personen = zoek(
        server, type="ZoekMetNaamEnGemeenteVanInschrijving",
        geslachtsnaam="Moulin", voornamen="suzanne", gemeenteVanInschrijving="0599",
    )
    assert bsns_of(personen) == [SUZANNE]
    assert zoek(
        server, type="ZoekMetNaamEnGemeenteVanInschrijving",
        geslachtsnaam="Moulin", voornamen="Suzanne", gemeenteVanInschrijving="0518",
    ) == []


def test_zoek_met_postcode_en_huisnummer_finds_the_residents(server):
    personen = zoek(
        server, type="ZoekMetPostcodeEnHuisnummer", postcode="3077 aw", huisnummer=31,
        fields=["burgerservicenummer", "adressering.adresregel1"],
    )
    assert personen == [{"burgerservicenummer": SUZANNE, "adressering": {"adresregel1": "Boterdiep 31"}}]


def test_zoek_met_straat_huisnummer_en_gemeente_accepts_a_trailing_wildcard(server):
    personen = zoek(
        server, type="ZoekMetStraatHuisnummerEnGemeenteVanInschrijving",
        straat="boterdi*", huisnummer=31, gemeenteVanInschrijving="0599",
    )
    assert bsns_of(personen) == [SUZANNE]


def test_zoek_met_nummeraanduiding_identificatie_finds_suzanne(server):
    personen = zoek(server, type="ZoekMetNummeraanduidingIdentificatie", nummeraanduidingIdentificatie="0599200000219678")
    assert bsns_of(personen) == [SUZANNE]


def test_zoek_met_adresseerbaar_object_identificatie_finds_everyone_living_there(server):
    dataset = get_dataset()
    expected = [
        bsn for bsn in dataset.bsns()
        if (dataset.persoon(bsn).get("verblijfplaats") or {}).get("adresseerbaarObjectIdentificatie") == "1810010010001001"
        and not dataset.is_overleden(bsn)
    ]
    personen = zoek(server, type="ZoekMetAdresseerbaarObjectIdentificatie", adresseerbaarObjectIdentificatie="1810010010001001")

    assert len(expected) > 5
    assert bsns_of(personen) == expected


def test_searches_leave_out_deceased_persons_unless_asked(server):
    query = {"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "geslachtsnaam": "Saasveld", "geboortedatum": "1998-12-01"}

    assert zoek(server, **query) == []
    assert bsns_of(zoek(server, **query, inclusiefOverledenPersonen=True)) == [SIMONE_OVERLEDEN]


def test_searches_refuse_fields_that_only_raadplegen_delivers(server):
    response = post(server, {
        "type": "ZoekMetPostcodeEnHuisnummer", "postcode": "3077AW", "huisnummer": 31, "fields": ["nationaliteiten"],
    })
    assert invalid_params(response) == {("fields.0", "field")}


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"type": RAADPLEEG, "burgerservicenummer": [SUZANNE]}, {("fields", "required")}),
        ({"type": RAADPLEEG, "burgerservicenummer": [SUZANNE], "fields": []}, {("fields", "minItems")}),
        ({"type": RAADPLEEG, "burgerservicenummer": [SUZANNE], "fields": ["naam"] * 131}, {("fields", "maxItems")}),
        ({"type": RAADPLEEG, "burgerservicenummer": [SUZANNE], "fields": ["naam.bestaatNiet"]}, {("fields.0", "field")}),
        ({"type": RAADPLEEG, "burgerservicenummer": [SUZANNE], "fields": ["naam", "geheimhoudingPersoonsgegevens"]}, {("fields.1", "field")}),
        ({"type": RAADPLEEG, "burgerservicenummer": [SUZANNE], "fields": ["naam.inOnderzoek"]}, {("fields.0", "field")}),
        ({"type": RAADPLEEG, "burgerservicenummer": [SUZANNE], "fields": ["naam/voornamen"]}, {("fields.0", "pattern")}),
        ({"burgerservicenummer": [SUZANNE], "fields": ["naam"]}, {("type", "required")}),
        ({"type": "ZoekMetIets", "fields": ["naam"]}, {("type", "value")}),
        ({"type": RAADPLEEG, "fields": ["naam"]}, {("burgerservicenummer", "required")}),
        ({"type": RAADPLEEG, "burgerservicenummer": ["12345678"], "fields": ["naam"]}, {("burgerservicenummer.0", "pattern")}),
        ({"type": RAADPLEEG, "burgerservicenummer": SUZANNE, "fields": ["naam"]}, {("burgerservicenummer", "array")}),
        ({"type": RAADPLEEG, "burgerservicenummer": [SUZANNE] * 21, "fields": ["naam"]}, {("burgerservicenummer", "maxItems")}),
        ({"type": RAADPLEEG, "burgerservicenummer": [SUZANNE], "fields": ["naam"], "postcode": "3077AW"}, {("postcode", "unknownParam")}),
        ({"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "geslachtsnaam": "Mo*", "geboortedatum": "1985-12-01", "fields": ["naam"]}, {("geslachtsnaam", "pattern")}),
        ({"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "geslachtsnaam": "Moulin", "geboortedatum": "1985-02-30", "fields": ["naam"]}, {("geboortedatum", "date")}),
        ({"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "3077AW", "huisnummer": "31", "fields": ["naam"]}, {("huisnummer", "integer")}),
        ({"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "0077AW", "huisnummer": 31, "fields": ["naam"]}, {("postcode", "pattern")}),
        ({"type": "ZoekMetNaamEnGemeenteVanInschrijving", "geslachtsnaam": "Moulin", "fields": ["naam"]}, {("voornamen", "required"), ("gemeenteVanInschrijving", "required")}),
        ({"type": "ZoekMetNummeraanduidingIdentificatie", "nummeraanduidingIdentificatie": "0" * 16, "fields": ["naam"]}, {("nummeraanduidingIdentificatie", "pattern")}),
        ({"type": "ZoekMetNummeraanduidingIdentificatie", "nummeraanduidingIdentificatie": "0599200000219678", "inclusiefOverledenPersonen": "ja", "fields": ["naam"]}, {("inclusiefOverledenPersonen", "boolean")}),
        (["not", "an", "object"], {("body", "object")}),
    ],
)
def test_invalid_requests_get_400_with_invalid_params(server, body, expected):
    assert invalid_params(post(server, body)) == expected


def test_a_body_that_is_not_json_gets_400_problem_json(server):
    response = requests.post(server.personen_url, data=b"{not json", headers={"Content-Type": "application/json"}, timeout=TIMEOUT)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 400


def test_protocol_errors_are_problem_json(server):
    wrong_method = requests.get(server.personen_url, timeout=TIMEOUT)
    unknown_path = requests.post(server.api_root + "ingezetenen", json={}, timeout=TIMEOUT)
    wrong_type = requests.post(server.personen_url, data=b"{}", headers={"Content-Type": "text/plain"}, timeout=TIMEOUT)
    wrong_accept = post(server, {}, headers={"Accept": "application/xml"})

    assert (wrong_method.status_code, wrong_method.headers["Allow"]) == (405, "POST")
    assert unknown_path.status_code == 404
    assert wrong_type.status_code == 415
    assert wrong_accept.status_code == 406
    for response in (wrong_method, unknown_path, wrong_type, wrong_accept):
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == response.status_code
        assert response.json()["instance"].startswith("/haalcentraal/api/brp/")


def test_a_required_bearer_token_or_api_key_gives_401_without_it():
    body = {"type": RAADPLEEG, "burgerservicenummer": [SUZANNE], "fields": ["burgerservicenummer"]}
    with start_brp_server(latency_ms=0, failure_rate=0, required_bearer_token="s3cret", required_api_key="k3y") as secured:
        missing = post(secured, body)
        wrong = post(secured, body, headers={"Authorization": "Bearer nope", "X-Api-Key": "k3y"})
        right = post(secured, body, headers={"Authorization": "Bearer s3cret", "X-Api-Key": "k3y"})

    assert (missing.status_code, missing.json()["code"]) == (401, "authentication")
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert wrong.status_code == 401
    assert right.status_code == 200


# -- fault injection and concurrency ---------------------------------------------------------------


def test_latency_is_added_to_every_answer():
    with start_brp_server(latency_ms=150, failure_rate=0) as slow:
        started = time.perf_counter()
        response = post(slow, {"type": RAADPLEEG, "burgerservicenummer": [SUZANNE], "fields": ["burgerservicenummer"]})
        elapsed = time.perf_counter() - started

    assert response.status_code == 200
    assert elapsed >= 0.15


def test_failure_rate_one_answers_503_problem_json():
    with start_brp_server(latency_ms=0, failure_rate=1) as failing:
        response = post(failing, {"type": RAADPLEEG, "burgerservicenummer": [SUZANNE], "fields": ["burgerservicenummer"]})

    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Bronservice BRP is tijdelijk niet beschikbaar."
    assert SUZANNE not in response.text


def test_fail_mode_500_and_runtime_changes_of_the_faults():
    with start_brp_server(latency_ms=0, failure_rate=1, fail_mode="500") as failing:
        first = post(failing, {})
        failing.set_faults(failure_rate=0)
        second = post(failing, {"type": RAADPLEEG, "burgerservicenummer": [SUZANNE], "fields": ["burgerservicenummer"]})

    assert first.status_code == 500
    assert second.status_code == 200


def test_fail_mode_hang_holds_the_request_until_the_server_stops():
    hanging = start_brp_server(latency_ms=0, fail_mode="hang")
    try:
        with pytest.raises(requests.exceptions.ReadTimeout):
            post(hanging, {}, timeout=0.3)
    finally:
        started = time.perf_counter()
        hanging.stop()
    assert time.perf_counter() - started < 2


def test_a_failure_rate_fails_about_that_share_of_requests():
    body = {"type": RAADPLEEG, "burgerservicenummer": [SUZANNE], "fields": ["burgerservicenummer"]}
    with BrpServer(faults=FaultSettings(failure_rate=0.5), seed=7) as flaky, requests.Session() as session:
        statuses = [session.post(flaky.personen_url, json=body, timeout=TIMEOUT).status_code for _ in range(200)]

    assert set(statuses) == {200, 503}
    assert 60 <= statuses.count(503) <= 140


def test_fault_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("IKO_DEMO_BRP_LATENCY_MS", "25")
    monkeypatch.setenv("IKO_DEMO_BRP_FAILURE_RATE", "0.25")
    monkeypatch.setenv("IKO_DEMO_BRP_FAIL_MODE", "500")

    assert fault_settings_from_env("brp") == FaultSettings(latency_ms=25, failure_rate=0.25, fail_mode="500")
    assert fault_settings_from_env("BRP", latency_ms=0, failure_rate=0).latency_ms == 0
    assert fault_settings_from_env("OTHER") == FaultSettings()

    monkeypatch.setenv("IKO_DEMO_BRP_FAILURE_RATE", "veel")
    with pytest.raises(ValueError, match="IKO_DEMO_BRP_FAILURE_RATE"):
        fault_settings_from_env("BRP")


def test_start_brp_server_reads_the_environment_for_unset_faults(monkeypatch):
    monkeypatch.setenv("IKO_DEMO_BRP_FAILURE_RATE", "1")
    with start_brp_server(latency_ms=0) as failing:
        assert failing.faults.failure_rate == 1
        assert post(failing, {}).status_code == 503


def test_the_server_answers_requests_concurrently():
    body = {"type": RAADPLEEG, "burgerservicenummer": [SUZANNE], "fields": ["burgerservicenummer"]}
    # A latency long beside the cost of eight requests on a loaded machine: concurrent handling
    # takes about one latency, sequential handling eight.
    with start_brp_server(latency_ms=1000, failure_rate=0) as slow, ThreadPoolExecutor(max_workers=8) as pool:
        started = time.perf_counter()
        statuses = list(pool.map(lambda _: post(slow, body).status_code, range(8)))
        elapsed = time.perf_counter() - started

    assert statuses == [200] * 8
    assert elapsed < 8 * 1.0 / 2  # sequential handling would take 8 s


# -- contract ------------------------------------------------------------------------------------


def test_the_field_catalogue_matches_the_spec(contract):
    for schema in CATALOGUES:
        spec_paths = property_paths(contract.raw_spec, schema, skip=("inOnderzoek",))
        assert set(catalogue_paths(CATALOGUES[schema])) == spec_paths, schema


def test_raadplegen_of_hundreds_of_test_persons_follows_the_persoon_schema(server, contract):
    top_level = [field for field in CATALOGUES["Persoon"] if field in REQUESTABLE["Persoon"]]
    # Every fifth of the 1 176 persons (236) keeps this test at a few seconds: jsonschema is slow.
    bsns = get_dataset().bsns()[::5]
    assert len(bsns) > 200
    errors = []
    for start in range(0, len(bsns), 20):
        body = {"type": RAADPLEEG, "burgerservicenummer": bsns[start:start + 20], "fields": top_level}
        assert contract.errors(body, "PersonenQuery") == []
        answer = post(server, body).json()
        assert len(answer["personen"]) == len(body["burgerservicenummer"])
        errors += real_errors(contract.iter_errors(answer, "PersonenQueryResponse"))
    assert errors == []


def test_raadplegen_with_every_single_field_path_follows_the_schema(server, contract):
    paths = sorted(REQUESTABLE["Persoon"])
    sample = get_dataset().bsns()[2::10]
    errors = []
    for start in range(0, len(paths), 130):
        fields = paths[start:start + 130]
        for first in range(0, len(sample), 20):
            answer = post(server, {"type": RAADPLEEG, "burgerservicenummer": sample[first:first + 20], "fields": fields})
            assert answer.status_code == 200, answer.text
            errors += real_errors(contract.iter_errors(answer.json(), "PersonenQueryResponse"))
    assert errors == []


SEARCHES = [
    {"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"},
    {"type": "ZoekMetGeslachtsnaamEnGeboortedatum", "geslachtsnaam": "Saasveld", "geboortedatum": "1998-12-01", "inclusiefOverledenPersonen": True},
    {"type": "ZoekMetNaamEnGemeenteVanInschrijving", "geslachtsnaam": "Moulin", "voornamen": "Suzanne", "gemeenteVanInschrijving": "0599"},
    {"type": "ZoekMetNaamEnGemeenteVanInschrijving", "geslachtsnaam": "Str*", "voornamen": "Pie*", "gemeenteVanInschrijving": "0363"},
    {"type": "ZoekMetNaamEnGemeenteVanInschrijving", "geslachtsnaam": "Digid*", "voornamen": "Digid*", "gemeenteVanInschrijving": "1916"},
    {"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "3077AW", "huisnummer": 31},
    {"type": "ZoekMetPostcodeEnHuisnummer", "postcode": "2511CA", "huisnummer": 55, "inclusiefOverledenPersonen": True},
    {"type": "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving", "straat": "Turfmarkt", "huisnummer": 55, "gemeenteVanInschrijving": "0518"},
    {"type": "ZoekMetNummeraanduidingIdentificatie", "nummeraanduidingIdentificatie": "0599200000219678"},
    {"type": "ZoekMetAdresseerbaarObjectIdentificatie", "adresseerbaarObjectIdentificatie": "1810010010001001"},
    {"type": "ZoekMetAdresseerbaarObjectIdentificatie", "adresseerbaarObjectIdentificatie": "0599010000208579"},
]


@pytest.mark.parametrize("query", SEARCHES, ids=lambda query: query["type"])
def test_every_search_type_answer_follows_its_schema(server, contract, query):
    schema = "GezagPersoonBeperkt" if query["type"] == "ZoekMetAdresseerbaarObjectIdentificatie" else "PersoonBeperkt"
    body = {**query, "fields": sorted(REQUESTABLE[schema])}
    assert not contract.errors(body, "PersonenQuery")

    answer = post(server, body)

    assert answer.status_code == 200, answer.text
    assert answer.json()["personen"]
    assert real_errors(contract.iter_errors(answer.json(), "PersonenQueryResponse")) == []


def test_error_answers_follow_the_foutbericht_schemas(server, contract):
    bad_request = post(server, {"type": RAADPLEEG, "burgerservicenummer": ["1"], "fields": ["x", "naam"], "extra": 1})
    assert bad_request.status_code == 400
    assert contract.errors(bad_request.json(), "BadRequestFoutbericht") == []

    with start_brp_server(latency_ms=0, failure_rate=1) as failing:
        unavailable = post(failing, {})
    for response in (
        unavailable,
        requests.get(server.personen_url, timeout=TIMEOUT),
        requests.post(server.api_root + "x", json={}, timeout=TIMEOUT),
        requests.post(server.personen_url, data=b"{}", headers={"Content-Type": "text/plain"}, timeout=TIMEOUT),
        requests.post(server.personen_url, data=b"{", headers={"Content-Type": "application/json"}, timeout=TIMEOUT),
        post(server, {}, headers={"Accept": "text/html"}),
    ):
        assert contract.errors(response.json(), "Foutbericht") == [], response.status_code
