"""Integration tests of the demo BAG's objects (verblijfsobjecten and panden): real loopback HTTP,
every answer checked against the spec (BAG IB 2.6.0, typo-fixed copy), and the BAG connector's
object operations end to end."""

import pytest
import requests

from connectors.base import ConnectorRequest, Status
from connectors.contrib.bag.plugin import BagConnector
from connectors.contrib.bag.tests.spec import bag_spec
from demo.servers.bag import start_bag_server
from demo.universe import ADDRESSES, BAG_OBJECTS, OBJECT_STORY_ADDRESS, pand_identificatie
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


def get(server, path, params=None):
    return requests.get(server.api_root + path, params=params, headers={"Accept": HAL, "X-Api-Key": API_KEY}, timeout=5)


def test_every_address_has_a_verblijfsobject_in_a_pand_and_the_answers_conform(server, openapi):
    for address in ADDRESSES:
        by_address = get(server, "adresseerbareobjecten", {"nummeraanduidingIdentificatie": address["nummeraanduidingIdentificatie"]})
        [found] = by_address.json()["_embedded"]["adresseerbareObjecten"]
        verblijfsobject = found["verblijfsobject"]["verblijfsobject"]
        assert verblijfsobject["identificatie"] == address["adresseerbaarObjectIdentificatie"]
        assert verblijfsobject["heeftAlsHoofdAdres"] == address["nummeraanduidingIdentificatie"]
        assert verblijfsobject["maaktDeelUitVan"] == [pand_identificatie(address["adresseerbaarObjectIdentificatie"])]
        by_id = get(server, f"adresseerbareobjecten/{address['adresseerbaarObjectIdentificatie']}")
        pand = get(server, f"panden/{verblijfsobject['maaktDeelUitVan'][0]}")

        for answer in (by_address, by_id, pand):
            assert answer.status_code == 200 and answer.headers["API-Version"] == "2.6.0"
            assert_response_conforms(openapi, answer.request, answer)
        assert pand.json()["pand"]["status"] == "Pand in gebruik"


def test_the_story_objects_have_their_own_use_size_and_year(server):
    for identificatie, story in BAG_OBJECTS.items():
        verblijfsobject = get(server, f"adresseerbareobjecten/{identificatie}").json()["verblijfsobject"]["verblijfsobject"]
        pand = get(server, f"panden/{pand_identificatie(identificatie)}").json()["pand"]

        assert verblijfsobject["gebruiksdoelen"] == story["gebruiksdoelen"]
        assert verblijfsobject["oppervlakte"] == story["oppervlakte"]
        assert pand["oorspronkelijkBouwjaar"] == story["bouwjaar"]


@pytest.mark.parametrize(
    "path, params, status",
    [
        ("adresseerbareobjecten/0599010000999999", None, 404),
        ("panden/0599100000999999", None, 404),
        ("panden/0599010000208579", None, 400),
        ("adresseerbareobjecten", {"nummeraanduidingIdentificatie": "0599010000208579"}, 400),
        ("adresseerbareobjecten", {"nummeraanduiding": "0599200000219678"}, 400),
        ("adresseerbareobjecten", None, 400),
    ],
)
def test_unknown_ids_and_bad_params_are_problems_that_conform(server, openapi, path, params, status):
    answer = get(server, path, params)

    assert answer.status_code == status
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert_response_conforms(openapi, answer.request, answer)


def test_an_address_without_a_verblijfsobject_is_an_empty_collection(server, openapi):
    answer = get(server, "adresseerbareobjecten", {"nummeraanduidingIdentificatie": "0599200000999999"})

    assert answer.status_code == 200 and "_embedded" not in answer.json()
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
    return Source.objects.create(name="bag", connector="bag", service=service, timeout=3.0)


def test_the_bag_connector_reads_the_object_and_pand_of_the_story_address(bag_source, server, openapi):
    connector = BagConnector(bag_source.to_config())
    sent = []
    original = requests.adapters.HTTPAdapter.send

    def spy(adapter, request, **kwargs):
        sent.append(request)
        return original(adapter, request, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests.adapters.HTTPAdapter, "send", spy)
        obj = connector.run(ConnectorRequest(
            "adresseerbaar_object", {"nummeraanduidingIdentificatie": OBJECT_STORY_ADDRESS["nummeraanduidingIdentificatie"]}, ()
        ))
        pand = connector.run(ConnectorRequest("pand", {"pandIdentificatie": obj.data["pandIdentificaties"][0]}, ()))

    assert obj.status is Status.OK and pand.status is Status.OK, (obj.detail, pand.detail)
    assert (obj.data["gebruiksdoelen"], obj.data["oppervlakte"]) == (["woonfunctie"], 112)
    assert pand.data["oorspronkelijkBouwjaar"] == "1932"
    for request in sent:
        assert_request_conforms(openapi, request)
