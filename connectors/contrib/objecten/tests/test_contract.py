"""Contract tests: the Objecten connector's requests, and the answers its unit tests use, conform
to the Objects API 2.7.0 spec (tests/specs/objecten/openapi.yaml)."""

import requests
import responses

from connectors.base import ConnectorRequest
from connectors.contrib.objecten.fields import OBJECT_FIELDS
from connectors.contrib.objecten.plugin import ObjectenConnector
from tests.contracts import assert_request_conforms, assert_response_conforms, source_spec

from .examples import AFVALPAS, API_ROOT, BSN, OBJECTS_URL, PARKEERVERGUNNING, an_object, page

SPEC = "objecten/openapi.yaml"


@responses.activate
def test_the_requests_of_objecten_and_check_connection_conform_to_the_spec(objecten_source):
    openapi = source_spec(SPEC, API_ROOT)
    responses.get(OBJECTS_URL, json=page([]))
    connector = ObjectenConnector(objecten_source.to_config())

    connector.run(ConnectorRequest("objecten", {"bsn": BSN}, OBJECT_FIELDS))
    connector.run(ConnectorRequest("objecten", {"kvk": "90004760"}, ("record.startAt",)))
    connector.run(ConnectorRequest("objecten", {"bsn": BSN}, ()))
    connector.check_connection()

    assert len(responses.calls) == 4
    for call in responses.calls:
        assert_request_conforms(openapi, call.request)


@responses.activate
def test_the_answers_used_in_the_unit_tests_conform_to_the_spec():
    openapi = source_spec(SPEC, API_ROOT)
    examples = [
        page([PARKEERVERGUNNING, AFVALPAS]),
        page([an_object("4f3b5e60-7c8d-4e9f-a0b1-2c3d4e5f6071", data={"eigenaar": {"kvkNummer": "90004760"}})]),
        page([PARKEERVERGUNNING], count=7, next_url=OBJECTS_URL + "?page=2"),
        page([]),
    ]
    for example in examples:
        responses.get(OBJECTS_URL, json=example)
        answer = requests.get(OBJECTS_URL, params={"type": PARKEERVERGUNNING["type"]})
        assert_response_conforms(openapi, answer.request, answer)
