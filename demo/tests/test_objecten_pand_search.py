"""Integration tests of the demo Objects API's geo search (`POST objects/search` with
`geometry.within`) over real loopback HTTP: the demo BAG's pand outlines and the permits' locations
agree (the shop's rebuilding lies in the bakery's pand, its terrace on the pavement outside), the
answers and the Objecten connector's `objecten_in_pand` requests conform to the Objects API 2.7.0
spec, and the server refuses what objects-api refuses."""

import pytest
import requests

from connectors.base import ConnectorRequest, Status
from connectors.contrib.objecten.geometry import pand_geometry_to_wgs84
from connectors.contrib.objecten.plugin import ObjectenConnector
from demo.servers.bag import build_adressen
from demo.servers.bag_objecten import build_objecten
from demo.servers.objecten import start_objecten_server
from demo.universe import COMPANY, OBJECT_STORY_ADDRESS, pand_identificatie
from tests.contracts import assert_request_conforms, assert_response_conforms, source_spec

pytestmark = pytest.mark.integration

TOKEN = "demo-objecten-token"
BAKERY_PAND = pand_identificatie(COMPANY["vestigingen"][0]["adres"]["adresseerbaarObjectIdentificatie"])
STORY_PAND = pand_identificatie(OBJECT_STORY_ADDRESS["adresseerbaarObjectIdentificatie"])
PANDEN = build_objecten(build_adressen())[1]


@pytest.fixture(scope="module")
def server():
    server = start_objecten_server(token=TOKEN)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def openapi(server):
    return source_spec("objecten/openapi.yaml", server.api_root)


def search(server, body, **headers):
    headers = {"Authorization": f"Token {TOKEN}", "Content-Crs": "EPSG:4326", **headers}
    return requests.post(server.api_root + "objects/search", json=body, headers=headers, timeout=5)


def within(pand: str) -> dict:
    return pand_geometry_to_wgs84(PANDEN[pand]["geometrie"])


@pytest.mark.parametrize("pand, activiteiten", [
    (BAKERY_PAND, ["verbouwen winkel"]),
    (STORY_PAND, ["plaatsen dakkapel"]),
    (pand_identificatie("0518010000631274"), []),
])
def test_a_search_within_a_demo_pand_finds_the_permits_located_in_it_and_conforms(server, openapi, pand, activiteiten):
    answer = search(server, {"geometry": {"within": within(pand)}, "type": server.vergunning_objecttype_url})

    assert answer.status_code == 200, answer.text
    assert [o["record"]["data"]["activiteit"] for o in answer.json()["results"]] == activiteiten
    assert_request_conforms(openapi, answer.request)
    assert_response_conforms(openapi, answer.request, answer)


def test_the_terrace_lies_outside_every_pand_and_the_permits_of_other_types_are_not_searched(server):
    everywhere = search(server, {"type": server.vergunning_objecttype_url}).json()["results"]
    persons = search(server, {"geometry": {"within": within(STORY_PAND)}, "type": server.objecttype_url})

    assert len(everywhere) == 3  # without geometry: every permit, as an ignored filter would give
    terrace = next(o for o in everywhere if o["record"]["data"]["activiteit"] == "terras op de stoep")
    for pand in PANDEN:
        found = search(server, {"geometry": {"within": within(pand)}}).json()["results"]
        assert terrace["uuid"] not in {o["uuid"] for o in found}
    assert persons.json()["results"] == []


@pytest.mark.parametrize("body, headers, status, name", [
    ({"geometry": {"within": {"type": "Point", "coordinates": [4.5, 51.9]}}}, {}, 400, "geometry.within"),
    ({"geometry": {"within": {"type": "Polygon", "coordinates": [[[4.5, 51.9], [4.6, 51.9]]]}}}, {}, 400,
     "geometry.within"),
    ({"type": "https://elders.example.org/objecttypes/x"}, {}, 400, "type"),
    ({"type": None}, {"Content-Crs": "EPSG:28992"}, 412, None),
])
def test_the_demo_refuses_what_objects_api_refuses(server, body, headers, status, name):
    answer = search(server, body, **headers)

    assert answer.status_code == status, answer.text
    if name:
        assert [p["name"] for p in answer.json()["invalidParams"]] == [name]


@pytest.fixture
def vergunningen_source(db, server):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    service = Service.objects.create(
        label="Demo Objecten", slug="demo-objecten", api_type=APITypes.orc, api_root=server.api_root,
        auth_type=AuthTypes.api_key, header_key="Authorization", header_value=f"Token {TOKEN}", timeout=5,
    )
    source = Source(name="vergunningen", connector="objecten", service=service, timeout=3.0,
                    options={"objecttype": server.vergunning_objecttype_url, "geometry_search": True})
    source.full_clean()
    return source.to_config()


def test_the_connector_finds_the_permit_within_the_bakery_from_the_bag_geometry(vergunningen_source, openapi):
    sent = []
    original = requests.adapters.HTTPAdapter.send

    def spy(adapter, request, **kwargs):
        sent.append(request)
        return original(adapter, request, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests.adapters.HTTPAdapter, "send", spy)
        result = ObjectenConnector(vergunningen_source).run(ConnectorRequest(
            "objecten_in_pand", {"geometrie": PANDEN[BAKERY_PAND]["geometrie"]}, ("record.data", "record.startAt")))

    assert result.status is Status.OK, result.detail
    assert [(o["record"]["data"]["vergunning"], o["record"]["data"]["zaak"]) for o in result.data] == [
        ("omgevingsvergunning", "ZAAK-2025-0000000140")]
    assert sent
    for request in sent:
        assert_request_conforms(openapi, request)
