"""Tests of the Objecten connector's `objecten_op_adres` with `responses`: the exact filter on the
configured address attribute, that only objects about that address come back, which operations a
source offers for its options, and that the requests and answers conform to the Objects API spec."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from django.core.exceptions import ValidationError

from connectors.base import ConnectorRequest, Status
from connectors.contrib.objecten.plugin import ObjectenConnector
from tests.contracts import assert_request_conforms, assert_response_conforms, source_spec

from .examples import API_ROOT, OBJECTS_URL, OBJECTTYPE, OTHER_OBJECTTYPE, an_object, page

NUMMERAANDUIDING = "0599200000219678"
ATTRIBUTE = "adres.nummeraanduidingIdentificatie"


def vergunning(uuid: str, nummeraanduiding=NUMMERAANDUIDING, *, objecttype=OBJECTTYPE) -> dict:
    data = {"vergunning": "omgevingsvergunning dakkapel", "adres": {"nummeraanduidingIdentificatie": nummeraanduiding}}
    return an_object(uuid, objecttype=objecttype, data=data)


DAKKAPEL = vergunning("5a4c6f71-8d9e-4fa0-b1c2-3d4e5f607182")


@pytest.fixture
def vergunningen_source(objecten_service):
    from connectors.models import Source

    source = Source(name="vergunningen", connector="objecten", service=objecten_service, timeout=2.0,
                    options={"objecttype": OBJECTTYPE, "adres_attribute": ATTRIBUTE})
    source.full_clean()
    source.save()
    return source


def run(source, params=None, fields=("record.data", "record.startAt")):
    params = {"nummeraanduidingIdentificatie": NUMMERAANDUIDING} if params is None else params
    return ObjectenConnector(source.to_config()).run(ConnectorRequest("objecten_op_adres", params, tuple(fields)))


def query(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query, keep_blank_values=True)


@responses.activate
def test_it_filters_on_the_address_attribute_with_the_token(vergunningen_source):
    responses.get(OBJECTS_URL, json=page([DAKKAPEL]))

    result = run(vergunningen_source)

    assert result.status is Status.OK, result.detail
    assert query(responses.calls[0]) == {
        "type": [OBJECTTYPE],
        "data_attr": [f"adres__nummeraanduidingIdentificatie__exact__{NUMMERAANDUIDING}"],
        "fields": ["type,record__data,record__startAt"],
        "page": ["1"], "pageSize": ["100"],
    }
    assert responses.calls[0].request.headers["Authorization"] == "Token objecten-secret"
    assert [o["record"]["data"]["vergunning"] for o in result.data] == ["omgevingsvergunning dakkapel"]


@responses.activate
def test_without_record_data_only_the_address_attribute_is_asked_for(vergunningen_source):
    responses.get(OBJECTS_URL, json=page([]))

    run(vergunningen_source, fields=("record.startAt",))

    assert query(responses.calls[0])["fields"] == ["type,record__startAt,record__data__adres__nummeraanduidingIdentificatie"]


@responses.activate
def test_objects_of_another_address_or_objecttype_are_dropped_when_a_filter_was_ignored(vergunningen_source):
    responses.get(OBJECTS_URL, json=page([
        DAKKAPEL,
        vergunning("6b5d7082-9eaf-40b1-82d3-4e5f60718293", "0599200000219679"),
        vergunning("7c6e8193-afb0-41c2-93e4-5f60718293a4", objecttype=OTHER_OBJECTTYPE),
        an_object("8d7f92a4-b0c1-42d3-a4f5-60718293a4b5"),  # a person's object, no address at all
    ]))

    result = run(vergunningen_source)

    assert [o["uuid"] for o in result.data] == [DAKKAPEL["uuid"]]
    assert "Dropped 3 object(s)" in result.detail


@responses.activate
def test_no_objects_at_the_address_is_an_empty_list(vergunningen_source):
    responses.get(OBJECTS_URL, json=page([]))

    result = run(vergunningen_source)

    assert result.status is Status.OK and result.data == [] and "refer to this address" in result.detail


@pytest.mark.parametrize(
    "params, status",
    [
        ({"nummeraanduidingIdentificatie": None}, Status.SKIPPED),
        ({"nummeraanduidingIdentificatie": 599200000219678}, Status.ERROR),
        ({"nummeraanduidingIdentificatie": "0599010000208579"}, Status.ERROR),
        ({"nummeraanduidingIdentificatie": "0599200000219678__exact__x"}, Status.ERROR),
        ({"nummeraanduidingIdentificatie": NUMMERAANDUIDING, "bsn": "999993653"}, Status.ERROR),
    ],
)
@responses.activate
def test_invalid_params_are_refused_without_a_call(vergunningen_source, params, status):
    assert run(vergunningen_source, params).status is status
    assert len(responses.calls) == 0


def test_a_source_offers_the_operations_its_attributes_allow():
    both = {"objecttype": OBJECTTYPE, "data_attribute": "houder.bsn", "adres_attribute": ATTRIBUTE}
    assert set(ObjectenConnector.operations_for(both)) == {"objecten", "objecten_op_adres"}
    assert set(ObjectenConnector.operations_for({"objecttype": OBJECTTYPE, "data_attribute": "bsn"})) == {"objecten"}
    assert set(ObjectenConnector.operations_for({"objecttype": OBJECTTYPE, "adres_attribute": ATTRIBUTE})) == {"objecten_op_adres"}


def test_the_options_need_one_of_the_attributes_and_check_both():
    assert ObjectenConnector.validate_options({"objecttype": OBJECTTYPE, "adres_attribute": ATTRIBUTE})["adres_attribute"] == ATTRIBUTE
    with pytest.raises(ValidationError, match="Give 'data_attribute'"):
        ObjectenConnector.validate_options({"objecttype": OBJECTTYPE})
    with pytest.raises(ValidationError, match="'adres_attribute' may only hold"):
        ObjectenConnector.validate_options({"objecttype": OBJECTTYPE, "adres_attribute": "adres__nummeraanduiding"})


@responses.activate
def test_a_subject_call_on_an_address_only_source_is_refused_without_a_call(vergunningen_source):
    result = ObjectenConnector(vergunningen_source.to_config()).run(ConnectorRequest("objecten", {"bsn": "999993653"}, ()))

    assert result.status is Status.ERROR and "no data_attribute" in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_the_request_and_the_answers_used_here_conform_to_the_spec(vergunningen_source):
    openapi = source_spec("objecten/openapi.yaml", API_ROOT)
    responses.get(OBJECTS_URL, json=page([DAKKAPEL, vergunning("6b5d7082-9eaf-40b1-82d3-4e5f60718293", "0599200000219679")]))

    run(vergunningen_source)

    call = list(responses.calls)[0]
    assert_request_conforms(openapi, call.request)
    with requests.Session() as session:
        assert_response_conforms(openapi, call.request, session.send(call.request))


def test_the_parameter_schema_takes_only_a_nummeraanduiding_id():
    from connectors.params import params_validate

    operation = ObjectenConnector.operations["objecten_op_adres"]
    assert params_validate(operation=operation, params={"nummeraanduidingIdentificatie": NUMMERAANDUIDING}) == []
    assert [p.code for p in params_validate(operation=operation, params={"nummeraanduidingIdentificatie": "0599010000208579"})] == ["pattern"]
