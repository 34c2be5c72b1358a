"""Integration tests of the demo Open Klant server (demo.servers.klantinteracties): a real server on
a free loopback port, called with `requests` and through the Klantinteracties connector.

Answers are validated against the vendored Klantinteracties and Contactgegevens specs
(tests/specs/klantinteracties/openapi.yaml, tests/specs/contactgegevens/openapi.yaml), with the
nullable workaround of connectors/contrib/klantinteracties/tests/spec.py.
"""

from __future__ import annotations

import pytest
import requests

from connectors.base import ConnectorRequest, Status
from connectors.contrib.klantinteracties.plugin import KlantinteractiesConnector
from connectors.contrib.klantinteracties.tests.spec import (
    CONTACTGEGEVENS,
    KLANTINTERACTIES,
    assert_request_conforms,
    assert_response_conforms,
    openklant_spec,
)
from demo.servers.klantinteracties import DEMO_TOKEN, start_klantinteracties_server
from demo.servers.klantinteracties_data import contactgegevens_uuid
from demo.universe import COMPANY, PERSONS

pytestmark = pytest.mark.integration

SUZANNE = "999993653"
ALBERT = "999992570"
KVK = COMPANY["kvkNummer"]
AUTH = {"Authorization": f"Token {DEMO_TOKEN}"}
TIMEOUT = 10
BSN_CODES = {
    "partijIdentificator__codeObjecttype": "natuurlijk_persoon",
    "partijIdentificator__codeSoortObjectId": "bsn",
    "partijIdentificator__codeRegister": "brp",
}
KVK_CODES = {
    "partijIdentificator__codeObjecttype": "niet_natuurlijk_persoon",
    "partijIdentificator__codeSoortObjectId": "kvk_nummer",
    "partijIdentificator__codeRegister": "hr",
}


@pytest.fixture(scope="module")
def server():
    with start_klantinteracties_server(latency_ms=0, failure_rate=0) as running:
        yield running


def get(server, path, params=None, *, root=None, headers=AUTH, validate=True):
    """GET under the Klantinteracties root (or `root`); a 200 is validated against its spec."""
    root = root or server.api_root
    response = requests.get(root + path, params=params, headers=headers, timeout=TIMEOUT)
    if validate and response.status_code == 200:
        spec_file = CONTACTGEGEVENS if root == server.contactgegevens_api_root else KLANTINTERACTIES
        openapi = openklant_spec(spec_file, root)
        assert_request_conforms(openapi, response.request)
        assert_response_conforms(openapi, response.request, response)
    return response


def partij_filters(bsn=None, kvk=None):
    if bsn:
        return {**BSN_CODES, "partijIdentificator__objectId": bsn}
    return {**KVK_CODES, "partijIdentificator__objectId": kvk}


def klantcontact_filters(subject_filters):
    return {f"hadBetrokkene__wasPartij__{k}": v for k, v in subject_filters.items()}


# --- protocol ----------------------------------------------------------------------------
def test_every_request_needs_the_token(server):
    missing = get(server, "partijen", headers={})
    wrong = get(server, "partijen", headers={"Authorization": "Token wrong"})
    bearer = get(server, "partijen", headers={"Authorization": f"Bearer {DEMO_TOKEN}"})

    for response in (missing, wrong, bearer):
        assert response.status_code == 401
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 401
    assert missing.json()["code"] == "not_authenticated"


def test_only_get_is_served_and_unknown_paths_are_problem_404s(server):
    post = requests.post(server.api_root + "partijen", json={}, headers=AUTH, timeout=TIMEOUT)
    unknown = get(server, "klanten")
    outside = requests.get(server.base_url + "/api/v1/partijen", headers=AUTH, timeout=TIMEOUT)

    assert post.status_code == 405 and post.headers["Allow"] == "GET"
    assert unknown.status_code == 404 and unknown.headers["Content-Type"] == "application/problem+json"
    assert outside.status_code == 404


def test_answers_carry_the_api_version_header(server):
    assert get(server, "categorieen").headers["API-version"] == "0.9.0"
    assert get(server, "persoon", root=server.contactgegevens_api_root).headers["API-version"] == "1.1.1"


def test_fault_injection_fails_requests_with_a_problem_503():
    with start_klantinteracties_server(latency_ms=0, failure_rate=1.0) as failing:
        response = requests.get(failing.api_root + "partijen", headers=AUTH, timeout=TIMEOUT)
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"


# --- partijen ----------------------------------------------------------------------------
@pytest.mark.parametrize("bsn", [p["bsn"] for p in PERSONS])
def test_each_person_has_one_partij_found_by_the_four_bsn_filters(server, bsn):
    body = get(server, "partijen", partij_filters(bsn=bsn)).json()

    assert body["count"] == 1
    [partij] = body["results"]
    assert partij["soortPartij"] == "persoon"
    assert {"codeObjecttype": "natuurlijk_persoon", "codeSoortObjectId": "bsn", "objectId": bsn, "codeRegister": "brp"} in [
        i["partijIdentificator"] for i in partij["partijIdentificatoren"]
    ]


def test_the_company_has_an_organisatie_partij_with_its_kvk_number_and_hoofdvestiging(server):
    [partij] = get(server, "partijen", partij_filters(kvk=KVK)).json()["results"]

    assert partij["soortPartij"] == "organisatie"
    assert partij["partijIdentificatie"] == {"naam": COMPANY["naam"]}
    kvk, vestiging = partij["partijIdentificatoren"]
    assert vestiging["partijIdentificator"]["objectId"] == COMPANY["vestigingen"][0]["vestigingsnummer"]
    assert vestiging["subIdentificatorVan"]["uuid"] == kvk["uuid"]
    by_sub = get(server, "partijen", {"subIdentificatorVan__objectId": KVK}).json()
    assert [p["uuid"] for p in by_sub["results"]] == [partij["uuid"]]


def test_a_misspelt_filter_is_ignored_and_returns_every_partij(server):
    everyone = get(server, "partijen").json()["count"]
    misspelt = get(server, "partijen", {"partijIdentificator__objectID": SUZANNE}).json()
    empty = get(server, "partijen", {"partijIdentificator__objectId": ""}).json()

    assert everyone == len(PERSONS) + 1
    assert misspelt["count"] == everyone
    assert empty["count"] == everyone


def test_each_identificator_filter_matches_any_identificator_like_open_klant(server):
    # Only the objectId: the company's partij has no identificator with Suzanne's BSN, but each
    # filter alone is satisfied by some partij.
    only_codes = get(server, "partijen", BSN_CODES).json()
    assert only_codes["count"] == len(PERSONS)


@pytest.mark.parametrize("expand", ["digitaleAdressen", "betrokkenen,categorieRelaties", "betrokkenen.hadKlantcontact"])
def test_partijen_expand_their_relations_as_the_spec_describes(server, expand):
    [partij] = get(server, "partijen", {**partij_filters(bsn=SUZANNE), "expand": expand}).json()["results"]

    for value in expand.split(","):
        head, _, deeper = value.partition(".")
        assert head in partij["_expand"]
        if deeper:
            assert all(deeper in item["_expand"] for item in partij["_expand"][head])
    if expand == "digitaleAdressen":
        adressen = partij["_expand"]["digitaleAdressen"]
        assert {a["soortDigitaalAdres"] for a in adressen} == {"email", "telefoonnummer"}
        assert all(a["verstrektDoorPartij"]["uuid"] == partij["uuid"] for a in adressen)


def test_an_unknown_expand_value_is_a_400(server):
    response = get(server, "partijen", {"expand": "hadKlantcontact"})

    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "expand"


# --- klantcontacten ----------------------------------------------------------------------
@pytest.mark.parametrize("filters", [partij_filters(bsn=p["bsn"]) for p in PERSONS] + [partij_filters(kvk=KVK)])
def test_each_subject_has_two_to_five_klantcontacten_newest_first(server, filters):
    params = {**klantcontact_filters(filters), "expand": "hadBetrokkenen.wasPartij,gingOverOnderwerpobjecten"}
    body = get(server, "klantcontacten", params).json()

    object_id = filters["partijIdentificator__objectId"]

    def subjects_betrokkenen(klantcontact):
        return [
            b for b in klantcontact["_expand"]["hadBetrokkenen"]
            if object_id in [i["partijIdentificator"]["objectId"] for i in b["_expand"]["wasPartij"]["partijIdentificatoren"]]
        ]

    own = [k for k in body["results"] if subjects_betrokkenen(k)]
    assert len(own) == body["count"]
    as_klant = [k for k in own if any(b["rol"] == "klant" and b["initiator"] for b in subjects_betrokkenen(k))]
    assert 2 <= len(as_klant) <= 5
    moments = [k["plaatsgevondenOp"] for k in own]
    assert moments == sorted(moments, reverse=True)
    assert {k["kanaal"] for k in own} <= {"telefoon", "e-mail", "balie"}


def test_the_owner_sees_the_company_contact_he_took_part_in_as_vertegenwoordiger(server):
    body = get(server, "klantcontacten", {**klantcontact_filters(partij_filters(bsn=ALBERT)), "expand": "hadBetrokkenen"}).json()

    roles = [sorted(b["rol"] for b in k["_expand"]["hadBetrokkenen"]) for k in body["results"]]
    assert ["klant", "vertegenwoordiger"] in roles


def test_klantcontacten_filter_on_partij_uuid_and_kanaal(server):
    [partij] = get(server, "partijen", partij_filters(bsn=SUZANNE)).json()["results"]
    by_uuid = get(server, "klantcontacten", {"hadBetrokkene__wasPartij__uuid": partij["uuid"]}).json()
    by_kanaal = get(server, "klantcontacten", {"hadBetrokkene__wasPartij__uuid": partij["uuid"], "kanaal": "telefoon"}).json()

    assert by_uuid["count"] == 2
    assert [k["kanaal"] for k in by_kanaal["results"]] == ["telefoon"]


def test_a_malformed_uuid_filter_is_a_400_with_invalid_params(server):
    response = get(server, "klantcontacten", {"hadBetrokkene__wasPartij__uuid": "not-a-uuid"})

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["invalidParams"][0]["name"] == "hadBetrokkene__wasPartij__uuid"


def test_lists_are_paginated_with_next_and_previous_links(server):
    first = get(server, "klantcontacten", {"pageSize": 4, "kanaal": "telefoon"}).json()
    second = requests.get(first["next"], headers=AUTH, timeout=TIMEOUT)
    openapi = openklant_spec(KLANTINTERACTIES, server.api_root)
    assert_response_conforms(openapi, second.request, second)
    second = second.json()
    beyond = get(server, "klantcontacten", {"pageSize": 4, "kanaal": "telefoon", "page": 99})

    assert first["count"] == second["count"] > 4
    assert first["previous"] is None and "page=2" in first["next"] and "kanaal=telefoon" in first["next"]
    assert second["previous"] and "page=" not in second["previous"]
    assert len(first["results"]) == 4
    assert not {k["uuid"] for k in first["results"]} & {k["uuid"] for k in second["results"]}
    assert beyond.status_code == 404


def test_a_bad_page_size_falls_back_to_the_default(server):
    # Not a request the spec allows, so not validated; DRF answers with the default page size.
    assert len(get(server, "klantcontacten", {"pageSize": "many"}, validate=False).json()["results"]) > 4


# --- the other resources -----------------------------------------------------------------
@pytest.mark.parametrize("resource, expand", [
    ("partijen", "digitaleAdressen"),
    ("klantcontacten", "hadBetrokkenen,gingOverOnderwerpobjecten"),
    ("betrokkenen", "digitaleAdressen"),
    ("digitaleadressen", "verstrektDoorBetrokkene"),
    ("onderwerpobjecten", None),
    ("partij-identificatoren", None),
    ("actoren", None),
    ("actorklantcontacten", None),
    ("categorieen", None),
    ("categorie-relaties", None),
    ("internetaken", None),
    ("bijlagen", None),
    ("rekeningnummers", None),
    ("vertegenwoordigingen", None),
])
def test_every_collection_and_its_records_conform_to_the_spec(server, resource, expand):
    params = {"expand": expand} if expand else {}
    body = get(server, resource, params).json()

    for record in body["results"][:3]:
        assert get(server, f"{resource}/{record['uuid']}", params).status_code == 200
    assert get(server, f"{resource}/00000000-0000-0000-0000-000000000000").status_code == 404


def test_digitale_adressen_filter_on_their_partij(server):
    [partij] = get(server, "partijen", partij_filters(kvk=KVK)).json()["results"]
    body = get(server, "digitaleadressen", {"verstrektDoorPartij__uuid": partij["uuid"]}).json()

    assert [a["adres"] for a in body["results"]] == ["0102345674", "info@bakkerijvogel.example.nl"]


def test_onderwerpobjecten_point_at_the_demo_zaken(server):
    body = get(server, "onderwerpobjecten", {"onderwerpobjectidentificatorObjectId": "ZAAK-2025-0000000101"}).json()

    [onderwerp] = body["results"]
    assert onderwerp["onderwerpobjectidentificator"]["codeObjecttype"] == "zaak"


# --- contactgegevens ---------------------------------------------------------------------
def test_contactgegevens_holds_a_persoon_per_person_and_an_organisatie(server):
    root = server.contactgegevens_api_root
    personen = get(server, "persoon", root=root).json()
    organisaties = get(server, "organisatie", root=root).json()
    suzanne = get(server, f"persoon/{contactgegevens_uuid(SUZANNE)}", root=root).json()
    bakkerij = get(server, f"organisatie/{contactgegevens_uuid(KVK)}", root=root).json()

    assert personen["count"] == len(PERSONS) and organisaties["count"] == 1
    assert suzanne["geslachtsnaam"] == "Moulin" and suzanne["adres"]["postcode"] == "3077 AW"
    assert bakkerij["handelsnaam"] == COMPANY["naam"]
    assert get(server, f"persoon/{contactgegevens_uuid(KVK)}", root=root).status_code == 404


# --- end to end through the connector ----------------------------------------------------
@pytest.fixture
def demo_source(server, db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    def service(slug, root):
        return Service.objects.create(
            label=slug, slug=slug, api_type=APITypes.orc, api_root=root, auth_type=AuthTypes.api_key,
            header_key="Authorization", header_value=f"Token {DEMO_TOKEN}", timeout=5,
        )

    ki = service("demo-openklant", server.api_root)
    service("demo-contactgegevens", server.contactgegevens_api_root)
    source = Source(name="openklant", connector="klantinteracties", service=ki, timeout=5.0,
                    options={"max_items": 50, "contactgegevens_service": "demo-contactgegevens"})
    source.full_clean()
    source.save()
    return KlantinteractiesConnector(source.to_config())


def run(connector, operation, params, fields=("uuid",)):
    return connector.run(ConnectorRequest(operation, params, tuple(fields)))


def test_the_connector_reads_a_persons_partij_klantcontacten_and_adressen_from_the_demo(demo_source):
    partij = run(demo_source, "partij", {"bsn": SUZANNE}, ("_expand.digitaleAdressen.adres",))
    contacten = run(demo_source, "klantcontacten", {"bsn": SUZANNE}, ("onderwerp", "_expand.gingOverOnderwerpobjecten"))
    adressen = run(demo_source, "digitale_adressen", {"bsn": SUZANNE})

    assert partij.status is Status.OK and partij.detail == ""
    assert partij.data["partijIdentificatie"]["volledigeNaam"] == "Suzanne Moulin"
    assert {a["adres"] for a in partij.data["_expand"]["digitaleAdressen"]} == {"suzanne.moulin@example.nl", "0612345670"}
    assert contacten.status is Status.OK and contacten.detail == ""
    assert [k["onderwerp"] for k in contacten.data] == ["Vraag over bewonersvergunning", "Melding losliggende stoeptegels"]
    assert contacten.data[0]["_expand"]["gingOverOnderwerpobjecten"][0]["onderwerpobjectidentificator"]["objectId"] == "ZAAK-2025-0000000101"
    assert adressen.status is Status.OK and len(adressen.data) == 2


def test_the_connector_shows_a_shared_contact_with_only_the_subjects_betrokkene(demo_source):
    albert = run(demo_source, "klantcontacten", {"bsn": ALBERT})
    bakkerij = run(demo_source, "klantcontacten", {"kvk": KVK})

    shared = [k for k in albert.data if k["onderwerp"] == "Terrasvergunning"]
    assert len(albert.data) == 6 and len(shared) == 1
    assert [b["rol"] for b in shared[0]["_expand"]["hadBetrokkenen"]] == ["vertegenwoordiger"]
    assert len(bakkerij.data) == 3
    terras = next(k for k in bakkerij.data if k["onderwerp"] == "Terrasvergunning")
    assert [b["rol"] for b in terras["_expand"]["hadBetrokkenen"]] == ["klant"]


def test_the_connector_reads_contactgegevens_and_checks_the_connection(demo_source):
    persoon = run(demo_source, "contactgegevens", {"bsn": SUZANNE, "uuid": contactgegevens_uuid(SUZANNE)})
    check = demo_source.check_connection()

    assert persoon.status is Status.OK and persoon.data["voornamen"] == "Suzanne"
    assert check.ok, check.detail


def test_the_connector_reports_an_unknown_person_as_not_found(demo_source):
    result = run(demo_source, "klantcontacten", {"bsn": "999990019"})

    assert result.status is Status.NOT_FOUND
