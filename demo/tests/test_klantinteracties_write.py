"""`POST maak-klantcontact` of the demo Open Klant: all three records or none, as the spec says, and
the new klantcontact is listed for the partij afterwards."""

from __future__ import annotations

import pytest
import requests

from connectors.contrib.klantinteracties.report import Report, klantcontact_report_create, report_body
from connectors.contrib.klantinteracties.tests.spec import (
    KLANTINTERACTIES,
    assert_request_conforms,
    assert_response_conforms,
    openklant_spec,
)
from demo.servers.klantinteracties import DEMO_TOKEN, start_klantinteracties_server

pytestmark = pytest.mark.integration

SUZANNE = "999993653"
AUTH = {"Authorization": f"Token {DEMO_TOKEN}"}
BSN_FILTERS = {
    "partijIdentificator__codeObjecttype": "natuurlijk_persoon", "partijIdentificator__codeSoortObjectId": "bsn",
    "partijIdentificator__codeRegister": "brp", "partijIdentificator__objectId": SUZANNE,
}


@pytest.fixture
def server():
    with start_klantinteracties_server() as running:
        yield running


def partij_uuid(server) -> str:
    return requests.get(server.api_root + "partijen", params=BSN_FILTERS, headers=AUTH, timeout=5).json()["results"][0]["uuid"]


def contacts(server, uuid: str) -> list[dict]:
    params = {"hadBetrokkene__wasPartij__uuid": uuid}
    return requests.get(server.api_root + "klantcontacten", params=params, headers=AUTH, timeout=5).json()["results"]


def test_a_report_creates_the_three_records_and_shows_among_the_partijs_klantcontacten(server):
    uuid = partij_uuid(server)
    report = Report(subject_type="bsn", subject_value=SUZANNE, onderwerp="Onjuiste gegevens gemeld: brp naam",
                    inhoud="Mijn naam klopt niet.", kanaal="mijn-omgeving",
                    onderwerpobject={"codeRegister": "brp", "codeObjecttype": "persoon", "codeSoortObjectId": "bsn",
                                     "objectId": SUZANNE})
    before = len(contacts(server, uuid))

    response = requests.post(server.api_root + "maak-klantcontact", json=report_body(report, uuid), headers=AUTH, timeout=5)

    assert response.status_code == 201
    body = response.json()
    assert body["betrokkene"]["wasPartij"]["uuid"] == uuid
    assert body["onderwerpobject"]["klantcontact"]["uuid"] == body["klantcontact"]["uuid"]
    assert len(contacts(server, uuid)) == before + 1
    spec = openklant_spec(KLANTINTERACTIES, server.api_root)  # the vendored spec (tests/specs)
    assert_request_conforms(spec, response.request)
    assert_response_conforms(spec, response.request, response)


@pytest.mark.parametrize(
    "change",
    [
        lambda body: body["klantcontact"].pop("onderwerp"),
        lambda body: body["klantcontact"].update(kanaal="x" * 51),
        lambda body: body["betrokkene"].update(rol="eigenaar"),
        lambda body: body["betrokkene"].update(wasPartij={"uuid": "00000000-0000-0000-0000-000000000000"}),
    ],
    ids=["no-onderwerp", "long-kanaal", "unknown-rol", "unknown-partij"],
)
def test_an_invalid_request_writes_nothing(server, change):
    uuid = partij_uuid(server)
    body = report_body(Report("bsn", SUZANNE, "o", "i", "k", {}), uuid)
    change(body)
    before = len(contacts(server, uuid))

    response = requests.post(server.api_root + "maak-klantcontact", json=body, headers=AUTH, timeout=5)

    assert response.status_code == 400
    assert len(contacts(server, uuid)) == before


def test_the_connector_registers_a_report_through_the_demo(server, db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    service = Service.objects.create(label="ok", slug="ok", api_type=APITypes.orc, api_root=server.api_root,
                                     auth_type=AuthTypes.api_key, header_key="Authorization",
                                     header_value=f"Token {DEMO_TOKEN}", timeout=5)
    source = Source.objects.create(name="klantinteracties", connector="klantinteracties", service=service, timeout=3)

    registered = klantcontact_report_create(source=source.to_config(), report=Report(
        "bsn", SUZANNE, "Onjuiste gegevens gemeld", "Toelichting", "mijn-omgeving", {"codeRegister": "brp"}))

    assert registered.referentienummer and registered.url.startswith(server.api_root)

