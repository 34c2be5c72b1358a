"""Ownership at the level of a view: the demo's adresbeeld and zaakbeeld (demo/config.yaml) over
servers that ignore the filters IKO sends, as the ZGW APIs and the Objects API do with a misspelt
filter, and answer with records of other addresses and zaken. Those records never reach the view:
each connector drops what is not about what it asked for (connectors/contrib/*/tests show how per
operation; here the whole view). `responses` plays the servers with spec-shaped answers from the
connectors' own test samples."""

import json

import pytest
import responses
from rest_framework.test import APIClient

from connectors.contrib.besluiten.tests import samples as besluiten
from connectors.contrib.objecten.tests.examples import OBJECTTYPE, an_object, page
from connectors.contrib.zaken.tests import samples as zaken
from connectors.contrib.zaken.tests import samples_objects as zaakobjecten
from demo.config import DEMO_TOKEN, demo_configure
from demo.tests.test_config import ROOTS

BOTERDIEP_31 = "0599200000219678"
OTHER_ADDRESS = "0599200000219679"
OBJECTEN_ROOT = "https://objecten.example.nl/api/v2/"
ROOTS_HERE = {
    **ROOTS,
    "zaken_api_root": zaken.ZAKEN_ROOT,
    "catalogi_api_root": zaken.CATALOGI_ROOT,
    "besluiten_api_root": besluiten.BESLUITEN_ROOT,
    "documenten_api_root": besluiten.DOCUMENTEN_ROOT,
    "objecten_api_root": OBJECTEN_ROOT,
    "vergunning_objecttype_url": OBJECTTYPE,
}


@pytest.fixture
def api(db):
    from profiles.access.grants import grant_cache_clear

    grant_cache_clear()
    demo_configure(**ROOTS_HERE)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {DEMO_TOKEN}")
    return client


def vergunning(uuid, nummeraanduiding):
    return an_object(uuid, data={"vergunning": "omgevingsvergunning", "status": "verleend",
                                 "adres": {"nummeraanduidingIdentificatie": nummeraanduiding}})


@responses.activate
def test_zaken_besluiten_and_permits_of_other_addresses_never_reach_the_adresbeeld(api):
    # The Zaken API ignored ?object=: a zaakobject of another address, and the _zoek ignored uuid__in.
    responses.get(zaken.ZAKEN_ROOT + "zaakobjecten", json=zaken.page([
        zaakobjecten.zaakobject(1), zaakobjecten.zaakobject(2, zaakobjecten.BAG + f"adressen/{OTHER_ADDRESS}"),
    ]))
    responses.post(zaken.ZAKEN_ROOT + "zaken/_zoek", json=zaken.page([
        zaken.expanded(zaken.zaak(n), n) for n in (1, 2)
    ]))
    # The Besluiten API ignored ?zaak=: the besluit of zaak 2 comes along.
    responses.get(besluiten.BESLUITEN_ROOT + "besluiten", json=besluiten.page([
        besluiten.besluit(1, zaak=1), besluiten.besluit(2, zaak=2),
    ]))
    # The Objects API ignored data_attr: the permit of the bakery next door comes along.
    responses.get(OBJECTEN_ROOT + "objects", json=page([
        vergunning("5a4c6f71-8d9e-4fa0-b1c2-3d4e5f607182", BOTERDIEP_31),
        vergunning("6b5d7a82-9eaf-4b01-a2d3-4e5f60718293", OTHER_ADDRESS),
    ]))

    response = api.post("/api/v1/profiles/adresbeeld/view",
                        {"subject": {"type": "adres", "value": BOTERDIEP_31}, "purpose": "vergunningverlening"},
                        format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    data = body["data"]
    assert [z["identificatie"] for z in data["zaken"]] == ["ZAAK-2025-0000000001"]
    assert [b["identificatie"] for b in data["zaken"][0]["besluiten"]] == ["BESLUIT-2025-0001"]
    assert len(data["vergunningen"]) == 1
    # Nothing of the foreign records, anywhere in the answer.
    text = json.dumps(data)
    assert "ZAAK-2025-0000000002" not in text and "BESLUIT-2025-0002" not in text
    # The zaken _zoek asked only for the zaak of this address's zaakobject.
    zoek = next(c for c in responses.calls if c.request.url.startswith(zaken.ZAKEN_ROOT + "zaken/_zoek"))
    assert json.loads(zoek.request.body) == {"uuid__in": [zaken.uid("zaak", 1)]}
    # Each source says it dropped something.
    assert "Dropped" in body["sources"]["zaken"]["detail"]
    assert "ropped" in body["sources"]["besluiten"]["detail"]
    assert "ropped" in body["sources"]["vergunningen"]["detail"]


@responses.activate
def test_zaken_of_another_identificatie_and_besluiten_of_another_zaak_never_reach_the_zaakbeeld(api):
    # The Zaken API ignored ?identificatie=: every zaak comes back.
    responses.get(zaken.ZAKEN_ROOT + "zaken", json=zaken.page([
        zaken.expanded(zaken.zaak(n), n) for n in (1, 2)
    ]))
    responses.get(besluiten.BESLUITEN_ROOT + "besluiten", json=besluiten.page([
        besluiten.besluit(1, zaak=1), besluiten.besluit(2, zaak=2),
    ]))

    response = api.post("/api/v1/profiles/zaakbeeld/view",
                        {"subject": {"type": "zaak", "value": "ZAAK-2025-0000000001"}, "purpose": "bezwaarbehandeling"},
                        format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    [zaak] = body["data"]["zaak"]
    assert zaak["identificatie"] == "ZAAK-2025-0000000001"
    assert [b["identificatie"] for b in zaak["besluiten"]] == ["BESLUIT-2025-0001"]
    assert "ZAAK-2025-0000000002" not in json.dumps(body["data"])
    assert "BESLUIT-2025-0002" not in json.dumps(body["data"])
