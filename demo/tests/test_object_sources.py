"""The demo configuration's sources for the object views (documenten, besluiten, vergunningen), as
`demo_configure` sets them up, work against the demo servers: their connection check passes and
they answer about the object story. (The views adresbeeld and zaakbeeld over them:
tests/test_demo_object_views.py.)"""

from __future__ import annotations

import pytest

from connectors.base import ConnectorRequest, Status
from connectors.models import Source
from connectors.registry import registry
from demo.config import DEMO_OBJECTEN_TOKEN, DEMO_ZAKEN_CLIENT_ID, DEMO_ZAKEN_SECRET, demo_configure
from demo.servers.objecten import start_objecten_server
from demo.servers.zaken import start_zaken_server
from demo.universe import OBJECT_STORY_ADDRESS

from .test_config import ROOTS

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def servers():
    zaken = start_zaken_server(client_id=DEMO_ZAKEN_CLIENT_ID, secret=DEMO_ZAKEN_SECRET)
    objecten = start_objecten_server(token=DEMO_OBJECTEN_TOKEN)
    yield zaken, objecten
    zaken.stop()
    objecten.stop()


@pytest.fixture
def configured(db, servers):
    zaken, objecten = servers
    demo_configure(**{
        **ROOTS,
        "zaken_api_root": zaken.zaken_api_root,
        "catalogi_api_root": zaken.catalogi_api_root,
        "documenten_api_root": zaken.documenten_api_root,
        "besluiten_api_root": zaken.besluiten_api_root,
        "objecten_api_root": objecten.api_root,
        "objecttype_url": objecten.objecttype_url,
        "company_objecttype_url": objecten.company_objecttype_url,
        "vergunning_objecttype_url": objecten.vergunning_objecttype_url,
    })
    return zaken


def connector(name: str):
    source = Source.objects.get(name=name)
    return registry[source.connector](source.to_config())


@pytest.mark.parametrize("name", ["zaken", "documenten", "besluiten", "vergunningen"])
def test_the_object_sources_pass_their_connection_check(configured, name):
    check = connector(name).check_connection()

    assert check.ok, check.detail


def test_the_object_sources_answer_about_the_story(configured):
    zaak = next(z["url"] for z in configured.dataset.zaken.values() if z["identificatie"] == "ZAAK-2025-0000000302")

    documenten = connector("documenten").run(ConnectorRequest("documenten_van_zaak", {"zaak": zaak}, ("titel",)))
    besluiten = connector("besluiten").run(ConnectorRequest("besluiten_van_zaak", {"zaak": zaak}, ("identificatie",)))
    vergunningen = connector("vergunningen").run(ConnectorRequest(
        "objecten_op_adres", {"nummeraanduidingIdentificatie": OBJECT_STORY_ADDRESS["nummeraanduidingIdentificatie"]},
        ("record.data",),
    ))

    assert documenten.status is Status.OK and besluiten.status is Status.OK and vergunningen.status is Status.OK
    # The handhavingsverzoek names the verzoeker: vertrouwelijk, above the demo source's maximum.
    assert [d["titel"] for d in documenten.data] == ["Besluit last onder dwangsom", "Rapport van bevindingen controle 10 juni 2025"]
    assert [b["identificatie"] for b in besluiten.data] == ["BESLUIT-2025-0302"]
    assert [o["record"]["data"]["zaak"] for o in vergunningen.data] == ["ZAAK-2025-0000000301"]
    assert set(Source.objects.get(name="vergunningen").operations) == {"objecten_op_adres", "objecten_in_pand"}
