"""Integration: the two demo profiles over the seven demo sources, through `manage.py demo` on
loopback: klantbeeld (BSN) and bedrijfsbeeld (KVK number), each source answering with the data of
demo/universe.py; their search actions (BRP ZoekMet..., KVK Zoeken) whose rows open the views; and
a partial view when one demo source fails (fault injection)."""

import pytest
import requests

from demo.config import DEMO_BSN, DEMO_KVK, DEMO_PURPOSE, DEMO_TOKEN, SOURCE_CONNECTORS
from demo.testing import DemoProcess
from demo.universe import COMPANY, PERSONS, PERSONS_BY_BSN

pytestmark = pytest.mark.integration

KLANTBEELD_SOURCES = {"brp", "zaken", "klantinteracties", "objecten", "bag", "inkomensregister"}
BEDRIJFSBEELD_SOURCES = {"kvk", "zaken", "klantinteracties", "bedrijfsobjecten", "bag"}
ALL_CONNECTORS = {"brp", "kvk", "zaken", "klantinteracties", "objecten", "bag", "generic"}


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    """Two demos, started side by side: one healthy, one whose Objects API answers 503."""
    healthy = DemoProcess(tmp_path_factory.mktemp("demo-ok")).start()
    failing = DemoProcess(
        tmp_path_factory.mktemp("demo-objecten-down"), env={"IKO_DEMO_OBJECTEN_FAIL_MODE": "503"}
    ).start()
    try:
        yield {"ok": healthy.wait_until_up(), "objecten_down": failing.wait_until_up()}
    finally:
        healthy.stop()
        failing.stop()


def view(base: str, profile: str, kind: str, value: str) -> requests.Response:
    return requests.post(
        f"{base}/api/v1/profiles/{profile}/view",
        json={"subject": {"type": kind, "value": value}, "purpose": DEMO_PURPOSE},
        headers={"Authorization": f"Token {DEMO_TOKEN}"},
        timeout=15,
    )


def search(base: str, profile: str, action: str, criteria: dict) -> requests.Response:
    return requests.post(
        f"{base}/api/v1/profiles/{profile}/search/{action}",
        json={"criteria": criteria, "purpose": DEMO_PURPOSE},
        headers={"Authorization": f"Token {DEMO_TOKEN}"},
        timeout=15,
    )


def statuses(body: dict) -> dict[str, str]:
    return {name: source["status"] for name, source in body["sources"].items()}


def test_the_klantbeeld_shows_a_test_person_from_brp_zaken_open_klant_objecten_bag_and_inkomens(demos):
    response = view(demos["ok"], "klantbeeld", "bsn", DEMO_BSN)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["complete"] is True
    assert statuses(body) == dict.fromkeys(KLANTBEELD_SOURCES, "ok")
    persoon = body["data"]["persoon"]
    assert persoon["naam"]["volledigeNaam"] == "Suzanne Moulin"

    zaken = {z["identificatie"]: z for z in persoon["zaken"]}
    assert set(zaken) == {
        "ZAAK-2025-0000000101", "ZAAK-2024-0000000087", "ZAAK-2025-0000000214", "ZAAK-2025-0000000176",
        # About her home at Boterdiep 31: the dakkapel permit, the enforcement request, her objection.
        "ZAAK-2025-0000000301", "ZAAK-2025-0000000302", "ZAAK-2025-0000000303",
    }
    assert zaken["ZAAK-2025-0000000101"]["zaaktype"] == {"omschrijving": "Aanvraag parkeervergunning"}
    assert zaken["ZAAK-2025-0000000101"]["status"]["omschrijving"] == "In behandeling"
    assert zaken["ZAAK-2025-0000000176"]["betrokkeneRollen"] == [{"omschrijving": "Omwonende"}]

    partij = persoon["partij"]
    assert {a["adres"] for a in partij["digitaleAdressen"]} == {"suzanne.moulin@example.nl", "0612345670"}
    assert [(k["onderwerp"], k["zaak"]) for k in partij["klantcontacten"]] == [
        ("Vraag over bewonersvergunning", "ZAAK-2025-0000000101"),
        ("Melding losliggende stoeptegels", "ZAAK-2024-0000000087"),
    ]

    assert {o["registratie"] for o in persoon["objecten"]} == {"parkeervergunning", "afvalpas"}
    adres = PERSONS_BY_BSN[DEMO_BSN]["adres"]
    assert persoon["bagAdres"] == {
        "openbareRuimteNaam": adres["straat"], "huisnummer": adres["huisnummer"], "postcode": adres["postcode"],
        "woonplaatsNaam": adres["woonplaats"],
        "adresseerbaarObjectIdentificatie": adres["adresseerbaarObjectIdentificatie"],
    }
    assert {(i["jaar"], i["bedrag"]) for i in persoon["inkomens"]} == {(2024, 41250.0), (2025, 43100.0)}


def test_the_klantbeeld_releases_only_the_fields_of_its_relations(demos):
    persoon = view(demos["ok"], "klantbeeld", "bsn", DEMO_BSN).json()["data"]["persoon"]

    # Linking fields are asked for but not released: no partij identificatoren, no BSN in the
    # objects, no source URLs.
    assert set(persoon["partij"]) == {"soortPartij", "digitaleAdressen", "klantcontacten"}
    assert all(set(o) == {"registratie", "status", "geldigTot", "sinds"} for o in persoon["objecten"])
    assert all("url" not in z and "uuid" not in z for z in persoon["zaken"])
    assert all(set(i) == {"jaar", "bedrag", "soort"} for i in persoon["inkomens"])


@pytest.mark.parametrize("person", PERSONS[1:], ids=[p["bsn"] for p in PERSONS[1:]])
def test_every_test_person_has_a_complete_klantbeeld_whose_bag_address_is_the_brp_address(demos, person):
    body = view(demos["ok"], "klantbeeld", "bsn", person["bsn"]).json()

    assert body["complete"] is True, body["sources"]
    persoon = body["data"]["persoon"]
    assert persoon["verblijfplaats"]["nummeraanduidingIdentificatie"] == person["adres"]["nummeraanduidingIdentificatie"]
    assert (persoon["bagAdres"]["postcode"], persoon["bagAdres"]["huisnummer"]) == (
        person["adres"]["postcode"], person["adres"]["huisnummer"]
    )
    assert persoon["zaken"] and persoon["partij"]["klantcontacten"] and persoon["objecten"] and persoon["inkomens"]


def test_the_bedrijfsbeeld_shows_the_company_from_kvk_zaken_open_klant_objecten_and_bag(demos):
    response = view(demos["ok"], "bedrijfsbeeld", "kvk", DEMO_KVK)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["complete"] is True
    assert statuses(body) == dict.fromkeys(BEDRIJFSBEELD_SOURCES, "ok")
    bedrijf = body["data"]["bedrijf"]
    assert (bedrijf["kvkNummer"], bedrijf["naam"]) == (DEMO_KVK, "Bakkerij Vogel")

    # One vestigingsprofiel per vestiging that KVK Zoeken lists, each with its BAG address.
    vestigingen = {v["vestigingsnummer"]: v for v in bedrijf["vestigingen"]}
    assert set(vestigingen) == {v["vestigingsnummer"] for v in COMPANY["vestigingen"]}
    for expected in COMPANY["vestigingen"]:
        vestiging = vestigingen[expected["vestigingsnummer"]]
        assert vestiging["type"] == expected["type"]
        assert vestiging["eersteHandelsnaam"] == expected["eersteHandelsnaam"]
        assert vestiging["bagAdres"]["adresseerbaarObjectIdentificatie"] == expected["adres"]["adresseerbaarObjectIdentificatie"]
        assert (vestiging["bagAdres"]["postcode"], vestiging["bagAdres"]["huisnummer"]) == (
            expected["adres"]["postcode"], expected["adres"]["huisnummer"]
        )
    assert body["relations"]["profiel"]["calls"] == len(COMPANY["vestigingen"])

    zaken = {z["identificatie"]: z["zaaktype"]["omschrijving"] for z in bedrijf["zaken"]}
    assert zaken == {
        "ZAAK-2025-0000000140": "Aanvraag omgevingsvergunning",
        "ZAAK-2025-0000000176": "Aanvraag terrasvergunning",
    }
    assert bedrijf["partij"]["soortPartij"] == "organisatie"
    assert {k["onderwerp"] for k in bedrijf["partij"]["klantcontacten"]} == {
        "Terrasvergunning", "Reclamebord", "Verbouwing: advies welstand",
    }
    assert {(o["registratie"], o["vestigingsnummer"]) for o in bedrijf["objecten"]} == {
        ("bedrijfsafvalcontract", "000059218547"), ("reclamevergunning", "000059218555"),
    }


def test_together_the_two_profiles_use_every_connector(demos):
    used = KLANTBEELD_SOURCES | BEDRIJFSBEELD_SOURCES

    assert {SOURCE_CONNECTORS[name] for name in used} == ALL_CONNECTORS


def test_with_the_objects_api_down_the_klantbeeld_is_partial_and_still_200(demos):
    response = view(demos["objecten_down"], "klantbeeld", "bsn", DEMO_BSN)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["complete"] is False
    assert statuses(body) == {**dict.fromkeys(KLANTBEELD_SOURCES, "ok"), "objecten": "error"}
    assert "HTTP 503" in body["sources"]["objecten"]["detail"]
    assert body["relations"]["objecten"]["status"] == "error"
    persoon = body["data"]["persoon"]
    assert persoon["objecten"] is None
    assert persoon["naam"]["volledigeNaam"] == "Suzanne Moulin"
    assert persoon["bagAdres"]["postcode"] == "3077AW"


def test_with_the_objects_api_down_the_bedrijfsbeeld_is_partial_and_still_200(demos):
    response = view(demos["objecten_down"], "bedrijfsbeeld", "kvk", DEMO_KVK)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["complete"] is False
    assert statuses(body) == {**dict.fromkeys(BEDRIJFSBEELD_SOURCES, "ok"), "bedrijfsobjecten": "error"}
    assert body["data"]["bedrijf"]["objecten"] is None
    assert len(body["data"]["bedrijf"]["vestigingen"]) == 2


# --- search: find the subject, then open its view -------------------------------------------------
def test_the_demo_profiles_describe_their_search_actions(demos):
    headers = {"Authorization": f"Token {DEMO_TOKEN}"}

    klantbeeld = requests.get(f"{demos['ok']}/api/v1/profiles/klantbeeld/search", headers=headers, timeout=15).json()
    bedrijfsbeeld = requests.get(f"{demos['ok']}/api/v1/profiles/bedrijfsbeeld/search", headers=headers, timeout=15).json()

    assert [a["name"] for a in klantbeeld["searchActions"]] == ["op-bsn", "op-naam", "op-adres"]
    assert all(a["identifier"] == {"column": "bsn", "subjectType": "bsn"} for a in klantbeeld["searchActions"])
    assert [a["name"] for a in bedrijfsbeeld["searchActions"]] == ["op-naam-of-kvk-nummer"]
    assert bedrijfsbeeld["searchActions"][0]["identifier"] == {"column": "kvkNummer", "subjectType": "kvk"}


@pytest.mark.parametrize("action, criteria", [
    ("op-naam", {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-01"}),
    ("op-naam", {"geslachtsnaam": "moul*", "geboortedatum": "1985-12-01", "voornamen": "Suzanne"}),
    ("op-adres", {"postcode": "3077 aw", "huisnummer": "31"}),
    ("op-bsn", {"bsn": DEMO_BSN}),
])
def test_a_klantbeeld_search_finds_the_test_person_and_its_row_opens_her_view(demos, action, criteria):
    response = search(demos["ok"], "klantbeeld", action, criteria)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["complete"] is True and body["sources"]["brp"]["status"] == "ok"
    rows = {row["values"]["bsn"]: row for row in body["rows"]}
    suzanne = rows[DEMO_BSN]
    assert suzanne["subject"] == {"type": "bsn", "value": DEMO_BSN}
    assert suzanne["values"]["naam"] == "Suzanne Moulin"
    assert suzanne["values"]["geboortedatum"]["datum"] == "1985-12-01"
    assert suzanne["values"]["adres"] == "Boterdiep 31"

    view_body = view(demos["ok"], "klantbeeld", suzanne["subject"]["type"], suzanne["subject"]["value"]).json()
    assert view_body["data"]["persoon"]["naam"]["volledigeNaam"] == "Suzanne Moulin"


def test_a_klantbeeld_search_that_finds_nobody_is_an_empty_list(demos):
    response = search(demos["ok"], "klantbeeld", "op-naam", {"geslachtsnaam": "Moulin", "geboortedatum": "1985-12-02"})

    assert response.status_code == 200, response.text
    assert response.json()["rows"] == [] and response.json()["total"] == 0


def test_a_klantbeeld_search_with_a_malformed_criterion_is_a_400_naming_it(demos):
    response = search(demos["ok"], "klantbeeld", "op-adres", {"postcode": "0123AB", "huisnummer": 31})

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalidParams"]] == ["criteria.postcode"]


@pytest.mark.parametrize("criteria", [{"naam": "Vogel"}, {"kvkNummer": DEMO_KVK}])
def test_a_bedrijfsbeeld_search_finds_the_company_and_its_row_opens_its_view(demos, criteria):
    response = search(demos["ok"], "bedrijfsbeeld", "op-naam-of-kvk-nummer", criteria)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["complete"] is True and body["sources"]["kvk"]["status"] == "ok"
    ours = [row for row in body["rows"] if row["values"]["kvkNummer"] == DEMO_KVK]
    assert {row["values"]["type"] for row in ours} >= {"hoofdvestiging", "nevenvestiging"}
    assert all(row["subject"] == {"type": "kvk", "value": DEMO_KVK} for row in ours)
    if "kvkNummer" in criteria:
        assert len(ours) == len(body["rows"])

    view_body = view(demos["ok"], "bedrijfsbeeld", "kvk", ours[0]["subject"]["value"]).json()
    assert view_body["data"]["bedrijf"]["naam"] == "Bakkerij Vogel"
