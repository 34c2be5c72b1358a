"""Integration tests of the demo BAG API: real loopback HTTP, answers checked against the spec
(tests/specs/bag-individuele-bevragingen/openapi.yaml, typo-fixed copy) and the BAG connector
end to end."""

import dataclasses

import pytest
import requests

from connectors.base import ConnectorRequest, Status
from connectors.contrib.bag.fields import ADRES_FIELDS
from connectors.contrib.bag.plugin import BagConnector
from connectors.contrib.bag.tests.spec import bag_spec
from demo.servers.bag import EXTRA_ADDRESSES, start_bag_server
from demo.universe import ADDRESSES, COMPANY, PERSONS
from tests.contracts import assert_request_conforms, assert_response_conforms

pytestmark = pytest.mark.integration

API_KEY = "demo-bag-key"
HAL = "application/hal+json"


@pytest.fixture(scope="module")
def server():
    server = start_bag_server(api_key=API_KEY)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def openapi(server):
    return bag_spec(server.api_root)


def get(server, path, params=None, key=API_KEY, accept=HAL):
    headers = {"Accept": accept}
    if key:
        headers["X-Api-Key"] = key
    return requests.get(server.api_root + path, params=params, headers=headers, timeout=5)


def test_every_universe_address_resolves_by_nummeraanduiding_and_conforms(server, openapi):
    for address in ADDRESSES:
        answer = get(server, f"adressen/{address['nummeraanduidingIdentificatie']}")

        assert answer.status_code == 200
        assert answer.headers["Content-Type"] == HAL
        assert answer.headers["API-Version"] == "2.6.0"
        body = answer.json()
        assert body["nummeraanduidingIdentificatie"] == address["nummeraanduidingIdentificatie"]
        assert body["adresseerbaarObjectIdentificatie"] == address["adresseerbaarObjectIdentificatie"]
        assert (body["openbareRuimteNaam"], body["huisnummer"], body["postcode"]) == (
            address["straat"], address["huisnummer"], address["postcode"])
        assert body["_links"]["self"]["href"].startswith(server.api_root)
        assert_response_conforms(openapi, answer.request, answer)


def test_every_universe_address_is_found_by_postcode_and_huisnummer(server, openapi):
    for address in ADDRESSES:
        params = {"postcode": address["postcode"], "huisnummer": address["huisnummer"], "exacteMatch": "true"}
        if address.get("huisletter"):
            params["huisletter"] = address["huisletter"]
        answer = get(server, "adressen", params)

        found = answer.json()["_embedded"]["adressen"]
        assert [a["nummeraanduidingIdentificatie"] for a in found] == [address["nummeraanduidingIdentificatie"]]
        assert_response_conforms(openapi, answer.request, answer)


def test_the_persons_and_the_vestigingen_agree_with_the_bag(server):
    ids = {a["nummeraanduidingIdentificatie"] for a in ADDRESSES}

    assert {p["adres"]["nummeraanduidingIdentificatie"] for p in PERSONS} <= ids
    assert {v["adres"]["nummeraanduidingIdentificatie"] for v in COMPANY["vestigingen"]} <= ids
    assert len(server.adressen_by_id) == len(ADDRESSES) + len(EXTRA_ADDRESSES)


def test_exacte_match_decides_whether_neighbours_with_a_huisletter_are_included(server):
    exact = get(server, "adressen", {"postcode": "3511 br", "huisnummer": 1, "exacteMatch": "true"}).json()
    loose = get(server, "adressen", {"postcode": "3511BR", "huisnummer": 1}).json()
    letter = get(server, "adressen", {"postcode": "3511BR", "huisnummer": 1, "huisletter": "a", "exacteMatch": "true"}).json()

    assert [a.get("huisletter") for a in exact["_embedded"]["adressen"]] == [None]
    assert sorted(a.get("huisletter") or "" for a in loose["_embedded"]["adressen"]) == ["", "A", "B"]
    assert [a["huisletter"] for a in letter["_embedded"]["adressen"]] == ["A"]


def test_pages_carry_hal_links_on_this_server(server, openapi):
    answer = get(server, "adressen", {"postcode": "3511BR", "huisnummer": 1, "pageSize": 10})

    assert answer.headers["X-Pagination-Page"] == "1"
    assert "next" not in answer.json()["_links"]
    assert answer.json()["_links"]["self"]["href"].startswith(server.api_root + "adressen?")
    assert_response_conforms(openapi, answer.request, answer)


def test_an_address_is_found_by_its_adresseerbaar_object(server, openapi):
    answer = get(server, "adressen", {"adresseerbaarObjectIdentificatie": "0599010000208579"})

    assert [a["nummeraanduidingIdentificatie"] for a in answer.json()["_embedded"]["adressen"]] == ["0599200000219678"]
    assert_response_conforms(openapi, answer.request, answer)


def test_nothing_found_is_an_empty_collection(server, openapi):
    answer = get(server, "adressen", {"postcode": "9999ZZ", "huisnummer": 1, "exacteMatch": "true"})

    assert answer.status_code == 200 and "_embedded" not in answer.json()
    assert_response_conforms(openapi, answer.request, answer)


def test_an_unknown_id_is_a_404_problem_that_conforms(server, openapi):
    answer = get(server, "adressen/0599200000999999")

    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json()["code"] == "notFound"
    assert_response_conforms(openapi, answer.request, answer)


@pytest.mark.parametrize(
    "path, params, names",
    [
        ("adressen/0599010000208579", None, ["nummeraanduidingIdentificatie"]),
        ("adressen", {"postcode": "0123AB", "huisnummer": 1}, ["postcode"]),
        ("adressen", {"postcode": "3077AW", "huisnummer": "x", "huisletter": "AB"}, ["huisletter", "huisnummer"]),
        ("adressen", {"postcode": "3077AW", "huisnummer": 31, "pageSize": 5}, ["pageSize"]),
        ("adressen", {"postcode": "3077AW", "huisnummer": 31, "postcod": "3077AW"}, ["postcod"]),
    ],
)
def test_invalid_params_are_a_400_problem_with_hyphenated_invalid_params(server, openapi, path, params, names):
    answer = get(server, path, params)

    assert answer.status_code == 400
    assert sorted(p["name"] for p in answer.json()["invalid-params"]) == names
    assert_response_conforms(openapi, answer.request, answer)


def test_a_search_without_criteria_or_with_half_of_them_is_a_400(server):
    assert get(server, "adressen").json()["code"] == "paramsRequired"
    assert get(server, "adressen", {"postcode": "3077AW"}).json()["code"] == "unsupportedCombi"


def test_the_api_key_is_required_and_checked(server, openapi):
    missing = get(server, "adressen/0599200000219678", key=None)
    wrong = get(server, "adressen/0599200000219678", key="wrong")

    assert missing.status_code == 401 and wrong.status_code == 403
    assert_response_conforms(openapi, missing.request, missing)
    assert_response_conforms(openapi, wrong.request, wrong)


def test_an_unsupported_accept_header_is_a_406(server):
    assert get(server, "adressen/0599200000219678", accept="application/xml").status_code == 406


def test_info_conforms_to_the_spec(server, openapi):
    answer = get(server, "info", accept="application/json")

    assert answer.json()["api-version"] == "2.6.0"
    assert_response_conforms(openapi, answer.request, answer)


@pytest.fixture
def bag_source(db, server):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    service = Service.objects.create(
        label="Demo BAG", slug="demo-bag", api_type=APITypes.orc, api_root=server.api_root,
        auth_type=AuthTypes.api_key, header_key="X-Api-Key", header_value=API_KEY, timeout=5,
    )
    return Source.objects.create(name="bag", connector="bag", service=service, options={}, timeout=3.0)


def test_the_connector_resolves_a_persons_address_end_to_end(bag_source):
    connector = BagConnector(bag_source.to_config())
    adres = PERSONS[2]["adres"]

    one = connector.run(ConnectorRequest("adres", {"nummeraanduidingIdentificatie": adres["nummeraanduidingIdentificatie"]}, ADRES_FIELDS))
    search = connector.run(ConnectorRequest(
        "adres_zoeken", {"postcode": adres["postcode"], "huisnummer": adres["huisnummer"], "huisletter": adres["huisletter"]}, ADRES_FIELDS,
    ))
    unknown = connector.run(ConnectorRequest("adres", {"nummeraanduidingIdentificatie": "0344200000999999"}, ADRES_FIELDS))

    assert one.status is Status.OK and one.data["adresregel5"] == "St.-Jacobsstraat 1A"
    assert "_links" not in one.data
    assert search.status is Status.OK and [a["nummeraanduidingIdentificatie"] for a in search.data] == [adres["nummeraanduidingIdentificatie"]]
    assert search.detail == ""
    assert unknown.status is Status.NOT_FOUND
    assert connector.check_connection().ok


def test_the_connector_requests_conform_to_the_spec(bag_source, openapi):
    sent = []
    original = requests.adapters.HTTPAdapter.send

    def spy(adapter, request, **kwargs):
        sent.append(request)
        return original(adapter, request, **kwargs)

    connector = BagConnector(bag_source.to_config())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests.adapters.HTTPAdapter, "send", spy)
        connector.run(ConnectorRequest("adres", {"nummeraanduidingIdentificatie": "0599200000219678"}, ()))
        connector.run(ConnectorRequest("adres_zoeken", {"postcode": "3077aw", "huisnummer": "31"}, ()))

    assert len(sent) == 2
    for request in sent:
        assert_request_conforms(openapi, request)


def test_a_slow_demo_server_gives_the_connector_a_timeout(bag_source, server):
    server.set_faults(latency_ms=400)
    try:
        config = dataclasses.replace(bag_source.to_config(), timeout=0.2)
        result = BagConnector(config).run(ConnectorRequest("adres", {"nummeraanduidingIdentificatie": "0599200000219678"}, ()))
    finally:
        server.set_faults()

    assert result.status is Status.TIMEOUT
