"""Contract tests: the requests of the BAG connector's object operations, and the answers their unit
tests use, conform to the BAG IB 2.6.0 spec (the copy with the `kortNaam` typo fixed, spec.py)."""

from __future__ import annotations

import pytest
import requests
import responses

from connectors.base import ConnectorRequest, Status
from connectors.contrib.bag.objects import ADRESSEERBAAR_OBJECT_FIELDS, PAND_FIELDS
from connectors.contrib.bag.plugin import BagConnector
from tests.contracts import assert_request_conforms, assert_response_conforms

from .examples import API_ROOT, NUMMERAANDUIDING
from .examples_objects import HEADERS, OBJECTEN_URL, PAND, PANDEN_URL, VERBLIJFSOBJECT, a_pand, a_verblijfsobject, collection
from .spec import bag_spec

HAL = "application/hal+json"


@responses.activate
def test_the_requests_of_the_object_operations_conform_to_the_spec(bag_source):
    openapi = bag_spec(API_ROOT)
    responses.get(OBJECTEN_URL, json=collection([a_verblijfsobject()]), content_type=HAL, headers=HEADERS)
    responses.get(f"{OBJECTEN_URL}/{VERBLIJFSOBJECT}", json=a_verblijfsobject(), content_type=HAL, headers=HEADERS)
    responses.get(f"{PANDEN_URL}/{PAND}", json=a_pand(), content_type=HAL, headers=HEADERS)
    connector = BagConnector(bag_source.to_config())

    results = [
        connector.run(ConnectorRequest("adresseerbaar_object", {"nummeraanduidingIdentificatie": NUMMERAANDUIDING}, ADRESSEERBAAR_OBJECT_FIELDS)),
        connector.run(ConnectorRequest("adresseerbaar_object", {"adresseerbaarObjectIdentificatie": VERBLIJFSOBJECT}, ())),
        connector.run(ConnectorRequest("pand", {"pandIdentificatie": PAND}, PAND_FIELDS)),
    ]

    assert all(r.status is Status.OK for r in results), [r.detail for r in results]
    calls = list(responses.calls)
    assert len(calls) == 3
    for call in calls:
        assert_request_conforms(openapi, call.request)


@pytest.mark.parametrize(
    "url, body",
    [
        (OBJECTEN_URL, collection([a_verblijfsobject(), a_verblijfsobject("0599010000208581", hoofdadres="0599200000219680",
                                                                        nevenadressen=(NUMMERAANDUIDING,))])),
        (OBJECTEN_URL, collection([])),
        (f"{OBJECTEN_URL}/{VERBLIJFSOBJECT}", a_verblijfsobject(gebruiksdoelen=("winkelfunctie", "woonfunctie"))),
        (f"{PANDEN_URL}/{PAND}", a_pand()),
    ],
)
@responses.activate
def test_the_answers_used_in_the_unit_tests_conform_to_the_spec(url, body):
    openapi = bag_spec(API_ROOT)
    responses.get(url, json=body, content_type=HAL, headers=HEADERS)
    params = {"nummeraanduidingIdentificatie": NUMMERAANDUIDING} if url == OBJECTEN_URL else None

    answer = requests.get(url, params=params, headers={"X-Api-Key": "k", "Accept": HAL})

    assert_response_conforms(openapi, answer.request, answer)


@pytest.mark.parametrize(
    "url, body",
    [
        (f"{PANDEN_URL}/{PAND}", a_pand(status="Pand in aanbouw")),
        (f"{OBJECTEN_URL}/{VERBLIJFSOBJECT}", a_verblijfsobject(gebruiksdoelen=("bakkerij",))),
    ],
)
@responses.activate
def test_the_contract_check_is_not_vacuous(url, body):
    """A wrong answer must fail validation, or the tests above prove nothing."""
    openapi = bag_spec(API_ROOT)
    responses.get(url, json=body, content_type=HAL, headers=HEADERS)

    answer = requests.get(url, headers={"X-Api-Key": "k", "Accept": HAL})

    with pytest.raises(Exception, match="InvalidData|Invalid"):
        assert_response_conforms(openapi, answer.request, answer)
