"""Spec-conformant Open Klant records for the unit tests (Klantinteracties API 0.9.0 and
Contactgegevens API 1.1.1, tests/specs/); test_contract.py validates them against the specs."""

from __future__ import annotations

import uuid as uuid_module
from typing import Any

KI_ROOT = "https://openklant.example.org/klantinteracties/api/v1/"
CG_ROOT = "https://openklant.example.org/contactgegevens/api/v1/"

SUZANNE_BSN = "999993653"
MEREL_BSN = "999993847"
BAKKERIJ_KVK = "90004760"
BSN_CODES = {"codeObjecttype": "natuurlijk_persoon", "codeSoortObjectId": "bsn", "codeRegister": "brp"}
KVK_CODES = {"codeObjecttype": "niet_natuurlijk_persoon", "codeSoortObjectId": "kvk_nummer", "codeRegister": "hr"}


def new_uuid(name: str) -> str:
    return str(uuid_module.uuid5(uuid_module.NAMESPACE_URL, name))


def ref(resource: str, key: str) -> dict:
    return {"uuid": key, "url": f"{KI_ROOT}{resource}/{key}"}


def identificator(partij_uuid: str, codes: dict, object_id: str) -> dict:
    key = new_uuid(f"identificator/{partij_uuid}/{codes['codeSoortObjectId']}")
    return {
        **ref("partij-identificatoren", key),
        "identificeerdePartij": ref("partijen", partij_uuid),
        "anderePartijIdentificator": "",
        "partijIdentificator": dict(codes, objectId=object_id),
        "subIdentificatorVan": None,
    }


def digitaal_adres(partij_uuid: str | None, adres: str, soort: str = "email", name: str = "") -> dict:
    key = new_uuid(f"adres/{partij_uuid}/{adres}/{name}")
    return {
        **ref("digitaleadressen", key),
        "verstrektDoorBetrokkene": None,
        "verstrektDoorPartij": ref("partijen", partij_uuid) if partij_uuid else None,
        "adres": adres,
        "soortDigitaalAdres": soort,
        "isStandaardAdres": soort == "email",
        "omschrijving": "Privé",
        "referentie": "portaal",
        "verificatieDatum": None,
    }


def persoon_partij(bsn: str = SUZANNE_BSN, *, name: str = "suzanne", identificatoren=None, **overrides) -> dict:
    key = new_uuid(f"partij/{name}")
    partij = {
        **ref("partijen", key),
        "nummer": "0000000042",
        "interneNotitie": "",
        "betrokkenen": [],
        "categorieRelaties": [],
        "digitaleAdressen": [],
        "voorkeursDigitaalAdres": None,
        "vertegenwoordigden": [],
        "rekeningnummers": [],
        "voorkeursRekeningnummer": None,
        "partijIdentificatoren": identificatoren
        if identificatoren is not None
        else [identificator(key, BSN_CODES, bsn)],
        "soortPartij": "persoon",
        "indicatieGeheimhouding": False,
        "voorkeurstaal": "nld",
        "indicatieActief": True,
        "bezoekadres": {
            "nummeraanduidingId": "0599200000219678", "straatnaam": "Boterdiep", "huisnummer": 31,
            "huisnummertoevoeging": "", "postcode": "3077 AW", "stad": "Rotterdam",
            "adresregel1": "", "adresregel2": "", "adresregel3": "", "land": "NL",
        },
        "correspondentieadres": None,
        "partijIdentificatie": {
            "contactnaam": {"voorletters": "S.", "voornaam": "Suzanne", "voorvoegselAchternaam": "", "achternaam": "Moulin"},
            "volledigeNaam": "Suzanne Moulin",
        },
    }
    partij.update(overrides)
    return partij


def organisatie_partij(kvk: str = BAKKERIJ_KVK, *, name: str = "bakkerij") -> dict:
    key = new_uuid(f"partij/{name}")
    return persoon_partij(
        name=name,
        identificatoren=[identificator(key, KVK_CODES, kvk)],
        soortPartij="organisatie",
        partijIdentificatie={"naam": "Bakkerij Vogel"},
    )


def with_adressen(partij: dict, adressen: list[dict]) -> dict:
    return dict(
        partij,
        digitaleAdressen=[{"uuid": a["uuid"], "url": a["url"]} for a in adressen],
        _expand={"digitaleAdressen": adressen},
    )


def betrokkene(klantcontact_uuid: str, partij: dict | None, *, rol: str = "klant", name: str = "") -> dict:
    key = new_uuid(f"betrokkene/{klantcontact_uuid}/{name}/{partij['uuid'] if partij else '-'}")
    return {
        **ref("betrokkenen", key),
        "wasPartij": {"uuid": partij["uuid"], "url": partij["url"]} if partij else None,
        "hadKlantcontact": ref("klantcontacten", klantcontact_uuid),
        "digitaleAdressen": [],
        "bezoekadres": None,
        "correspondentieadres": None,
        "contactnaam": {"voorletters": "S.", "voornaam": "Suzanne", "voorvoegselAchternaam": "", "achternaam": "Moulin"},
        "volledigeNaam": "Suzanne Moulin",
        "rol": rol,
        "organisatienaam": "",
        "initiator": rol == "klant",
    }


def onderwerpobject(klantcontact_uuid: str, zaaknummer: str) -> dict:
    return {
        **ref("onderwerpobjecten", new_uuid(f"onderwerp/{klantcontact_uuid}")),
        "klantcontact": ref("klantcontacten", klantcontact_uuid),
        "wasKlantcontact": None,
        "onderwerpobjectidentificator": {
            "objectId": zaaknummer, "codeObjecttype": "zaak", "codeRegister": "openzaak", "codeSoortObjectId": "zaaknummer",
        },
    }


def klantcontact(
    name: str,
    partijen: list[dict | None],
    *,
    plaatsgevonden_op: str = "2025-03-06T09:41:00Z",
    onderwerp: str = "Vraag over bewonersvergunning",
    expand: bool = True,
    zaak: str | None = None,
) -> dict:
    key = new_uuid(f"klantcontact/{name}")
    betrokkenen = [betrokkene(key, partij, name=str(i)) for i, partij in enumerate(partijen)]
    onderwerpen = [onderwerpobject(key, zaak)] if zaak else []
    record: dict[str, Any] = {
        **ref("klantcontacten", key),
        "gingOverOnderwerpobjecten": [{"uuid": o["uuid"], "url": o["url"]} for o in onderwerpen],
        "hadBetrokkenActoren": [],
        "omvatteBijlagen": [],
        "hadBetrokkenen": [{"uuid": b["uuid"], "url": b["url"]} for b in betrokkenen],
        "leiddeTotInterneTaken": [],
        "nummer": None,
        "referentienummer": "0000000007",
        "kanaal": "telefoon",
        "onderwerp": onderwerp,
        "inhoud": "Mevrouw vraagt naar de behandelduur.",
        "reactie": "Uitgelegd.",
        "indicatieContactGelukt": True,
        "verdereActieOndernomen": False,
        "taal": "nld",
        "vertrouwelijk": False,
        "plaatsgevondenOp": plaatsgevonden_op,
        "metadata": {},
    }
    if expand:
        record["_expand"] = {"hadBetrokkenen": betrokkenen}
        if zaak:
            record["_expand"]["gingOverOnderwerpobjecten"] = onderwerpen
    return record


def page(results: list[Any], *, count: int | None = None, next_url: str | None = None, previous: str | None = None) -> dict:
    return {"count": len(results) if count is None else count, "next": next_url, "previous": previous, "results": results}


def cg_persoon(key: str) -> dict:
    return {
        "uuid": key,
        "url": f"{CG_ROOT}persoon/{key}",
        "geboortedatum": "1985-12-01",
        "overlijdensdatum": None,
        "geslachtsnaam": "Moulin",
        "geslacht": "v",
        "voorvoegsel": "",
        "voornamen": "Suzanne",
        "adres": {
            "nummeraanduidingId": "0599200000219678", "straatnaam": "Boterdiep", "huisnummer": 31,
            "huisnummertoevoeging": "", "postcode": "3077 AW", "stad": "Rotterdam",
            "adresregel1": "", "adresregel2": "", "adresregel3": "", "land": "NL",
        },
    }


def cg_organisatie(key: str) -> dict:
    return {
        "uuid": key,
        "url": f"{CG_ROOT}organisatie/{key}",
        "handelsnaam": "Bakkerij Vogel",
        "oprichtingsdatum": "2012-04-01",
        "opheffingsdatum": None,
        "adres": None,
    }
