"""A grant's maximum vertrouwelijkheidaanduiding through a whole view: the demo's zaakbeeld
(demo/config.yaml, its Documenten source allows up to `zaakvertrouwelijk`) under the demo client's
grant for `bezwaarbehandeling`. The grant's maximum travels in the call context to the Documenten
connector (profiles/access/context.py); it lowers the source's maximum and never raises it.
`responses` plays Open Zaak with spec-shaped answers from the connectors' own test samples."""

import pytest
import responses
from rest_framework.test import APIClient

from connectors.contrib.besluiten.tests import samples as besluiten
from connectors.contrib.documenten.tests import samples as documenten
from connectors.contrib.zaken.tests import samples as zaken
from demo.config import DEMO_TOKEN, demo_configure
from demo.tests.test_config import ROOTS
from profiles.models import Grant

ROOTS_HERE = {
    **ROOTS,
    "zaken_api_root": zaken.ZAKEN_ROOT,
    "catalogi_api_root": zaken.CATALOGI_ROOT,
    "besluiten_api_root": besluiten.BESLUITEN_ROOT,
    "documenten_api_root": documenten.DOCUMENTEN_ROOT,
}
AANDUIDINGEN = {1: "openbaar", 2: "intern", 3: "zaakvertrouwelijk", 4: "vertrouwelijk"}


@pytest.fixture
def api(db):
    from profiles.access.grants import grant_cache_clear

    grant_cache_clear()
    demo_configure(**ROOTS_HERE)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {DEMO_TOKEN}")
    return client


def grant_maximum(value: str) -> None:
    grant = Grant.objects.get(profile__name="zaakbeeld", purpose__code="bezwaarbehandeling", kind="api_client")
    grant.max_vertrouwelijkheidaanduiding = value
    grant.save()


def zaakbeeld_documents(api) -> tuple[list[str], str]:
    """The documents' aanduidingen in the zaakbeeld of zaak 1, and the Documenten source's detail."""
    responses.get(zaken.ZAKEN_ROOT + "zaken", json=zaken.page([zaken.expanded(zaken.zaak(1), 1)]))
    responses.get(besluiten.BESLUITEN_ROOT + "besluiten", json=besluiten.page([]))
    responses.get(documenten.ZAKEN_ROOT + "zaakinformatieobjecten",
                  json=[documenten.zaakinformatieobject(1, n) for n in AANDUIDINGEN])
    responses.post(documenten.DOCUMENTEN_ROOT + "enkelvoudiginformatieobjecten/_zoek", json=documenten.page(
        [documenten.document(n, vertrouwelijkheid=v) for n, v in AANDUIDINGEN.items()]))
    responses.get(documenten.informatieobjecttype_url(), json=documenten.informatieobjecttype())

    response = api.post("/api/v1/profiles/zaakbeeld/view",
                        {"subject": {"type": "zaak", "value": "ZAAK-2025-0000000001"}, "purpose": "bezwaarbehandeling"},
                        format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    [zaak] = body["data"]["zaak"]
    return sorted(d["vertrouwelijkheidaanduiding"] for d in zaak["documenten"]), body["sources"]["documenten"]["detail"]


@responses.activate
def test_without_a_grant_maximum_the_source_maximum_holds_as_before(api):
    shown, detail = zaakbeeld_documents(api)

    assert shown == ["intern", "openbaar", "zaakvertrouwelijk"]
    assert "1 document(s) above the maximum vertrouwelijkheidaanduiding (zaakvertrouwelijk)" in detail


@responses.activate
def test_a_grant_maximum_leaves_out_what_the_source_would_show(api):
    grant_maximum("intern")

    shown, detail = zaakbeeld_documents(api)

    assert shown == ["intern", "openbaar"]
    assert "2 document(s) above the maximum vertrouwelijkheidaanduiding (intern)" in detail


@responses.activate
def test_a_grant_maximum_above_the_source_maximum_shows_no_more(api):
    grant_maximum("zeer_geheim")

    shown, _ = zaakbeeld_documents(api)

    assert shown == ["intern", "openbaar", "zaakvertrouwelijk"]
