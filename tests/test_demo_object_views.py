"""Integration: the object views of the demo over the demo sources, through `manage.py demo` on
loopback: adresbeeld (an address, for a permit handler: BAG, KVK, BRP, Zaken, Besluiten, Objecten)
and zaakbeeld (a zaak, for an objection handler: Zaken, Documenten, Besluiten, Open Klant), their
search actions whose rows open them, the address by postcode and huisnummer, the Valtimo front
door's `/aggregated-data-profiles/adresbeeld?id=<nummeraanduiding id>`, and the residents' names
released only under the purpose whose grant releases them; and pandbeeld (a building: BAG and the
permits the Objects API finds within its outline)."""

import pytest
import requests

from demo.config import DEMO_TOKEN
from demo.testing import DemoProcess
from demo.universe import COMPANY, OBJECT_STORY_ADDRESS, PERSONS_BY_BSN, pand_identificatie

pytestmark = pytest.mark.integration

BOTERDIEP_31 = OBJECT_STORY_ADDRESS["nummeraanduidingIdentificatie"]
BAKKERIJ = COMPANY["vestigingen"][0]["adres"]
BAKERY_PAND = pand_identificatie(BAKKERIJ["adresseerbaarObjectIdentificatie"])
ADRESBEELD_SOURCES = {"bag", "kvk", "brp", "zaken", "besluiten", "vergunningen"}
ZAAKBEELD_SOURCES = {"zaken", "documenten", "besluiten", "klantinteracties"}
HEADERS = {"Authorization": f"Token {DEMO_TOKEN}"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    process = DemoProcess(tmp_path_factory.mktemp("demo-objects")).start()
    try:
        yield process.wait_until_up()
    finally:
        process.stop()


def view(base: str, profile: str, subject: dict, purpose: str) -> requests.Response:
    return requests.post(f"{base}/api/v1/profiles/{profile}/view", json={"subject": subject, "purpose": purpose},
                         headers=HEADERS, timeout=20)


def adresbeeld(base: str, purpose: str = "vergunningverlening", **subject) -> requests.Response:
    return view(base, "adresbeeld", {"type": "adres", **(subject or {"value": BOTERDIEP_31})}, purpose)


def zaakbeeld(base: str, identificatie: str = "ZAAK-2025-0000000303") -> requests.Response:
    return view(base, "zaakbeeld", {"type": "zaak", "value": identificatie}, "bezwaarbehandeling")


def statuses(body: dict) -> dict[str, str]:
    return {name: source["status"] for name, source in body["sources"].items()}


def test_the_adresbeeld_shows_the_address_its_object_and_pand_the_zaken_besluiten_and_permits(demo):
    response = adresbeeld(demo)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["complete"] is True and statuses(body) == dict.fromkeys(ADRESBEELD_SOURCES, "ok")
    data = body["data"]
    assert (data["adres"]["openbareRuimteNaam"], data["adres"]["huisnummer"], data["adres"]["postcode"]) == (
        "Boterdiep", 31, "3077AW")
    assert data["adres"]["bedrijven"] == []  # the bakery is next door, at 33
    vbo = data["verblijfsobject"]
    assert (vbo["identificatie"], vbo["gebruiksdoelen"], vbo["oppervlakte"]) == (
        OBJECT_STORY_ADDRESS["adresseerbaarObjectIdentificatie"], ["woonfunctie"], 112)
    assert [(p["identificatie"], p["oorspronkelijkBouwjaar"]) for p in vbo["panden"]] == [("0599100000208579", "1932")]
    zaken = {z["identificatie"]: z for z in data["zaken"]}
    assert set(zaken) == {"ZAAK-2025-0000000301", "ZAAK-2025-0000000302", "ZAAK-2025-0000000303"}
    assert zaken["ZAAK-2025-0000000301"]["zaaktype"]["omschrijving"] == "Aanvraag omgevingsvergunning"
    besluiten = {b["identificatie"]: b for z in zaken.values() for b in z["besluiten"]}
    assert set(besluiten) == {"BESLUIT-2025-0301", "BESLUIT-2025-0302", "BESLUIT-2025-0303"}
    assert (besluiten["BESLUIT-2025-0302"]["ingangsdatum"], besluiten["BESLUIT-2025-0302"]["vervaldatum"]) == (
        "2025-07-16", "2025-10-15")
    assert [(v["vergunning"], v["status"], v["zaak"]) for v in data["vergunningen"]] == [
        ("omgevingsvergunning", "verleend", "ZAAK-2025-0000000301")]


def test_a_permit_handler_sees_the_number_of_residents_and_the_brp_is_not_asked_for_names(demo):
    body = adresbeeld(demo).json()

    residents = [bsn for bsn, p in PERSONS_BY_BSN.items() if p["adres"]["nummeraanduidingIdentificatie"] == BOTERDIEP_31]
    assert body["data"]["aantalBewoners"] == len(residents) == 1
    assert "bewoners" not in body["data"]
    assert body["sources"]["brp"]["calls"] == 1  # only the count; the names' relation is not run
    assert "999993653" not in str(body["data"]) and "Moulin" not in str(body["data"])


def test_an_enforcement_officer_sees_the_residents_names_but_not_their_bsns(demo):
    body = adresbeeld(demo, purpose="handhaving").json()

    assert body["complete"] is True
    assert body["data"]["bewoners"] == [{"naam": {"volledigeNaam": "Suzanne Moulin"}}]
    assert body["data"]["aantalBewoners"] == 1
    assert "999993653" not in str(body["data"])


def test_an_address_by_postcode_and_huisnummer_opens_the_adresbeeld_of_the_bakery(demo):
    response = adresbeeld(demo, postcode=BAKKERIJ["postcode"], huisnummer=BAKKERIJ["huisnummer"])

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["subject"] == {"type": "adres", "value": BAKKERIJ["nummeraanduidingIdentificatie"]}
    assert statuses(body) == dict.fromkeys(ADRESBEELD_SOURCES, "ok")
    assert [(b["kvkNummer"], b["type"]) for b in body["data"]["adres"]["bedrijven"]] == [
        (COMPANY["kvkNummer"], "hoofdvestiging")]
    assert body["data"]["verblijfsobject"]["gebruiksdoelen"] == ["winkelfunctie"]
    assert body["data"]["aantalBewoners"] == 0


def test_an_address_that_names_no_one_exactly_is_a_400_offering_the_close_ones(demo):
    response = adresbeeld(demo, postcode="3511BR", huisnummer=3)  # there are 3A and 3B, no 3

    assert response.status_code == 400 and response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "ambiguous-subject"
    assert [(c["values"]["straat"], c["values"]["huisnummer"], c["values"]["huisletter"]) for c in problem["choices"]] == [
        ("St.-Jacobsstraat", 3, "A"), ("St.-Jacobsstraat", 3, "B")]
    opened = view(demo, "adresbeeld", problem["choices"][1]["subject"], "vergunningverlening")
    assert opened.status_code == 200 and opened.json()["data"]["adres"]["huisletter"] == "B"


def test_the_zaakbeeld_shows_the_objection_with_its_history_people_documents_besluiten_and_related_zaak(demo):
    response = zaakbeeld(demo)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["complete"] is True and statuses(body) == dict.fromkeys(ZAAKBEELD_SOURCES, "ok")
    [zaak] = body["data"]["zaak"]
    assert zaak["zaaktype"]["omschrijving"] == "Behandelen bezwaarschrift"
    assert [s["statustype"]["omschrijving"] for s in zaak["statussen"]] == [
        "Ontvangen", "In behandeling", "Hoorzitting gehouden", "Besluit genomen"]
    betrokkenen = {b["omschrijving"]: b for b in zaak["betrokkenen"]}
    bezwaarmaker = betrokkenen["Bezwaarmaker"]
    assert bezwaarmaker["betrokkeneIdentificatie"]["geslachtsnaam"] == "Moulin"
    assert "inpBsn" not in bezwaarmaker["betrokkeneIdentificatie"]  # asked to link, never released
    assert [c["onderwerp"] for c in bezwaarmaker["contacthistorie"]] == [
        "Vraag over bewonersvergunning", "Melding losliggende stoeptegels"]
    assert betrokkenen["Behandelende afdeling"]["betrokkeneIdentificatie"] == {"naam": "Juridische Zaken"}
    # Metadata only, and nothing above the demo source's maximum confidentiality.
    assert {d["titel"] for d in zaak["documenten"]} == {"Beslissing op bezwaar", "Bezwaarschrift tegen last onder dwangsom"}
    assert all(set(d) <= {"titel", "informatieobjecttype", "creatiedatum", "verzenddatum",
                          "vertrouwelijkheidaanduiding", "status"} for d in zaak["documenten"])
    assert [b["identificatie"] for b in zaak["besluiten"]] == ["BESLUIT-2025-0303"]
    [gerelateerd] = zaak["gerelateerdeZaken"]
    assert (gerelateerd["identificatie"], gerelateerd["aardRelatie"]) == ("ZAAK-2025-0000000302", "vervolg")
    assert [b["identificatie"] for b in gerelateerd["besluitenGerelateerd"]] == ["BESLUIT-2025-0302"]


def test_a_zaak_nobody_has_gives_an_empty_zaakbeeld(demo):
    body = zaakbeeld(demo, "ZAAK-2025-0000009999").json()

    assert body["data"]["zaak"] == [] and statuses(body) == {"zaken": "ok"}


def test_the_address_search_finds_the_address_and_its_row_opens_the_adresbeeld(demo):
    response = requests.post(
        f"{demo}/api/v1/profiles/adresbeeld/search/op-postcode-en-huisnummer",
        json={"criteria": {"postcode": "3077 AW", "huisnummer": "31"}, "purpose": "vergunningverlening"},
        headers=HEADERS, timeout=20,
    )

    assert response.status_code == 200, response.text
    [row] = response.json()["rows"]
    assert row["subject"] == {"type": "adres", "value": BOTERDIEP_31}
    assert (row["values"]["straat"], row["values"]["woonplaats"]) == ("Boterdiep", "Rotterdam")
    opened = view(demo, "adresbeeld", row["subject"], "vergunningverlening").json()
    assert opened["data"]["adres"]["nummeraanduidingIdentificatie"] == BOTERDIEP_31


def test_the_zaak_search_finds_the_zaak_and_its_row_opens_the_zaakbeeld(demo):
    response = requests.post(
        f"{demo}/api/v1/profiles/zaakbeeld/search/op-identificatie",
        json={"criteria": {"identificatie": "ZAAK-2025-0000000303"}, "purpose": "bezwaarbehandeling"},
        headers=HEADERS, timeout=20,
    )

    assert response.status_code == 200, response.text
    [row] = response.json()["rows"]
    assert row["subject"] == {"type": "zaak", "value": "ZAAK-2025-0000000303"}
    assert row["values"]["zaaktype"] == "Behandelen bezwaarschrift"
    opened = view(demo, "zaakbeeld", row["subject"], "bezwaarbehandeling").json()
    assert opened["data"]["zaak"][0]["identificatie"] == "ZAAK-2025-0000000303"


def test_the_valtimo_front_door_serves_the_adresbeeld_by_nummeraanduiding_id(demo):
    response = requests.get(f"{demo}/aggregated-data-profiles/adresbeeld", params={"id": BOTERDIEP_31},
                            headers=HEADERS, timeout=20)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["adres"]["openbareRuimteNaam"] == "Boterdiep" and body["aantalBewoners"] == 1
    assert body["_iko"]["purpose"] == "vergunningverlening" and body["_iko"]["complete"] is True
    assert response.headers["IKO-Complete"] == "true"


def test_the_valtimo_front_door_serves_the_zaakbeeld_and_refuses_a_malformed_id(demo):
    ok = requests.get(f"{demo}/aggregated-data-profiles/zaakbeeld", params={"id": "ZAAK-2025-0000000303"},
                      headers=HEADERS, timeout=20)
    bad = requests.get(f"{demo}/aggregated-data-profiles/adresbeeld", params={"id": "0599100000208579"},
                       headers=HEADERS, timeout=20)

    assert ok.status_code == 200 and ok.json()["zaak"][0]["identificatie"] == "ZAAK-2025-0000000303"
    assert bad.status_code == 400 and bad.headers["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in bad.json()["invalidParams"]] == ["id"]


def test_the_pandbeeld_shows_the_permits_located_within_the_building_and_not_the_terrace_outside(demo):
    response = view(demo, "pandbeeld", {"type": "pand", "value": BAKERY_PAND}, "vergunningverlening")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["complete"] is True and statuses(body) == {"bag": "ok", "vergunningen": "ok"}
    pand = body["data"]["pand"]
    assert (pand["identificatie"], pand["oorspronkelijkBouwjaar"]) == (BAKERY_PAND, "1932")
    assert "geometrie" not in pand  # asked for the search, not released
    assert [(v["vergunning"], v["activiteit"], v["zaak"]) for v in pand["vergunningen"]] == [
        ("omgevingsvergunning", "verbouwen winkel", "ZAAK-2025-0000000140")]


def test_the_valtimo_front_door_serves_the_pandbeeld_by_pand_id(demo):
    response = requests.get(f"{demo}/aggregated-data-profiles/pandbeeld", params={"id": BAKERY_PAND},
                            headers=HEADERS, timeout=20)

    assert response.status_code == 200, response.text
    body = response.json()
    assert [v["activiteit"] for v in body["pand"]["vergunningen"]] == ["verbouwen winkel"]
    assert body["_iko"]["purpose"] == "vergunningverlening"
