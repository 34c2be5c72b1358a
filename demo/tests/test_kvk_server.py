"""Integration tests of the demo KVK server (demo.servers.kvk): a real server on a free loopback
port, called with `requests` and through the KVK connector, its answers validated against the
vendored specs (tests/specs/kvk/) with openapi-core.
"""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
import requests

from connectors.contrib.kvk.tests.spec import kvk_specs
from demo.servers.kvk import KvkDemoServer, start_kvk_server
from demo.universe import ADDRESSES, COMPANY
from tests.contracts import assert_request_conforms, assert_response_conforms

pytestmark = pytest.mark.integration

TIMEOUT = 10
KVK = COMPANY["kvkNummer"]
HOOFD, NEVEN = (v["vestigingsnummer"] for v in COMPANY["vestigingen"])
KEY = "demo-kvk-key"


@pytest.fixture(scope="module")
def server():
    with start_kvk_server(latency_ms=0, failure_rate=0) as running:
        yield running


@pytest.fixture
def keyed_server():
    with start_kvk_server(latency_ms=0, failure_rate=0, api_key=KEY) as running:
        yield running


def get(server, path, headers=None, **params):
    # The specs require the apikey header on every call; the keyless demo ignores it.
    headers = {"apikey": KEY, **(headers or {})}
    return requests.get(server.api_root + path, params=params, headers=headers, timeout=TIMEOUT)


def conforms(server, api, response):
    """The request and the answer conform to the spec of `api` (zoeken, basisprofiel, ...)."""
    openapi = kvk_specs(server.api_root)[api]
    assert_request_conforms(openapi, response.request)
    assert_response_conforms(openapi, response.request, response)


def test_the_server_listens_on_a_free_loopback_port_with_an_api_root_ending_in_api(server):
    assert isinstance(server, KvkDemoServer)
    assert server.port > 0
    assert server.api_root == f"http://127.0.0.1:{server.port}/api/"


# --- zoeken ------------------------------------------------------------------------------


def test_zoeken_by_kvk_number_finds_the_companys_two_vestigingen(server):
    response = get(server, "v2/zoeken", kvkNummer=KVK)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/hal+json"
    assert response.headers["api-version"] == "2.1.0"
    page = response.json()
    assert page["totaal"] == 2 and page["pagina"] == 1 and page["resultatenPerPagina"] == 10
    assert [(r["vestigingsnummer"], r["type"]) for r in page["resultaten"]] == [(HOOFD, "hoofdvestiging"), (NEVEN, "nevenvestiging")]
    assert {r["kvkNummer"] for r in page["resultaten"]} == {KVK}
    conforms(server, "zoeken", response)


def test_zoeken_on_a_name_pages_through_several_companies(server):
    first = get(server, "v2/zoeken", naam="vogel", resultatenPerPagina=2)
    second = get(server, "v2/zoeken", naam="vogel", resultatenPerPagina=2, pagina=2)

    assert first.json()["totaal"] == 3
    assert first.json()["volgende"].startswith(server.api_root + "v2/zoeken?")
    assert "pagina=2" in first.json()["volgende"]
    assert [r["naam"] for r in first.json()["resultaten"]] == ["Bakkerij Vogel", "Vogel Broodjes"]
    assert [r["naam"] for r in second.json()["resultaten"]] == ["Vogelvlucht Reizen"]
    assert "volgende" not in second.json() and "pagina=1" in second.json()["vorige"]
    for response in (first, second):
        conforms(server, "zoeken", response)


def test_inactive_registrations_only_show_when_asked_for(server):
    default = get(server, "v2/zoeken", naam="Broodbakkerij")
    inclusive = get(server, "v2/zoeken", naam="Broodbakkerij", inclusiefInactieveRegistraties="true")

    assert default.status_code == 404
    assert inclusive.status_code == 200
    assert [r["actief"] for r in inclusive.json()["resultaten"]] == ["Nee"]
    conforms(server, "zoeken", inclusive)


def test_zoeken_filters_on_type_and_rsin(server):
    rechtspersonen = get(server, "v2/zoeken", naam="Brinck", type="rechtspersoon")
    by_rsin = get(server, "v2/zoeken", rsin="861523076")

    assert [(r["type"], r["naam"]) for r in rechtspersonen.json()["resultaten"]] == [("rechtspersoon", "Den Brinck Advies B.V.")]
    assert "vestigingsnummer" not in rechtspersonen.json()["resultaten"][0]
    assert [r["type"] for r in by_rsin.json()["resultaten"]] == ["rechtspersoon", "hoofdvestiging"]
    conforms(server, "zoeken", rechtspersonen)


def test_zoeken_on_postcode_and_huisnummer_finds_the_vestiging_there(server):
    adres = COMPANY["vestigingen"][1]["adres"]
    response = get(server, "v2/zoeken", postcode=adres["postcode"].lower(), huisnummer=adres["huisnummer"])

    assert [r["vestigingsnummer"] for r in response.json()["resultaten"]] == [NEVEN]
    conforms(server, "zoeken", response)


def test_a_search_without_hits_is_a_404_in_kvks_error_format(server):
    response = get(server, "v2/zoeken", naam="Bestaat Niet")

    assert response.status_code == 404
    assert response.json()["fout"][0]["code"] == "IPD5200"
    conforms(server, "zoeken", response)


@pytest.mark.parametrize(
    "params, code",
    [
        ({"kvkNummer": "1234"}, "IPD0004"),
        ({"rsin": "12"}, "IPD0010"),
        ({"postcode": "3077AW"}, "IPD1999"),
        ({"huisnummer": "33"}, "IPD1999"),
        ({"naam": "Vogel", "type": "eenmanszaak"}, "IPD5203"),
        ({"naam": "Vogel", "resultatenPerPagina": "101"}, "IPD1999"),
        ({"type": "hoofdvestiging"}, "IPD1999"),
    ],
)
def test_invalid_searches_are_a_400_in_kvks_error_format(server, params, code):
    response = get(server, "v2/zoeken", **params)

    assert response.status_code == 400
    assert response.json() == {"fout": [{"code": code, "omschrijving": response.json()["fout"][0]["omschrijving"]}]}
    # Only the answers are checked: some of these requests break the spec on purpose.
    assert_response_conforms(kvk_specs(server.api_root)["zoeken"], response.request, response)


# --- basisprofiel ------------------------------------------------------------------------


def test_the_basisprofiel_with_geodata_links_the_vestiging_to_the_bag(server):
    response = get(server, f"v1/basisprofielen/{KVK}", geoData="true")

    assert response.status_code == 200
    assert response.headers["api-version"] == "1.5.0"
    profiel = response.json()
    assert profiel["naam"] == COMPANY["naam"]
    hoofdvestiging = profiel["_embedded"]["hoofdvestiging"]
    assert hoofdvestiging["vestigingsnummer"] == HOOFD
    assert "rsin" not in hoofdvestiging and "handelsnamen" not in hoofdvestiging
    geo = hoofdvestiging["adressen"][0]["geoData"]
    assert geo["nummerAanduidingId"] == COMPANY["vestigingen"][0]["adres"]["nummeraanduidingIdentificatie"]
    assert geo["addresseerbaarObjectId"] == COMPANY["vestigingen"][0]["adres"]["adresseerbaarObjectIdentificatie"]
    assert profiel["_embedded"]["eigenaar"]["rechtsvorm"] == COMPANY["rechtsvorm"]
    conforms(server, "basisprofiel", response)


def test_without_geodata_the_addresses_carry_no_bag_ids(server):
    response = get(server, f"v1/basisprofielen/{KVK}")

    assert "geoData" not in response.json()["_embedded"]["hoofdvestiging"]["adressen"][0]
    conforms(server, "basisprofiel", response)


@pytest.mark.parametrize("sub", ["eigenaar", "hoofdvestiging", "vestigingen"])
def test_the_basisprofiel_sub_resources_answer_per_spec(server, sub):
    response = get(server, f"v1/basisprofielen/{KVK}/{sub}")

    assert response.status_code == 200
    conforms(server, "basisprofiel", response)
    if sub == "vestigingen":
        assert [v["vestigingsnummer"] for v in response.json()["vestigingen"]] == [HOOFD, NEVEN]


@pytest.mark.parametrize("kvk, status, code", [("12345678", 404, "IPD0005"), ("123", 400, "IPD0004")])
def test_an_unknown_or_invalid_kvk_number_gets_kvks_error(server, kvk, status, code):
    response = get(server, f"v1/basisprofielen/{kvk}")

    assert response.status_code == status
    assert response.json()["fout"][0]["code"] == code
    assert_response_conforms(kvk_specs(server.api_root)["basisprofiel"], response.request, response)


# --- vestigingsprofiel -------------------------------------------------------------------


@pytest.mark.parametrize("vestiging", COMPANY["vestigingen"], ids=lambda v: v["type"])
def test_each_vestiging_of_the_company_has_a_profile_at_its_bag_address(server, vestiging):
    response = get(server, f"v1/vestigingsprofielen/{vestiging['vestigingsnummer']}", geoData="true")

    assert response.status_code == 200
    assert response.headers["api-version"] == "1.4.0"
    profiel = response.json()
    assert profiel["kvkNummer"] == KVK and profiel["eersteHandelsnaam"] == vestiging["eersteHandelsnaam"]
    adres = profiel["adressen"][0]
    assert (adres["straatnaam"], adres["huisnummer"], adres["postcode"]) == (
        vestiging["adres"]["straat"], vestiging["adres"]["huisnummer"], vestiging["adres"]["postcode"]
    )
    assert adres["geoData"]["nummerAanduidingId"] == vestiging["adres"]["nummeraanduidingIdentificatie"]
    conforms(server, "vestigingsprofiel", response)


def test_every_demo_address_with_geodata_is_one_the_bag_demo_knows(server):
    known = {a["nummeraanduidingIdentificatie"]: a["adresseerbaarObjectIdentificatie"] for a in ADDRESSES}
    for vestigingsnummer, _ in server.vestigingen.items():
        adres = get(server, f"v1/vestigingsprofielen/{vestigingsnummer}", geoData="true").json()["adressen"][0]
        assert known[adres["geoData"]["nummerAanduidingId"]] == adres["geoData"]["addresseerbaarObjectId"]


def test_an_unknown_vestiging_is_a_404_in_kvks_error_format(server):
    response = get(server, "v1/vestigingsprofielen/000000000001")

    assert response.status_code == 404
    assert response.json()["fout"][0]["code"] == "IPD0007"
    conforms(server, "vestigingsprofiel", response)


# --- protocol ----------------------------------------------------------------------------


def test_with_a_key_the_apikey_header_is_required(keyed_server):
    missing = requests.get(keyed_server.api_root + f"v1/basisprofielen/{KVK}", timeout=TIMEOUT)
    wrong = get(keyed_server, f"v1/basisprofielen/{KVK}", headers={"apikey": "nope"})
    right = get(keyed_server, f"v1/basisprofielen/{KVK}")

    assert missing.status_code == 401 and wrong.status_code == 401
    assert missing.json()["fout"][0]["omschrijving"] == "Geen of onjuiste apikey aangeleverd"
    assert right.status_code == 200
    conforms(keyed_server, "basisprofiel", wrong)
    conforms(keyed_server, "basisprofiel", right)


def test_an_accept_header_it_cannot_serve_is_a_406(server):
    response = get(server, "v2/zoeken", headers={"Accept": "text/html"}, kvkNummer=KVK)

    assert response.status_code == 406
    assert "fout" in response.json()
    conforms(server, "zoeken", response)


def test_plain_json_is_served_when_only_json_is_accepted(server):
    response = get(server, "v2/zoeken", headers={"Accept": "application/json"}, kvkNummer=KVK)

    assert response.headers["Content-Type"] == "application/json"
    conforms(server, "zoeken", response)


def test_paths_outside_the_kvk_apis_are_a_gateway_404_and_other_methods_a_405(server):
    outside = requests.get(server.base_url + "/v2/zoeken", params={"kvkNummer": KVK}, timeout=TIMEOUT)
    post = requests.post(server.api_root + "v2/zoeken", json={}, timeout=TIMEOUT)

    assert outside.status_code == 404 and outside.headers["Content-Type"] == "application/problem+json"
    assert post.status_code == 405


def test_fault_injection_fails_requests():
    with start_kvk_server(failure_rate=1.0) as failing:
        response = get(failing, "v2/zoeken", kvkNummer=KVK)
    assert response.status_code == 503


def test_python_dash_m_starts_the_server_and_prints_its_api_root():
    process = subprocess.Popen(
        [sys.executable, "-m", "demo.servers.kvk", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline()
        api_root = line.split(" at ", 1)[1].split(" ", 1)[0]
        response = requests.get(api_root + "v2/zoeken", params={"kvkNummer": KVK}, timeout=TIMEOUT)
        assert response.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- through the connector ---------------------------------------------------------------


@pytest.fixture
def kvk_source_on(db):
    """A KVK connector on a server (API key auth, header `apikey`) at the given API root."""
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.contrib.kvk.plugin import KvkConnector
    from connectors.models import Source

    def build(api_root, key=KEY, **options):
        service, _ = Service.objects.update_or_create(
            api_root=api_root,
            defaults={
                "label": "Demo KVK", "slug": f"demo-kvk-{uuid.uuid4().hex[:8]}", "api_type": APITypes.orc,
                "auth_type": AuthTypes.api_key, "header_key": "apikey", "header_value": key, "timeout": 5,
            },
        )
        source, _ = Source.objects.update_or_create(
            name=f"kvk-{service.pk}",
            defaults={"connector": "kvk", "service": service, "timeout": 5, "options": options},
        )
        return KvkConnector(source.to_config())

    return build


def test_the_connector_reads_all_three_operations_from_the_demo(keyed_server, kvk_source_on):
    from connectors.base import ConnectorRequest, Status

    connector = kvk_source_on(keyed_server.api_root)

    zoeken = connector.run(ConnectorRequest("zoeken", {"kvk": KVK}, ("naam", "vestigingsnummer")))
    profiel = connector.run(ConnectorRequest("basisprofiel", {"kvk": KVK}, ("naam", "_embedded.hoofdvestiging.adressen.geoData.nummerAanduidingId")))
    vestiging = connector.run(ConnectorRequest("vestigingsprofiel", {"vestigingsnummer": NEVEN}, ("adressen",)))
    search = connector.run(ConnectorRequest("zoeken", {"naam": "vogel"}, ("naam",)))

    assert zoeken.status is Status.OK and [r["vestigingsnummer"] for r in zoeken.data] == [HOOFD, NEVEN]
    geo = profiel.data["_embedded"]["hoofdvestiging"]["adressen"][0]["geoData"]
    assert profiel.status is Status.OK and geo["nummerAanduidingId"] == COMPANY["vestigingen"][0]["adres"]["nummeraanduidingIdentificatie"]
    assert vestiging.status is Status.OK and vestiging.data["adressen"][0]["geoData"]["nummerAanduidingId"] == "0518200000583569"
    assert search.status is Status.OK and len(search.data) == 3
    assert connector.check_connection().ok


def test_the_connector_pages_through_the_demo_up_to_its_cap(keyed_server, kvk_source_on):
    from connectors.base import ConnectorRequest, Status

    connector = kvk_source_on(keyed_server.api_root, page_size=1, max_results=2)

    result = connector.run(ConnectorRequest("zoeken", {"naam": "vogel"}, ("naam",)))

    assert result.status is Status.OK
    assert [r["naam"] for r in result.data] == ["Bakkerij Vogel", "Vogel Broodjes"]
    assert "Showing the first 2 of 3 results" in result.detail


def test_the_connector_reports_not_found_and_errors_from_the_demo(keyed_server, kvk_source_on):
    from connectors.base import ConnectorRequest, Status

    connector = kvk_source_on(keyed_server.api_root)
    unknown = connector.run(ConnectorRequest("basisprofiel", {"kvk": "12345678"}, ("naam",)))
    no_hits = connector.run(ConnectorRequest("zoeken", {"naam": "Bestaat Niet"}, ("naam",)))
    wrong_key = kvk_source_on(keyed_server.api_root, key="wrong")
    refused = wrong_key.run(ConnectorRequest("basisprofiel", {"kvk": KVK}, ("naam",)))
    wrong_root = kvk_source_on(keyed_server.base_url + "/")
    misrouted = wrong_root.run(ConnectorRequest("basisprofiel", {"kvk": KVK}, ("naam",)))

    assert unknown.status is Status.NOT_FOUND and "12345678" not in unknown.detail
    assert no_hits.status is Status.NOT_FOUND and "IPD5200" in no_hits.detail
    assert refused.status is Status.ERROR and "HTTP 401" in refused.detail
    assert not wrong_key.check_connection().ok
    assert misrouted.status is Status.ERROR and "ending in /api/" in misrouted.detail
