"""Contract tests: the BAG connector's requests, and the answers its unit tests use, conform to
the BAG IB 2.6.0 spec (tests/specs/bag-individuele-bevragingen/openapi.yaml, via the copy with
the `kortNaam` typo fixed, see spec.py)."""

import requests
import responses

from connectors.base import ConnectorRequest
from connectors.contrib.bag.fields import ADRES_FIELDS
from connectors.contrib.bag.plugin import BagConnector
from tests.contracts import assert_request_conforms, assert_response_conforms

from .examples import (
    ADRESSEN_URL,
    API_ROOT,
    BAD_REQUEST,
    BOTERDIEP_31,
    HEADERS,
    INFO,
    NOT_FOUND,
    NUMMERAANDUIDING,
    an_adres,
    collection,
)
from .spec import bag_spec

HAL = "application/hal+json"
PROBLEM = "application/problem+json"


@responses.activate
def test_the_requests_of_both_operations_and_check_connection_conform_to_the_spec(bag_source):
    openapi = bag_spec(API_ROOT)
    responses.get(f"{ADRESSEN_URL}/{NUMMERAANDUIDING}", json=BOTERDIEP_31, content_type=HAL, headers=HEADERS)
    responses.get(ADRESSEN_URL, json=collection([]), content_type=HAL, headers=HEADERS)
    responses.get(API_ROOT + "info", json=INFO, headers=HEADERS)
    connector = BagConnector(bag_source.to_config())

    connector.run(ConnectorRequest("adres", {"nummeraanduidingIdentificatie": NUMMERAANDUIDING}, ADRES_FIELDS))
    connector.run(ConnectorRequest("adres_zoeken", {"postcode": "3077 aw", "huisnummer": 31}, ADRES_FIELDS))
    connector.run(ConnectorRequest(
        "adres_zoeken",
        {"postcode": "3511BR", "huisnummer": "1", "huisletter": "A", "huisnummertoevoeging": "bis"},
        ADRES_FIELDS,
    ))
    connector.run(ConnectorRequest("adres_zoeken", {"postcode": "3077AW", "huisnummer": 31, "exacteMatch": False},
                                   ADRES_FIELDS))
    connector.check_connection()

    assert len(responses.calls) == 5
    for call in responses.calls:
        assert_request_conforms(openapi, call.request)


@responses.activate
def test_the_answers_used_in_the_unit_tests_conform_to_the_spec():
    openapi = bag_spec(API_ROOT)
    one = f"{ADRESSEN_URL}/{NUMMERAANDUIDING}"
    examples = [
        (one, 200, HAL, BOTERDIEP_31),
        (one, 404, PROBLEM, NOT_FOUND),
        (ADRESSEN_URL, 200, HAL, collection([BOTERDIEP_31, an_adres("0599200000219680", huisletter="B")], next_page=2)),
        (ADRESSEN_URL, 200, HAL, {"_links": {"self": {"href": ADRESSEN_URL}}}),
        (ADRESSEN_URL, 400, PROBLEM, BAD_REQUEST),
        (API_ROOT + "info", 200, "application/json", INFO),
    ]
    for url, status, content_type, body in examples:
        responses.get(url, status=status, json=body, content_type=content_type, headers=HEADERS)
        params = {"postcode": "3077AW", "huisnummer": 31} if url == ADRESSEN_URL else None
        answer = requests.get(url, params=params, headers={"X-Api-Key": "k", "Accept": HAL})
        assert_response_conforms(openapi, answer.request, answer)
        responses.reset()
