"""Integration tests of the demo Objects API's permits per address: real loopback HTTP, answers
checked against the spec (Objects API 2.7.0), and the Objecten connector's `objecten_op_adres` end
to end."""

import pytest
import requests

from connectors.base import ConnectorRequest, Status
from connectors.contrib.objecten.plugin import ObjectenConnector
from demo.servers.objecten import start_objecten_server
from demo.universe import COMPANY, OBJECT_ADRES_ATTRIBUTE, OBJECT_STORY_ADDRESS
from tests.contracts import assert_request_conforms, assert_response_conforms, source_spec

pytestmark = pytest.mark.integration

TOKEN = "demo-objecten-token"
HOOFDVESTIGING = COMPANY["vestigingen"][0]["adres"]["nummeraanduidingIdentificatie"]


@pytest.fixture(scope="module")
def server():
    server = start_objecten_server(token=TOKEN)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def openapi(server):
    return source_spec("objecten/openapi.yaml", server.api_root)


def filter_on(nummeraanduiding: str) -> str:
    return "__".join([*OBJECT_ADRES_ATTRIBUTE.split("."), "exact", nummeraanduiding])


@pytest.mark.parametrize(
    "nummeraanduiding, permits",
    [
        (OBJECT_STORY_ADDRESS["nummeraanduidingIdentificatie"], {("omgevingsvergunning", "ZAAK-2025-0000000301")}),
        (HOOFDVESTIGING, {("omgevingsvergunning", "ZAAK-2025-0000000140"), ("terrasvergunning", "ZAAK-2025-0000000176")}),
        ("0518200000631273", set()),
    ],
)
def test_the_permits_at_an_address_are_found_by_its_bag_id_and_conform(server, openapi, nummeraanduiding, permits):
    answer = requests.get(
        server.api_root + "objects",
        params={"type": server.vergunning_objecttype_url, "data_attr": filter_on(nummeraanduiding)},
        headers={"Authorization": f"Token {TOKEN}"}, timeout=5,
    )

    assert answer.status_code == 200
    assert {(o["record"]["data"]["vergunning"], o["record"]["data"]["zaak"]) for o in answer.json()["results"]} == permits
    assert_response_conforms(openapi, answer.request, answer)


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
                    options={"objecttype": server.vergunning_objecttype_url, "adres_attribute": OBJECT_ADRES_ATTRIBUTE})
    source.full_clean()
    return source.to_config()


def test_the_connector_finds_the_permits_of_the_story_address(vergunningen_source, openapi):
    sent = []
    original = requests.adapters.HTTPAdapter.send

    def spy(adapter, request, **kwargs):
        sent.append(request)
        return original(adapter, request, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests.adapters.HTTPAdapter, "send", spy)
        result = ObjectenConnector(vergunningen_source).run(ConnectorRequest(
            "objecten_op_adres", {"nummeraanduidingIdentificatie": OBJECT_STORY_ADDRESS["nummeraanduidingIdentificatie"]},
            ("record.data", "record.startAt"),
        ))

    assert result.status is Status.OK, result.detail
    assert [(o["record"]["data"]["activiteit"], o["record"]["data"]["status"]) for o in result.data] == [
        ("plaatsen dakkapel", "verleend"),
    ]
    for request in sent:
        assert_request_conforms(openapi, request)
