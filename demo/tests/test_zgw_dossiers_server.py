"""Integration tests of the demo zaken's dossiers, served by the demo Zaken server as Open Zaak does:
zaakobjecten and zaakinformatieobjecten (Zaken API), documents (Documenten API), besluiten
(Besluiten API) and their types (Catalogi API). Real loopback HTTP; every answer and every request
of the connectors checked against the specs (URL filters typed as URLs, tests/zgw_specs.py); and
the Zaken, Documenten and Besluiten connectors end to end on the demo's object story."""

from __future__ import annotations

import time

import jwt
import pytest
import requests

from connectors.base import ConnectorRequest, Status
from connectors.contrib.besluiten.plugin import BesluitenConnector
from connectors.contrib.documenten.plugin import DocumentenConnector
from connectors.contrib.catalogi import reference_cache
from connectors.contrib.zaken.plugin import ZakenConnector
from demo.servers.zaken import start_zaken_server
from demo.universe import KADASTER_BAG_ROOT, OBJECT_STORY_ADDRESS, pand_identificatie
from tests.contracts import assert_request_conforms, assert_response_conforms
from tests.zgw_specs import zgw_spec

pytestmark = pytest.mark.integration

CLIENT_ID = "iko-demo"
SECRET = "demo-secret-for-the-zaken-server-32b"
ADRES = f"{KADASTER_BAG_ROOT}adressen/{OBJECT_STORY_ADDRESS['nummeraanduidingIdentificatie']}"
PAND = f"{KADASTER_BAG_ROOT}panden/{pand_identificatie(OBJECT_STORY_ADDRESS['adresseerbaarObjectIdentificatie'])}"
APIS = ("zaken", "catalogi", "documenten", "besluiten")


def token() -> str:
    now = int(time.time())
    claims = {"iss": CLIENT_ID, "iat": now, "client_id": CLIENT_ID, "user_id": "test", "user_representation": "Test"}
    return jwt.encode(claims, SECRET, algorithm="HS256")


@pytest.fixture(scope="module")
def server():
    with start_zaken_server(client_id=CLIENT_ID, secret=SECRET, latency_ms=0, failure_rate=0) as running:
        yield running


def roots(server) -> dict[str, str]:
    return {api: getattr(server, f"{api}_api_root") for api in APIS}


def spec_for(server, url: str):
    api = next(api for api, root in roots(server).items() if url.startswith(root))
    return zgw_spec(f"zgw-{api}/openapi.yaml", roots(server)[api])


def call(server, method: str, url: str, params=None, body=None, headers=None) -> requests.Response:
    sent = {"Accept": "application/json", "Authorization": f"Bearer {token()}", **(headers or {})}
    response = requests.request(method, url, params=params, json=body, headers=sent, timeout=5)
    assert_response_conforms(spec_for(server, url), response.request, response)
    return response


def get(server, url, params=None, headers=None):
    return call(server, "GET", url, params, headers=headers)


def zaak_url(server, identificatie: str) -> str:
    return next(z["url"] for z in server.dataset.zaken.values() if z["identificatie"] == identificatie)


# --- the answers -----------------------------------------------------------------------------
def test_every_dossier_resource_conforms_as_a_list_and_one_by_one(server):
    dossiers = server.dossiers
    tables = [
        ("zaken", "zaakobjecten", dossiers.zaakobjecten),
        ("zaken", "zaakinformatieobjecten", dossiers.zaakinformatieobjecten),
        ("documenten", "objectinformatieobjecten", dossiers.objectinformatieobjecten),
        ("besluiten", "besluiten", dossiers.besluiten),
        ("besluiten", "besluitinformatieobjecten", dossiers.besluitinformatieobjecten),
    ]
    for api, resource, table in tables:
        listed = get(server, roots(server)[api] + resource, {"pageSize": 100})
        assert listed.status_code == 200
        for item in table.values():
            assert get(server, item["url"]).json() == item
    for document in dossiers.documenten.values():
        assert get(server, document["url"]).json()["titel"] == document["titel"]
    for types in (dossiers.informatieobjecttypen, dossiers.besluittypen):
        for item in types.values():
            assert get(server, item["url"]).status_code == 200
    assert get(server, server.catalogi_api_root + "besluittypen").json()["count"] == 3


def test_the_zaken_about_the_story_address_and_pand_are_the_permit_the_enforcement_and_the_objection(server):
    by_address = get(server, server.zaken_api_root + "zaakobjecten", {"object": ADRES, "pageSize": 100}).json()["results"]
    by_pand = get(server, server.zaken_api_root + "zaakobjecten", {"object": PAND, "pageSize": 100}).json()["results"]

    identificaties = {z["url"]: z["identificatie"] for z in server.dataset.zaken.values()}
    assert sorted(identificaties[zo["zaak"]] for zo in by_address) == [
        "ZAAK-2025-0000000301", "ZAAK-2025-0000000302", "ZAAK-2025-0000000303",
    ]
    assert sorted(identificaties[zo["zaak"]] for zo in by_pand) == ["ZAAK-2025-0000000301", "ZAAK-2025-0000000302"]
    assert all(zo["objectIdentificatie"]["identificatie"] == OBJECT_STORY_ADDRESS["nummeraanduidingIdentificatie"] for zo in by_address)


def test_the_objection_points_at_the_enforcement_zaak_and_its_besluit(server):
    bezwaar = get(server, zaak_url(server, "ZAAK-2025-0000000303"), headers={"Accept-Crs": "EPSG:4326"}).json()
    zaakobjecten = [get(server, url).json() for url in bezwaar["zaakobjecten"]]
    besluit = next(zo for zo in zaakobjecten if zo["objectType"] == "besluit")

    assert bezwaar["relevanteAndereZaken"] == [{"url": zaak_url(server, "ZAAK-2025-0000000302"), "aardRelatie": "vervolg"}]
    bestreden = get(server, besluit["object"]).json()
    assert (bestreden["identificatie"], bestreden["zaak"]) == ("BESLUIT-2025-0302", zaak_url(server, "ZAAK-2025-0000000302"))
    assert len(bezwaar["zaakinformatieobjecten"]) == 3


def test_documents_are_found_in_one_zoek_and_their_content_is_not_served(server):
    documents = list(server.dossiers.documenten)
    zoek = call(server, "POST", server.documenten_api_root + "enkelvoudiginformatieobjecten/_zoek",
                {"pageSize": 100}, {"uuid__in": documents[:4]})

    assert [d["url"].rsplit("/", 1)[1] for d in zoek.json()["results"]] == documents[:4]
    some = server.dossiers.documenten[documents[0]]
    assert requests.get(some["inhoud"], headers={"Authorization": f"Bearer {token()}"}, timeout=5).status_code == 404


@pytest.mark.parametrize(
    "method, path, body, headers, status",
    [
        ("GET", "documenten/api/v1/enkelvoudiginformatieobjecten/_zoek", None, {}, 405),
        ("POST", "documenten/api/v1/objectinformatieobjecten", {}, {}, 405),
        ("POST", "documenten/api/v1/enkelvoudiginformatieobjecten/_zoek", {"uuid__in": "x"}, {}, 400),
        ("POST", "zaken/api/v1/zaken/_zoek", {"uuid__in": []}, {}, 412),
    ],
)
def test_wrong_methods_and_bodies_are_refused(server, method, path, body, headers, status):
    response = requests.request(method, f"{server.base_url}/{path}", json=body,
                                headers={"Authorization": f"Bearer {token()}", **headers}, timeout=5)

    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"


def test_a_misspelt_filter_is_ignored_and_every_besluit_comes_back(server):
    body = get(server, server.besluiten_api_root + "besluiten", {"zak": zaak_url(server, "ZAAK-2025-0000000302"), "pageSize": 100}).json()

    assert body["count"] == len(server.dossiers.besluiten) == 3


# --- the connectors end to end ---------------------------------------------------------------
@pytest.fixture
def sources(db, server):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    from connectors.models import Source

    reference_cache.clear()
    common = {"auth_type": AuthTypes.zgw, "client_id": CLIENT_ID, "secret": SECRET, "timeout": 5}
    services = {
        api: Service.objects.create(label=api, slug=f"demo-{api}", api_type=APITypes.orc, api_root=root, **common)
        for api, root in roots(server).items()
    }

    def source(name, connector, api, **options):
        made = Source(name=name, connector=connector, service=services[api], timeout=5, options=options)
        made.full_clean()
        return made.to_config()

    yield {
        "zaken": source("zaken", "zaken", "zaken", catalogi_service="demo-catalogi"),
        "documenten": source("documenten", "documenten", "documenten", max_vertrouwelijkheidaanduiding="zaakvertrouwelijk",
                             zaken_service="demo-zaken", catalogi_service="demo-catalogi"),
        "documenten_oio": source("documenten-oio", "documenten", "documenten", max_vertrouwelijkheidaanduiding="zaakvertrouwelijk",
                                 relations_via="documenten", catalogi_service="demo-catalogi"),
        "besluiten": source("besluiten", "besluiten", "besluiten", catalogi_service="demo-catalogi"),
    }
    reference_cache.clear()


@pytest.fixture
def sent(server):
    """Every request the connectors send, each checked against its API's spec afterwards."""
    requests_sent = []
    original = requests.adapters.HTTPAdapter.send

    def spy(adapter, request, **kwargs):
        requests_sent.append(request)
        return original(adapter, request, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests.adapters.HTTPAdapter, "send", spy)
        yield requests_sent
    for request in requests_sent:
        assert_request_conforms(spec_for(server, request.url), request)


def run(connector_class, source, operation, params, fields=()):
    result = connector_class(source).run(ConnectorRequest(operation, params, tuple(fields)))
    assert result.status is Status.OK, result.detail
    return result


def test_the_zaken_connector_finds_the_zaken_about_the_address_and_reads_the_objection(server, sources, sent):
    zaken = run(ZakenConnector, sources["zaken"], "zaken_over_object", {"object": ADRES})
    bezwaar = zaak_url(server, "ZAAK-2025-0000000303")
    statussen = run(ZakenConnector, sources["zaken"], "statussen_van_zaak", {"zaak": bezwaar})
    rollen = run(ZakenConnector, sources["zaken"], "rollen_van_zaak", {"zaak": bezwaar})
    gerelateerd = run(ZakenConnector, sources["zaken"], "gerelateerde_zaken", {"zaak": bezwaar})
    objecten = run(ZakenConnector, sources["zaken"], "zaakobjecten_van_zaak", {"zaak": bezwaar})

    assert [z["identificatie"] for z in zaken.data] == ["ZAAK-2025-0000000303", "ZAAK-2025-0000000302", "ZAAK-2025-0000000301"]
    assert zaken.data[2]["zaaktype"]["omschrijving"] == "Aanvraag omgevingsvergunning"
    assert [s["statustype"]["omschrijving"] for s in statussen.data] == [
        "Ontvangen", "In behandeling", "Hoorzitting gehouden", "Besluit genomen",
    ]
    assert statussen.data[-1]["statustype"]["isEindstatus"] is True
    assert {(r["omschrijving"], r["betrokkeneType"]) for r in rollen.data} == {
        ("Bezwaarmaker", "natuurlijk_persoon"), ("Jurist bezwaar en beroep", "medewerker"),
        ("Behandelende afdeling", "organisatorische_eenheid"),  # the department a citizen is shown
    }
    assert [(z["identificatie"], z["aardRelatie"]) for z in gerelateerd.data] == [("ZAAK-2025-0000000302", "vervolg")]
    assert {o["objectType"] for o in objecten.data} == {"besluit", "adres"}


@pytest.mark.parametrize("source_name", ["documenten", "documenten_oio"])
def test_the_documenten_connector_gives_the_objections_documents_up_to_zaakvertrouwelijk(server, sources, sent, source_name):
    result = run(DocumentenConnector, sources[source_name], "documenten_van_zaak", {"zaak": zaak_url(server, "ZAAK-2025-0000000303")})

    assert [(d["titel"], d["informatieobjecttype"]["omschrijving"]) for d in result.data] == [
        ("Beslissing op bezwaar", "Besluit"), ("Bezwaarschrift tegen last onder dwangsom", "Bezwaarschrift"),
    ]
    assert "1 document(s) above the maximum vertrouwelijkheidaanduiding (zaakvertrouwelijk) were left out" in result.detail
    assert not any("download" in request.url for request in sent)


def test_the_besluiten_connector_reads_the_besluiten_of_the_zaken_and_of_a_document(server, sources, sent):
    handhaving = run(BesluitenConnector, sources["besluiten"], "besluiten_van_zaak", {"zaak": zaak_url(server, "ZAAK-2025-0000000302")})
    [besluit] = handhaving.data
    one = run(BesluitenConnector, sources["besluiten"], "besluit", {"url": besluit["url"]})
    document = next(d for d in server.dossiers.documenten.values() if d["titel"] == "Besluit last onder dwangsom")
    by_document = run(BesluitenConnector, sources["besluiten"], "besluiten_van_informatieobject", {"informatieobject": document["url"]})

    assert (besluit["identificatie"], besluit["ingangsdatum"], besluit["vervaldatum"]) == ("BESLUIT-2025-0302", "2025-07-16", "2025-10-15")
    assert besluit["besluittype"]["omschrijving"] == "Last onder dwangsom"
    assert one.data == besluit
    assert [b["identificatie"] for b in by_document.data] == ["BESLUIT-2025-0302"]
