"""The demo Zaken and Catalogi APIs' records: zaken, rollen, statussen, zaaktypen and statustypen
with absolute URLs for one server, built from ``demo/data/zaken.json`` on the persons and company of
``demo/universe.py`` (so the other demo registers agree). The server that serves them is
demo/servers/zaken.py."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from demo.universe import COMPANY, PERSONS_BY_BSN

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "zaken.json"
ZAKEN_PREFIX = "/zaken/api/v1"
CATALOGI_PREFIX = "/catalogi/api/v1"
# RSIN of the invented gemeente that owns every demo zaak.
GEMEENTE_RSIN = "002220647"
# The specs declare `eindeObject` a required, non-nullable date; Open Zaak sends null for a
# type without end. The demo sends a far date instead, so its answers conform.
OPEN_END = "9999-12-31"
_NAMESPACE = uuid.UUID("6f1b7f5e-4f0e-4f44-9a55-2b0b3c1d9e01")


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


# --- the data ------------------------------------------------------------------------------
class ZakenDataset:
    """Zaken, rollen, statussen, zaaktypen and statustypen with absolute URLs for one server."""

    def __init__(self, base_url: str, cast: dict[str, Any]) -> None:
        self.zaken_root = base_url + ZAKEN_PREFIX
        self.catalogi_root = base_url + CATALOGI_PREFIX
        self.zaaktypen: dict[str, dict] = {}
        self.statustypen: dict[str, dict] = {}
        self.zaken: dict[str, dict] = {}
        self.rollen: dict[str, dict] = {}
        self.statussen: dict[str, dict] = {}
        catalogus = f"{self.catalogi_root}/catalogussen/{_uuid('catalogus', cast['catalogus'])}"
        statustype_by_name: dict[tuple[str, str], dict] = {}
        zaaktype_by_key: dict[str, dict] = {}
        for spec in cast["zaaktypen"]:
            zaaktype = self._zaaktype(spec, catalogus)
            zaaktype_by_key[spec["key"]] = zaaktype
            self.zaaktypen[zaaktype.pop("uuid")] = zaaktype
            for number, name in enumerate(spec["statustypen"], start=1):
                statustype = self._statustype(zaaktype, name, number, len(spec["statustypen"]), catalogus)
                zaaktype["statustypen"].append(statustype["url"])
                statustype_by_name[(spec["key"], name)] = statustype
                self.statustypen[statustype.pop("uuid")] = statustype
        for spec in cast["zaken"]:
            self._add_zaak(spec, zaaktype_by_key[spec["zaaktype"]], statustype_by_name)

    def _zaaktype(self, spec: dict, catalogus: str) -> dict:
        key = _uuid("zaaktype", spec["key"])
        return {
            "uuid": key,
            "url": f"{self.catalogi_root}/zaaktypen/{key}",
            "identificatie": spec["identificatie"],
            "omschrijving": spec["omschrijving"],
            "omschrijvingGeneriek": "",
            "vertrouwelijkheidaanduiding": spec["vertrouwelijkheidaanduiding"],
            "doel": spec["doel"],
            "aanleiding": spec["aanleiding"],
            "toelichting": "",
            "indicatieInternOfExtern": "extern",
            "handelingInitiator": spec["handelingInitiator"],
            "onderwerp": spec["onderwerp"],
            "handelingBehandelaar": "behandelen",
            "doorlooptijd": spec["doorlooptijd"],
            "servicenorm": None,
            "opschortingEnAanhoudingMogelijk": False,
            "verlengingMogelijk": False,
            "verlengingstermijn": None,
            "trefwoorden": [],
            "publicatieIndicatie": False,
            "publicatietekst": "",
            "verantwoordingsrelatie": [],
            "productenOfDiensten": [],
            "selectielijstProcestype": "",
            "referentieproces": {"naam": spec["onderwerp"], "link": ""},
            "concept": False,
            "verantwoordelijke": GEMEENTE_RSIN,
            "beginGeldigheid": "2024-01-01",
            "eindeGeldigheid": None,
            "versiedatum": "2024-01-01",
            "beginObject": "2024-01-01",
            "eindeObject": OPEN_END,
            "catalogus": catalogus,
            "statustypen": [],
            "resultaattypen": [],
            "eigenschappen": [],
            "informatieobjecttypen": [],
            "roltypen": [],
            "besluittypen": [],
            "deelzaaktypen": [],
            "gerelateerdeZaaktypen": [],
            "zaakobjecttypen": [],
        }

    def _statustype(self, zaaktype: dict, name: str, number: int, count: int, catalogus: str) -> dict:
        key = _uuid("statustype", zaaktype["identificatie"], name)
        return {
            "uuid": key,
            "url": f"{self.catalogi_root}/statustypen/{key}",
            "omschrijving": name,
            "omschrijvingGeneriek": "",
            "statustekst": "",
            "zaaktype": zaaktype["url"],
            "zaaktypeIdentificatie": zaaktype["identificatie"],
            "volgnummer": number,
            "isEindstatus": number == count,
            "informeren": False,
            "doorlooptijd": None,
            "toelichting": None,
            "checklistitemStatustype": [],
            "catalogus": catalogus,
            "eigenschappen": [],
            "zaakobjecttypen": [],
            "beginGeldigheid": None,
            "eindeGeldigheid": None,
            "beginObject": "2024-01-01",
            "eindeObject": OPEN_END,
        }

    def _add_zaak(self, spec: dict, zaaktype: dict, statustypen: dict[tuple[str, str], dict]) -> None:
        key = _uuid("zaak", spec["identificatie"])
        url = f"{self.zaken_root}/zaken/{key}"
        zaak = {
            "url": url,
            "uuid": key,
            "identificatie": spec["identificatie"],
            "bronorganisatie": GEMEENTE_RSIN,
            "omschrijving": spec["omschrijving"],
            "toelichting": "",
            "zaaktype": zaaktype["url"],
            "registratiedatum": spec["startdatum"],
            "verantwoordelijkeOrganisatie": GEMEENTE_RSIN,
            "startdatum": spec["startdatum"],
            "einddatum": spec["einddatum"],
            "einddatumGepland": None,
            "uiterlijkeEinddatumAfdoening": None,
            "publicatiedatum": None,
            "laatstGemuteerd": spec["statussen"][-1][1],
            "laatstGeopend": None,
            "communicatiekanaal": "",
            "communicatiekanaalNaam": "",
            "productenOfDiensten": [],
            "vertrouwelijkheidaanduiding": zaaktype["vertrouwelijkheidaanduiding"],
            "betalingsindicatie": "",
            "betalingsindicatieWeergave": "",
            "laatsteBetaaldatum": None,
            "opschorting": {"indicatie": False, "reden": "", "eerdereOpschorting": False},
            "selectielijstklasse": "",
            "hoofdzaak": None,
            "deelzaken": [],
            "relevanteAndereZaken": [],
            "gerelateerdeZaken": [],
            "eigenschappen": [],
            "rollen": [],
            "status": None,
            "zaakinformatieobjecten": [],
            "zaakobjecten": [],
            "kenmerken": [],
            "archiefnominatie": None,
            "archiefstatus": "nog_te_archiveren",
            "archiefactiedatum": None,
            "resultaat": None,
            "processobjectaard": "",
            "startdatumBewaartermijn": None,
        }
        self.zaken[key] = zaak
        for index, (name, gezet, toelichting) in enumerate(spec["statussen"]):
            status_key = _uuid("status", spec["identificatie"], str(index))
            status = {
                "url": f"{self.zaken_root}/statussen/{status_key}",
                "uuid": status_key,
                "zaak": url,
                "statustype": statustypen[(spec["zaaktype"], name)]["url"],
                "datumStatusGezet": gezet,
                "statustoelichting": toelichting,
                "indicatieLaatstGezetteStatus": index == len(spec["statussen"]) - 1,
                "gezetdoor": None,
                "zaakinformatieobjecten": [],
            }
            self.statussen[status_key] = status
            zaak["status"] = status["url"]
        for index, rol_spec in enumerate(spec["rollen"]):
            rol = self._rol(spec, index, rol_spec, url, zaaktype)
            self.rollen[rol["uuid"]] = rol
            zaak["rollen"].append(rol["url"])

    def _rol(self, zaak_spec: dict, index: int, spec: dict, zaak_url: str, zaaktype: dict) -> dict:
        key = _uuid("rol", zaak_spec["identificatie"], str(index))
        roltype = _uuid("roltype", zaaktype["identificatie"], spec["omschrijvingGeneriek"])
        rol = {
            "url": f"{self.zaken_root}/rollen/{key}",
            "uuid": key,
            "zaak": zaak_url,
            "betrokkene": "",
            "betrokkeneType": "",
            "afwijkendeNaamBetrokkene": "",
            "roltype": f"{self.catalogi_root}/roltypen/{roltype}",
            "omschrijving": spec["omschrijving"],
            "omschrijvingGeneriek": spec["omschrijvingGeneriek"],
            "roltoelichting": "",
            "registratiedatum": zaak_spec["statussen"][0][1],
            "indicatieMachtiging": "",
            "statussen": [],
            "beginGeldigheid": None,
            "eindeGeldigheid": None,
        }
        if "bsn" in spec:
            person = PERSONS_BY_BSN[spec["bsn"]]
            initials = "".join(part[0] + "." for part in person["voornamen"].split())
            rol["betrokkeneType"] = "natuurlijk_persoon"
            rol["betrokkeneIdentificatie"] = {
                "inpBsn": person["bsn"],
                "anpIdentificatie": "",
                "geslachtsnaam": person["geslachtsnaam"],
                "voorvoegselGeslachtsnaam": person.get("voorvoegsel") or "",
                "voorletters": initials,
                "voornamen": person["voornamen"],
                "geslachtsaanduiding": "",
                "geboortedatum": person["geboortedatum"],
            }
        elif "kvk" in spec:
            if spec["kvk"] != COMPANY["kvkNummer"]:
                raise ValueError("A demo zaak names an unknown KVK number.")
            rol["betrokkeneType"] = "niet_natuurlijk_persoon"
            rol["betrokkeneIdentificatie"] = {
                "innNnpId": COMPANY["rsin"],
                "annIdentificatie": "",
                "kvkNummer": COMPANY["kvkNummer"],
                "vestigingsNummer": COMPANY["vestigingen"][0]["vestigingsnummer"],
                "statutaireNaam": COMPANY["naam"],
                "bezoekadres": "",
            }
        elif "afdeling" in spec:
            rol["betrokkeneType"] = "organisatorische_eenheid"
            rol["betrokkeneIdentificatie"] = {
                "identificatie": spec["afdeling"], "naam": spec["naam"], "isGehuisvestIn": "",
            }
        else:
            rol["betrokkeneType"] = "medewerker"
            rol["betrokkeneIdentificatie"] = {
                "identificatie": spec["medewerker"],
                "achternaam": "",
                "voorletters": "",
                "voorvoegselAchternaam": "",
            }
        return rol

    # -- lookups ---------------------------------------------------------------------------
    def statustype_by_url(self, url: str) -> dict | None:
        return next((s for s in self.statustypen.values() if s["url"] == url), None)

    def zaaktype_by_url(self, url: str) -> dict | None:
        return next((z for z in self.zaaktypen.values() if z["url"] == url), None)

    def status_by_url(self, url: str | None) -> dict | None:
        return next((s for s in self.statussen.values() if s["url"] == url), None) if url else None


def load_cast() -> dict[str, Any]:
    with open(DATA_FILE, encoding="utf-8") as handle:
        return json.load(handle)
