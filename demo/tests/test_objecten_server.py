"""Integration tests of the demo Objects API: real loopback HTTP, answers checked against the spec
(tests/specs/objecten/openapi.yaml), and the Objecten connector end to end."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from connectors.base import ConnectorRequest, Status
from connectors.contrib.objecten.plugin import ObjectenConnector
from demo.servers.objecten import OTHER_OBJECTTYPE_URL_PATH, start_objecten_server
from demo.universe import COMPANY, OBJECT_BSN_ATTRIBUTE, OBJECT_KVK_ATTRIBUTE, PERSONS
from tests.contracts import assert_request_conforms, assert_response_conforms, source_spec

pytestmark = pytest.mark.integration

TOKEN = "demo-objecten-token"
BSN = "999993653"


@pytest.fixture(scope="module")
def server():
    server = start_objecten_server(token=TOKEN)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def openapi(server):
    return source_spec("objecten/openapi.yaml", server.api_root)


def get(server, path="objects", params=None, token=TOKEN, **headers):
    if token:
        headers["Authorization"] = f"Token {token}"
    return requests.get(server.api_root + path, params=params, headers=headers, timeout=5)


def test_the_objects_of_one_person_and_objecttype_are_found_and_conform_to_the_spec(server, openapi):
    answer = get(server, params={"type": server.objecttype_url, "data_attr": f"{OBJECT_BSN_ATTRIBUTE}__exact__{BSN}"},
                 **{"Accept-Crs": "EPSG:4326"})

    assert answer.status_code == 200
    assert answer.headers["Content-Crs"] == "EPSG:4326"
    body = answer.json()
    assert body["count"] == 2 and body["next"] is None
    assert {o["record"]["data"]["registratie"] for o in body["results"]} == {"parkeervergunning", "afvalpas"}
    assert {o["type"] for o in body["results"]} == {server.objecttype_url}
    assert_response_conforms(openapi, answer.request, answer)


def test_every_demo_person_has_objects_of_the_demo_objecttype(server):
    for person in PERSONS:
        answer = get(server, params={"type": server.objecttype_url, "data_attr": f"bsn__exact__{person['bsn']}"})
        assert answer.json()["count"] >= 1


def test_the_type_filter_matters_because_another_objecttype_also_names_the_person(server):
    without_type = get(server, params={"data_attr": f"bsn__exact__{BSN}"}).json()

    assert without_type["count"] == 3
    assert server.base_url + OTHER_OBJECTTYPE_URL_PATH in {o["type"] for o in without_type["results"]}


def test_the_company_has_registrations_of_its_own_objecttype_per_vestiging(server, openapi):
    kvk = COMPANY["kvkNummer"]
    answer = get(server, params={"type": server.company_objecttype_url,
                                 "data_attr": f"{OBJECT_KVK_ATTRIBUTE}__exact__{kvk}"})

    body = answer.json()
    assert body["count"] == 2
    assert {o["record"]["data"]["registratie"] for o in body["results"]} == {"bedrijfsafvalcontract", "reclamevergunning"}
    assert {o["record"]["data"]["vestigingsnummer"] for o in body["results"]} == {
        v["vestigingsnummer"] for v in COMPANY["vestigingen"]
    }
    assert_response_conforms(openapi, answer.request, answer)


def test_an_unknown_query_parameter_is_ignored_and_returns_every_object(server, openapi):
    answer = get(server, params={"type": server.objecttype_url, "data_atr": f"bsn__exact__{BSN}"})

    bsns = {o["record"]["data"]["bsn"] for o in answer.json()["results"]}
    assert len(bsns) == len(PERSONS)
    assert_response_conforms(openapi, answer.request, answer)


def test_fields_select_nested_names_and_a_missing_name_is_a_400(server):
    # Not checked against the spec: a field-selected answer leaves out properties the spec marks
    # required (`type`, `record.startAt`, `record.typeVersion`), as objects-api itself does.
    params = {"type": server.objecttype_url, "data_attr": f"bsn__exact__{BSN}", "fields": "uuid,record__data__bsn"}
    answer = get(server, params=params)
    missing = get(server, params=dict(params, fields="record__data__kenteken"))

    assert answer.json()["results"][0] == {"uuid": answer.json()["results"][0]["uuid"], "record": {"data": {"bsn": BSN}}}
    assert missing.status_code == 400
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert missing.json()["invalidParams"][0]["name"] == "fields"


def test_data_attr_operators_nested_keys_and_the_deprecated_data_attrs_work(server):
    icontains = get(server, params={"data_attr": "registratie__icontains__WMO"}).json()
    in_list = get(server, params={"data_attr": "registratie__in__afvalpas|parkeervergunning"}).json()
    both = get(server, params={"data_attrs": f"bsn__exact__{BSN},registratie__exact__afvalpas"}).json()
    repeated = get(server, params=[("data_attr", f"bsn__exact__{BSN}"), ("data_attr", "registratie__exact__afvalpas")]).json()
    numeric = get(server, params={"data_attr": "urenPerWeek__gte__3"}).json()

    assert icontains["count"] == 2
    assert in_list["count"] == 5
    assert both["count"] == repeated["count"] == 1
    assert numeric["count"] == 1


def test_pages_link_to_the_next_page_on_this_server(server, openapi):
    first = get(server, params={"type": server.objecttype_url, "pageSize": 3})
    body = first.json()

    assert body["count"] == 7 and len(body["results"]) == 3
    assert body["next"].startswith(server.api_root + "objects?")
    assert parse_qs(urlsplit(body["next"]).query)["page"] == ["2"]
    last = get(server, params={"type": server.objecttype_url, "pageSize": 3, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert get(server, params={"pageSize": 3, "page": 9}).status_code == 404
    assert_response_conforms(openapi, first.request, first)


def test_one_object_by_uuid_conforms_to_the_spec(server, openapi):
    some = get(server, params={"data_attr": f"bsn__exact__{BSN}"}).json()["results"][0]

    answer = get(server, path=f"objects/{some['uuid']}")

    assert answer.status_code == 200 and answer.json() == some
    assert_response_conforms(openapi, answer.request, answer)
    assert get(server, path="objects/00000000-0000-4000-8000-000000000000").status_code == 404


@pytest.mark.parametrize(
    "params, name",
    [
        ({"type": "https://elsewhere.example.org/objecttypes/1"}, "type"),
        ({"data_attr": "bsn__equals__1"}, "data_attr"),
        ({"data_attr": "bsn"}, "data_attr"),
    ],
)
def test_invalid_filters_are_a_400_problem_with_invalid_params(server, params, name):
    answer = get(server, params=params)

    assert answer.status_code == 400
    assert answer.json()["invalidParams"][0]["name"] == name


def test_a_missing_or_wrong_token_is_refused(server):
    assert get(server, token=None).status_code == 401
    assert get(server, token="wrong").status_code == 401
    assert get(server, token=None).json()["code"] == "not_authenticated"


@pytest.fixture
def objecten_source(db, server):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    service = Service.objects.create(
        label="Demo Objecten", slug="demo-objecten", api_type=APITypes.orc, api_root=server.api_root,
        auth_type=AuthTypes.api_key, header_key="Authorization", header_value=f"Token {TOKEN}", timeout=5,
    )
    options = ObjectenConnector.validate_options(
        {"objecttype": server.objecttype_url, "data_attribute": OBJECT_BSN_ATTRIBUTE}
    )
    return Source.objects.create(name="objecten", connector="objecten", service=service, options=options, timeout=3.0)


def test_the_connector_gets_only_the_persons_objects_of_the_objecttype_end_to_end(objecten_source, openapi):
    connector = ObjectenConnector(objecten_source.to_config())

    result = connector.run(ConnectorRequest("objecten", {"bsn": BSN}, ("uuid", "type", "record.data", "record.startAt")))

    assert result.status is Status.OK, result.detail
    assert sorted(o["record"]["data"]["registratie"] for o in result.data) == ["afvalpas", "parkeervergunning"]
    assert all(set(o) == {"uuid", "type", "record"} for o in result.data)
    assert result.detail == ""
    assert connector.check_connection().ok


def test_the_connector_requests_conform_to_the_spec(objecten_source, openapi):
    sent = []
    connector = ObjectenConnector(objecten_source.to_config())
    original = requests.adapters.HTTPAdapter.send

    def spy(adapter, request, **kwargs):
        sent.append(request)
        return original(adapter, request, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests.adapters.HTTPAdapter, "send", spy)
        connector.run(ConnectorRequest("objecten", {"bsn": BSN}, ("record.startAt",)))

    assert sent
    for request in sent:
        assert_request_conforms(openapi, request)


def test_a_failing_demo_server_gives_the_connector_an_error(objecten_source, server):
    server.set_faults(failure_rate=1.0)
    try:
        result = ObjectenConnector(objecten_source.to_config()).run(ConnectorRequest("objecten", {"bsn": BSN}, ("uuid",)))
    finally:
        server.set_faults()

    assert result.status is Status.ERROR
    assert "HTTP 503" in result.detail
