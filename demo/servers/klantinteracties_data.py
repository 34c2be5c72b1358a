"""The demo Klantinteracties (Open Klant) API's records: partijen, digitale adressen, klantcontacten,
betrokkenen, onderwerpobjecten and the contactgegevens, with absolute URLs for one server, built
from ``demo/data/klantinteracties.json`` on the persons and company of ``demo/universe.py`` (so the
other demo registers agree). The server that serves them is demo/servers/klantinteracties.py."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from demo.universe import COMPANY, PERSONS, PERSONS_BY_BSN

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "klantinteracties.json"
KLANTINTERACTIES_PREFIX = "/klantinteracties/api/v1"
CONTACTGEGEVENS_PREFIX = "/contactgegevens/api/v1"
KLANTINTERACTIES_VERSION = "0.9.0"
CONTACTGEGEVENS_VERSION = "1.1.1"
DEFAULT_PORT = 5030
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
DEMO_TOKEN = "demo-openklant-token"
_NAMESPACE = uuid.UUID("2b7f3c0e-8a41-4d5e-9f61-3c2d1e0f4a17")

BSN_CODES = {"codeObjecttype": "natuurlijk_persoon", "codeSoortObjectId": "bsn", "codeRegister": "brp"}
KVK_CODES = {"codeObjecttype": "niet_natuurlijk_persoon", "codeSoortObjectId": "kvk_nummer", "codeRegister": "hr"}
VESTIGING_CODES = {"codeObjecttype": "vestiging", "codeSoortObjectId": "vestigingsnummer", "codeRegister": "hr"}
IDENTIFICATOR_FIELDS = ("codeObjecttype", "codeSoortObjectId", "objectId", "codeRegister")


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def contactgegevens_uuid(identifier: str) -> str:
    """The uuid of the Contactgegevens persoon (BSN) or organisatie (KVK number) of a subject."""
    return _uuid("contactgegevens", identifier)


def _postcode(value: str) -> str:
    """BRP/KVK postcodes ("3077AW") as Open Klant stores them ("3077 AW")."""
    return f"{value[:4]} {value[4:]}" if len(value) == 6 else value


def _ref(record: dict) -> dict:
    return {"uuid": record["uuid"], "url": record["url"]}


def _initials(voornamen: str) -> str:
    return "".join(part[0] + "." for part in voornamen.split())


class KlantinteractiesDataset:
    """All records of one server, with absolute URLs, in tables keyed by resource and uuid.

    Tables keep registration order (oldest first); lists answer newest first like Open Klant.
    """

    RESOURCES = (
        "partijen", "partij-identificatoren", "digitaleadressen", "klantcontacten", "betrokkenen",
        "onderwerpobjecten", "actoren", "actorklantcontacten", "categorieen", "categorie-relaties",
        "persoon", "organisatie",
    )

    def __init__(self, base_url: str, cast: dict[str, Any]) -> None:
        self.root = base_url + KLANTINTERACTIES_PREFIX
        self.cg_root = base_url + CONTACTGEGEVENS_PREFIX
        self.tables: dict[str, dict[str, dict]] = {name: {} for name in self.RESOURCES}
        self.partij_by_subject: dict[str, dict] = {}
        for naam in ("Inwoner", "Ondernemer"):
            self._add("categorieen", {"naam": naam}, "categorie", naam)
        actoren = {m["key"]: self._actor(m) for m in cast["medewerkers"]}
        subjects = cast["subjects"]
        for spec in subjects:
            self._add_partij(spec)
        contacts = [(spec, contact) for spec in subjects for contact in spec["klantcontacten"]]
        # Registered in the order they took place, so "newest registered first" is also newest.
        contacts.sort(key=lambda pair: pair[1]["plaatsgevondenOp"])
        for number, (spec, contact) in enumerate(contacts, start=1):
            self._add_klantcontact(number, spec, contact, actoren[contact["medewerker"]])
        for person in PERSONS:
            self._add_contactgegevens_persoon(person)
        self._add_contactgegevens_organisatie()

    def _url(self, resource: str, key: str) -> str:
        root = self.cg_root if resource in ("persoon", "organisatie") else self.root
        return f"{root}/{resource}/{key}"

    def _add(self, resource: str, fields: dict, *key_parts: str) -> dict:
        key = _uuid(resource, *key_parts)
        record = {"uuid": key, "url": self._url(resource, key), **fields}
        self.tables[resource][key] = record
        return record

    def _actor(self, medewerker: dict) -> dict:
        return self._add("actoren", {
            "naam": medewerker["naam"],
            "soortActor": "medewerker",
            "indicatieActief": True,
            "actoridentificator": {
                "objectId": medewerker["key"], "codeObjecttype": "mdw",
                "codeRegister": "msei", "codeSoortObjectId": "gebruikersnaam",
            },
            "actorIdentificatie": {
                "functie": medewerker["functie"],
                "emailadres": medewerker["emailadres"],
                "telefoonnummer": medewerker["telefoonnummer"],
            },
        }, medewerker["key"])

    # -- partijen --------------------------------------------------------------------------
    def _add_partij(self, spec: dict) -> None:
        subject = spec.get("bsn") or spec["kvk"]
        number = len(self.tables["partijen"]) + 1
        fields: dict[str, Any] = {
            "nummer": f"{number:010d}",
            "interneNotitie": "",
            "betrokkenen": [],
            "categorieRelaties": [],
            "digitaleAdressen": [],
            "voorkeursDigitaalAdres": None,
            "vertegenwoordigden": [],
            "rekeningnummers": [],
            "voorkeursRekeningnummer": None,
            "partijIdentificatoren": [],
            "indicatieGeheimhouding": False,
            "voorkeurstaal": "nld",
            "indicatieActief": True,
            "correspondentieadres": None,
        }
        if "bsn" in spec:
            person = PERSONS_BY_BSN[spec["bsn"]]
            adres = person["adres"]
            toevoeging = (adres.get("huisletter") or "") + (adres.get("huisnummertoevoeging") or "")
            voorvoegsel = person.get("voorvoegsel") or ""
            voornaam = person["voornamen"].split()[0]
            fields.update(
                soortPartij="persoon",
                partijIdentificatie={
                    "contactnaam": {
                        "voorletters": _initials(person["voornamen"]), "voornaam": voornaam,
                        "voorvoegselAchternaam": voorvoegsel, "achternaam": person["geslachtsnaam"],
                    },
                    "volledigeNaam": " ".join(p for p in (voornaam, voorvoegsel, person["geslachtsnaam"]) if p),
                },
                bezoekadres=self._adres(adres["nummeraanduidingIdentificatie"], adres["straat"],
                                        adres["huisnummer"], toevoeging, adres["postcode"], adres["woonplaats"]),
            )
            categorie = "Inwoner"
        else:
            if spec["kvk"] != COMPANY["kvkNummer"]:
                raise ValueError("The Klantinteracties demo data names an unknown KVK number.")
            hoofd = COMPANY["vestigingen"][0]["adres"]
            fields.update(
                soortPartij="organisatie",
                partijIdentificatie={"naam": COMPANY["naam"]},
                bezoekadres=self._adres(hoofd["nummeraanduidingIdentificatie"], hoofd["straat"],
                                        hoofd["huisnummer"], "", hoofd["postcode"], hoofd["plaats"]),
            )
            categorie = "Ondernemer"
        partij = self._add("partijen", fields, subject)
        categorie_record = next(c for c in self.tables["categorieen"].values() if c["naam"] == categorie)
        relatie = self._add("categorie-relaties", {
            "partij": _ref(partij),
            "categorie": dict(_ref(categorie_record), naam=categorie_record["naam"]),
            "beginDatum": "2023-01-01",
            "eindDatum": None,
        }, subject)
        partij["categorieRelaties"].append(dict(
            _ref(relatie), categorieNaam=categorie, beginDatum=relatie["beginDatum"], eindDatum=None,
        ))
        self.partij_by_subject[subject] = partij
        if "bsn" in spec:
            self._add_identificator(partij, dict(BSN_CODES, objectId=spec["bsn"]))
        else:
            kvk = self._add_identificator(partij, dict(KVK_CODES, objectId=spec["kvk"]))
            # The hoofdvestiging, as a sub-identificator of the KVK number (Open Klant allows one
            # identificator per soort per partij).
            vestiging = COMPANY["vestigingen"][0]["vestigingsnummer"]
            self._add_identificator(partij, dict(VESTIGING_CODES, objectId=vestiging), sub_van=kvk)
        for index, adres_spec in enumerate(spec["digitaleAdressen"]):
            adres = self._add("digitaleadressen", {
                "verstrektDoorBetrokkene": None,
                "verstrektDoorPartij": _ref(partij),
                "adres": adres_spec["adres"],
                "soortDigitaalAdres": adres_spec["soort"],
                "isStandaardAdres": adres_spec["standaard"],
                "omschrijving": adres_spec["omschrijving"],
                "referentie": "portaal",
                "verificatieDatum": adres_spec["geverifieerd"],
            }, subject, str(index))
            partij["digitaleAdressen"].append(_ref(adres))
            if adres_spec["standaard"]:
                partij["voorkeursDigitaalAdres"] = _ref(adres)

    @staticmethod
    def _adres(nummeraanduiding: str, straat: str, huisnummer: int, toevoeging: str, postcode: str, stad: str) -> dict:
        return {
            "nummeraanduidingId": nummeraanduiding, "straatnaam": straat, "huisnummer": huisnummer,
            "huisnummertoevoeging": toevoeging, "postcode": _postcode(postcode), "stad": stad,
            "adresregel1": "", "adresregel2": "", "adresregel3": "", "land": "NL",
        }

    def _add_identificator(self, partij: dict, codes: dict, sub_van: dict | None = None) -> dict:
        identificator = self._add("partij-identificatoren", {
            "identificeerdePartij": _ref(partij),
            "anderePartijIdentificator": "",
            "partijIdentificator": {name: codes[name] for name in IDENTIFICATOR_FIELDS},
            "subIdentificatorVan": _ref(sub_van) if sub_van else None,
        }, codes["codeSoortObjectId"], codes["objectId"])
        partij["partijIdentificatoren"].append(identificator)
        return identificator

    # -- klantcontacten --------------------------------------------------------------------
    def _add_klantcontact(self, number: int, spec: dict, contact: dict, actor: dict) -> None:
        subject = spec.get("bsn") or spec["kvk"]
        klantcontact = self._add("klantcontacten", {
            "gingOverOnderwerpobjecten": [],
            "hadBetrokkenActoren": [actor],
            "omvatteBijlagen": [],
            "hadBetrokkenen": [],
            "leiddeTotInterneTaken": [],
            "nummer": None,
            "referentienummer": f"{number:010d}",
            "kanaal": contact["kanaal"],
            "onderwerp": contact["onderwerp"],
            "inhoud": contact["inhoud"],
            "reactie": contact["reactie"],
            "indicatieContactGelukt": True,
            "verdereActieOndernomen": bool(contact.get("zaak")),
            "taal": "nld",
            "vertrouwelijk": False,
            "plaatsgevondenOp": contact["plaatsgevondenOp"],
            "metadata": {},
        }, subject, contact["plaatsgevondenOp"])
        self._add("actorklantcontacten", {"actor": _ref(actor), "klantcontact": _ref(klantcontact)},
                  klantcontact["uuid"])
        self._add_betrokkene(klantcontact, subject, rol="klant", initiator=True)
        if contact.get("ook"):
            self._add_betrokkene(klantcontact, contact["ook"], rol="vertegenwoordiger", initiator=False)
        if contact.get("zaak"):
            onderwerp = self._add("onderwerpobjecten", {
                "klantcontact": _ref(klantcontact),
                "wasKlantcontact": None,
                "onderwerpobjectidentificator": {
                    "objectId": contact["zaak"], "codeObjecttype": "zaak",
                    "codeRegister": "openzaak", "codeSoortObjectId": "zaaknummer",
                },
            }, klantcontact["uuid"])
            klantcontact["gingOverOnderwerpobjecten"].append(_ref(onderwerp))

    def _add_betrokkene(self, klantcontact: dict, subject: str, *, rol: str, initiator: bool) -> None:
        partij = self.partij_by_subject[subject]
        if subject in PERSONS_BY_BSN:
            contactnaam = dict(partij["partijIdentificatie"]["contactnaam"])
            volledige_naam = partij["partijIdentificatie"]["volledigeNaam"]
            organisatienaam = ""
        else:
            eigenaar = self.partij_by_subject[COMPANY["eigenaar_bsn"]]["partijIdentificatie"]
            contactnaam = dict(eigenaar["contactnaam"])
            volledige_naam = eigenaar["volledigeNaam"]
            organisatienaam = COMPANY["naam"]
        betrokkene = self._add("betrokkenen", {
            "wasPartij": _ref(partij),
            "hadKlantcontact": _ref(klantcontact),
            "digitaleAdressen": [],
            "bezoekadres": None,
            "correspondentieadres": None,
            "contactnaam": contactnaam,
            "volledigeNaam": volledige_naam,
            "rol": rol,
            "organisatienaam": organisatienaam,
            "initiator": initiator,
        }, klantcontact["uuid"], subject)
        klantcontact["hadBetrokkenen"].append(_ref(betrokkene))
        partij["betrokkenen"].append(_ref(betrokkene))

    # -- contactgegevens -------------------------------------------------------------------
    def _add_contactgegevens_persoon(self, person: dict) -> None:
        adres = person["adres"]
        key = contactgegevens_uuid(person["bsn"])
        self.tables["persoon"][key] = {
            "uuid": key, "url": self._url("persoon", key),
            "geboortedatum": person["geboortedatum"], "overlijdensdatum": None,
            "geslachtsnaam": person["geslachtsnaam"], "geslacht": "",
            "voorvoegsel": person.get("voorvoegsel") or "", "voornamen": person["voornamen"],
            "adres": self._adres(adres["nummeraanduidingIdentificatie"], adres["straat"], adres["huisnummer"],
                                 (adres.get("huisletter") or "") + (adres.get("huisnummertoevoeging") or ""),
                                 adres["postcode"], adres["woonplaats"]),
        }

    def _add_contactgegevens_organisatie(self) -> None:
        hoofd = COMPANY["vestigingen"][0]["adres"]
        key = contactgegevens_uuid(COMPANY["kvkNummer"])
        self.tables["organisatie"][key] = {
            "uuid": key, "url": self._url("organisatie", key),
            "handelsnaam": COMPANY["naam"], "oprichtingsdatum": "2012-04-01", "opheffingsdatum": None,
            "adres": self._adres(hoofd["nummeraanduidingIdentificatie"], hoofd["straat"], hoofd["huisnummer"],
                                 "", hoofd["postcode"], hoofd["plaats"]),
        }

    # -- lookups ---------------------------------------------------------------------------
    def get(self, resource: str, ref: dict | None) -> dict | None:
        return self.tables[resource].get(ref["uuid"]) if ref else None

    def identificatoren_of(self, partij: dict) -> list[dict]:
        return [i["partijIdentificator"] for i in partij["partijIdentificatoren"]]

    def partijen_of_betrokkenen(self, klantcontact: dict) -> list[dict]:
        betrokkenen = [self.get("betrokkenen", ref) for ref in klantcontact["hadBetrokkenen"]]
        return [p for p in (self.get("partijen", b["wasPartij"]) for b in betrokkenen if b) if p]


def load_cast() -> dict[str, Any]:
    with open(DATA_FILE, encoding="utf-8") as handle:
        return json.load(handle)
