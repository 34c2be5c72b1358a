"""The demo registers agree with each other (demo/universe.py): what one source says about a test
person or the demo company, the others confirm. No servers: the data the servers are built from."""

import json

import pytest

from demo.servers.bag import build_adressen
from demo.servers.brp_data import get_dataset
from demo.servers.generic import INKOMENS
from demo.servers.klantinteracties_data import DATA_FILE as KLANTINTERACTIES_FILE
from demo.servers.kvk import build_registrations
from demo.servers.objecten import build_objects
from demo.servers.zaken_data import load_cast
from demo.universe import (
    ADDRESSES,
    COMPANY,
    COMPANY_OBJECTTYPE_URL_PATH,
    OBJECT_BSN_ATTRIBUTE,
    OBJECT_KVK_ATTRIBUTE,
    OBJECTTYPE_URL_PATH,
    PERSONS,
)

BSNS = [p["bsn"] for p in PERSONS]
KVK = COMPANY["kvkNummer"]


def klantinteracties_cast() -> dict:
    with open(KLANTINTERACTIES_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def rol_subjects(zaak: dict) -> set[str]:
    return {rol.get("bsn") or rol.get("kvk") for rol in zaak["rollen"]} - {None}


@pytest.mark.parametrize("person", PERSONS, ids=BSNS)
def test_the_brp_test_persons_live_at_the_universes_address_and_the_bag_knows_it(person):
    persoon = get_dataset().persoon(person["bsn"])
    bag = {a["nummeraanduidingIdentificatie"]: a for a in build_adressen()}

    nummeraanduiding = persoon["verblijfplaats"]["nummeraanduidingIdentificatie"]
    assert nummeraanduiding == person["adres"]["nummeraanduidingIdentificatie"]
    assert bag[nummeraanduiding]["postcode"] == person["adres"]["postcode"]
    assert bag[nummeraanduiding]["huisnummer"] == person["adres"]["huisnummer"]


def test_the_companys_vestigingen_are_in_the_kvk_demo_on_bag_addresses():
    company = next(c for c in build_registrations() if c["kvkNummer"] == KVK)
    bag = {a["nummeraanduidingIdentificatie"] for a in build_adressen()}

    assert [v["vestigingsnummer"] for v in company["vestigingen"]] == [
        v["vestigingsnummer"] for v in COMPANY["vestigingen"]
    ]
    assert {v["adres"]["nummeraanduidingIdentificatie"] for v in company["vestigingen"]} <= bag
    assert {a["nummeraanduidingIdentificatie"] for a in ADDRESSES} <= bag


@pytest.mark.parametrize("subject", [*BSNS, KVK])
def test_every_subject_has_zaken_a_partij_with_contacts_and_objects(subject):
    zaken = [z for z in load_cast()["zaken"] if subject in rol_subjects(z)]
    partij = next(s for s in klantinteracties_cast()["subjects"] if subject in (s.get("bsn"), s.get("kvk")))
    attribute, path = (OBJECT_KVK_ATTRIBUTE, COMPANY_OBJECTTYPE_URL_PATH) if subject == KVK else (
        OBJECT_BSN_ATTRIBUTE, OBJECTTYPE_URL_PATH
    )
    objects = [
        o for o in build_objects("http://demo")
        if o["type"] == "http://demo" + path and o["record"]["data"][attribute] == subject
    ]

    assert len(zaken) >= 2
    assert partij["digitaleAdressen"] and len(partij["klantcontacten"]) >= 2
    assert objects


@pytest.mark.parametrize("bsn", BSNS)
def test_every_person_has_incomes_in_the_inkomensregister(bsn):
    assert {r["jaar"] for r in INKOMENS if r["bsn"] == bsn} == {2024, 2025}


def test_a_klantcontact_about_a_zaak_is_about_a_zaak_of_the_same_subject_after_it_started():
    zaken = {z["identificatie"]: z for z in load_cast()["zaken"]}
    linked = 0
    for spec in klantinteracties_cast()["subjects"]:
        subject = spec.get("bsn") or spec.get("kvk")
        for contact in spec["klantcontacten"]:
            if "zaak" not in contact:
                continue
            zaak = zaken[contact["zaak"]]
            assert subject in rol_subjects(zaak), (subject, contact["onderwerp"])
            assert contact["plaatsgevondenOp"][:10] >= zaak["startdatum"], (subject, contact["onderwerp"])
            linked += 1
    assert linked >= 8
