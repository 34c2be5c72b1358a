"""The dossiers of the demo zaken: their objects, documents and besluiten, as the Zaken, Documenten,
Besluiten and Catalogi APIs of Open Zaak hold them.

Built from the optional keys of a zaak in ``demo/data/zaken.json`` (see its ``_comment``) for the
demo Zaken server (demo/servers/zaken.py), which serves all four APIs on one port as Open Zaak
does, so that every URL in one API's answer points at a resource another one serves:

* Zaken API 1.5.1: ``ZaakObject`` (an address or pand at Kadaster's BAG URL, or a besluit) and
  ``ZaakInformatieObject`` per document, and the zaak's ``zaakobjecten``,
  ``zaakinformatieobjecten`` and ``relevanteAndereZaken``;
* Documenten API 1.4.2: ``EnkelvoudigInformatieObject`` per document (metadata and an ``inhoud``
  URL, never served) and ``ObjectInformatieObject`` per relation to a zaak or besluit;
* Besluiten API 1.1.0: ``Besluit`` and ``BesluitInformatieObject``;
* Catalogi API 1.3.1: ``InformatieObjectType`` and ``BesluitType``.

Properties the specs declare as non-nullable or with a pattern that Open Zaak fills with ``null``
or ``""`` (``zaakobjecttype``, ``objectTypeOverige``) are left out so that the answers conform.
"""

from __future__ import annotations

import uuid
from typing import Any

from demo.universe import ADDRESSES, KADASTER_BAG_ROOT, pand_identificatie

DOCUMENTEN_PREFIX = "/documenten/api/v1"
BESLUITEN_PREFIX = "/besluiten/api/v1"
GEMEENTE_RSIN = "002220647"
OPEN_END = "9999-12-31"
BESTUURSORGAAN = "College van burgemeester en wethouders"
VERVALREDENEN = {"": "", "tijdelijk": "Besluit met tijdelijke werking"}
_NAMESPACE = uuid.UUID("0b6f9d8e-2a41-4c3b-9e5d-7f1a2b3c4d5e")
_ADDRESSES = {a["nummeraanduidingIdentificatie"]: a for a in ADDRESSES}


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


class ZgwDossiers:
    """The dossier resources of every demo zaak, keyed by uuid per resource type."""

    def __init__(self, base_url: str, zaken: dict[str, dict], cast: dict[str, Any]) -> None:
        self.zaken_root = base_url + "/zaken/api/v1"
        self.catalogi_root = base_url + "/catalogi/api/v1"
        self.documenten_root = base_url + DOCUMENTEN_PREFIX
        self.besluiten_root = base_url + BESLUITEN_PREFIX
        self.catalogus = f"{self.catalogi_root}/catalogussen/{_uuid('catalogus', cast['catalogus'])}"
        self.zaakobjecten: dict[str, dict] = {}
        self.zaakinformatieobjecten: dict[str, dict] = {}
        self.documenten: dict[str, dict] = {}
        self.objectinformatieobjecten: dict[str, dict] = {}
        self.besluiten: dict[str, dict] = {}
        self.besluitinformatieobjecten: dict[str, dict] = {}
        self.informatieobjecttypen = {t["key"]: self._informatieobjecttype(t) for t in cast.get("informatieobjecttypen", [])}
        self.besluittypen = {t["key"]: self._besluittype(t) for t in cast.get("besluittypen", [])}
        by_identificatie = {zaak["identificatie"]: zaak for zaak in zaken.values()}
        specs = [spec for spec in cast["zaken"] if spec["identificatie"] in by_identificatie]
        # Besluiten first: a zaakobject of another zaak may point at one.
        besluit_urls = {}
        for spec in specs:
            zaak = by_identificatie[spec["identificatie"]]
            documents = {d["key"]: self._document(zaak, d) for d in spec.get("documenten", [])}
            for besluit_spec in spec.get("besluiten", []):
                besluit_urls[besluit_spec["identificatie"]] = self._besluit(zaak, besluit_spec, documents)
        for spec in specs:
            zaak = by_identificatie[spec["identificatie"]]
            for index, object_spec in enumerate(spec.get("zaakobjecten", [])):
                self._zaakobject(zaak, index, object_spec, besluit_urls)
            for relevant in spec.get("relevanteAndereZaken", []):
                other = by_identificatie[relevant["zaak"]]
                zaak["relevanteAndereZaken"].append({"url": other["url"], "aardRelatie": relevant["aardRelatie"]})

    # -- catalogi ---------------------------------------------------------------------------
    def _informatieobjecttype(self, spec: dict) -> dict:
        key = _uuid("informatieobjecttype", spec["key"])
        return {
            "url": f"{self.catalogi_root}/informatieobjecttypen/{key}",
            "catalogus": self.catalogus,
            "omschrijving": spec["omschrijving"],
            "vertrouwelijkheidaanduiding": spec["vertrouwelijkheidaanduiding"],
            "beginGeldigheid": "2024-01-01",
            "eindeGeldigheid": None,
            "concept": False,
            "besluittypen": [],
            "informatieobjectcategorie": spec["omschrijving"],
            "trefwoord": [],
            "omschrijvingGeneriek": {
                "informatieobjecttypeOmschrijvingGeneriek": spec["informatieobjecttypeOmschrijvingGeneriek"],
                "definitieInformatieobjecttypeOmschrijvingGeneriek": "",
                "herkomstInformatieobjecttypeOmschrijvingGeneriek": "",
                "hierarchieInformatieobjecttypeOmschrijvingGeneriek": "",
                "opmerkingInformatieobjecttypeOmschrijvingGeneriek": "",
            },
            "zaaktypen": [],
            "beginObject": "2024-01-01",
            "eindeObject": OPEN_END,
        }

    def _besluittype(self, spec: dict) -> dict:
        key = _uuid("besluittype", spec["key"])
        return {
            "url": f"{self.catalogi_root}/besluittypen/{key}",
            "catalogus": self.catalogus,
            "zaaktypen": [],
            "omschrijving": spec["omschrijving"],
            "omschrijvingGeneriek": spec["omschrijvingGeneriek"],
            "besluitcategorie": "",
            "reactietermijn": spec["reactietermijn"],
            "publicatieIndicatie": spec["publicatieIndicatie"],
            "publicatietekst": "",
            "publicatietermijn": None,
            "toelichting": "",
            "informatieobjecttypen": [self.informatieobjecttypen["besluit"]["url"]] if "besluit" in self.informatieobjecttypen else [],
            "beginGeldigheid": "2024-01-01",
            "eindeGeldigheid": None,
            "concept": False,
            "resultaattypen": [],
            "resultaattypenOmschrijving": [],
            "vastgelegdIn": [],
            "beginObject": "2024-01-01",
            "eindeObject": OPEN_END,
        }

    # -- documenten -------------------------------------------------------------------------
    def _document(self, zaak: dict, spec: dict) -> dict:
        key = _uuid("document", zaak["identificatie"], spec["key"])
        url = f"{self.documenten_root}/enkelvoudiginformatieobjecten/{key}"
        self.documenten[key] = {
            "url": url,
            "identificatie": f"DOC-{zaak['identificatie'][5:]}-{spec['key'].upper()}"[:40],
            "bronorganisatie": GEMEENTE_RSIN,
            "creatiedatum": spec["creatiedatum"],
            "titel": spec["titel"],
            "vertrouwelijkheidaanduiding": spec["vertrouwelijkheidaanduiding"],
            "auteur": "Gemeente (demo)" if "ontvangstdatum" not in spec else "Ingezonden stuk",
            "status": "definitief",
            "formaat": "application/pdf",
            "taal": "dut",
            "versie": 1,
            "beginRegistratie": f"{spec['creatiedatum']}T12:00:00Z",
            "bestandsnaam": spec["bestandsnaam"],
            "inhoud": f"{url}/download?versie=1",
            "bestandsomvang": spec["bestandsomvang"],
            "link": "",
            "beschrijving": "",
            "ontvangstdatum": spec.get("ontvangstdatum"),
            "verzenddatum": spec.get("verzenddatum"),
            "indicatieGebruiksrecht": False,
            "verschijningsvorm": "",
            "informatieobjecttype": self.informatieobjecttypen[spec["informatieobjecttype"]]["url"],
            "locked": False,
            "bestandsdelen": [],
            "trefwoorden": [],
        }
        zio_key = _uuid("zaakinformatieobject", zaak["identificatie"], spec["key"])
        zio_url = f"{self.zaken_root}/zaakinformatieobjecten/{zio_key}"
        self.zaakinformatieobjecten[zio_key] = {
            "url": zio_url,
            "uuid": zio_key,
            "informatieobject": url,
            "zaak": zaak["url"],
            "aardRelatieWeergave": "Hoort bij, omgekeerd: kent",
            "titel": spec["titel"],
            "beschrijving": "",
            "registratiedatum": f"{spec['creatiedatum']}T12:05:00Z",
            "vernietigingsdatum": None,
            "status": None,
        }
        zaak["zaakinformatieobjecten"].append(zio_url)
        self._objectinformatieobject(url, zaak["url"], "zaak")
        return self.documenten[key]

    def _objectinformatieobject(self, document_url: str, object_url: str, object_type: str) -> None:
        key = _uuid("objectinformatieobject", document_url, object_url)
        self.objectinformatieobjecten[key] = {
            "url": f"{self.documenten_root}/objectinformatieobjecten/{key}",
            "informatieobject": document_url,
            "object": object_url,
            "objectType": object_type,
        }

    # -- besluiten --------------------------------------------------------------------------
    def _besluit(self, zaak: dict, spec: dict, documents: dict[str, dict]) -> str:
        key = _uuid("besluit", spec["identificatie"])
        url = f"{self.besluiten_root}/besluiten/{key}"
        self.besluiten[key] = {
            "url": url,
            "identificatie": spec["identificatie"],
            "verantwoordelijkeOrganisatie": GEMEENTE_RSIN,
            "besluittype": self.besluittypen[spec["besluittype"]]["url"],
            "zaak": zaak["url"],
            "datum": spec["datum"],
            "toelichting": spec["toelichting"],
            "bestuursorgaan": BESTUURSORGAAN,
            "ingangsdatum": spec["ingangsdatum"],
            "vervaldatum": spec["vervaldatum"],
            "vervalreden": spec["vervalreden"],
            "vervalredenWeergave": VERVALREDENEN[spec["vervalreden"]],
            "publicatiedatum": None,
            "verzenddatum": spec["verzenddatum"],
            "uiterlijkeReactiedatum": spec["uiterlijkeReactiedatum"],
        }
        for document_key in spec.get("documenten", []):
            document = documents[document_key]
            bio_key = _uuid("besluitinformatieobject", spec["identificatie"], document_key)
            self.besluitinformatieobjecten[bio_key] = {
                "url": f"{self.besluiten_root}/besluitinformatieobjecten/{bio_key}",
                "informatieobject": document["url"],
                "besluit": url,
            }
            self._objectinformatieobject(document["url"], url, "besluit")
        return url

    # -- zaakobjecten -----------------------------------------------------------------------
    def _zaakobject(self, zaak: dict, index: int, spec: dict, besluit_urls: dict[str, str]) -> None:
        key = _uuid("zaakobject", zaak["identificatie"], str(index))
        zaakobject: dict[str, Any] = {
            "url": f"{self.zaken_root}/zaakobjecten/{key}",
            "uuid": key,
            "zaak": zaak["url"],
            "objectType": spec["objectType"],
            "relatieomschrijving": spec["relatieomschrijving"],
        }
        if spec["objectType"] == "adres":
            adres = _ADDRESSES[spec["bag"]]
            zaakobject["object"] = f"{KADASTER_BAG_ROOT}adressen/{spec['bag']}"
            zaakobject["objectIdentificatie"] = {
                "identificatie": spec["bag"],
                "wplWoonplaatsNaam": adres.get("woonplaats") or adres.get("plaats"),
                "gorOpenbareRuimteNaam": adres["straat"],
                "huisnummer": adres["huisnummer"],
                "huisletter": adres.get("huisletter") or "",
                "huisnummertoevoeging": adres.get("huisnummertoevoeging") or "",
                "postcode": adres["postcode"],
            }
        elif spec["objectType"] == "pand":
            if spec["bag"] not in {pand_identificatie(a["adresseerbaarObjectIdentificatie"]) for a in ADDRESSES}:
                raise ValueError("A demo zaakobject names a pand the demo BAG does not have.")
            zaakobject["object"] = f"{KADASTER_BAG_ROOT}panden/{spec['bag']}"
            zaakobject["objectIdentificatie"] = {"identificatie": spec["bag"]}
        else:
            zaakobject["object"] = besluit_urls[spec["besluit"]]
        self.zaakobjecten[key] = zaakobject
        zaak["zaakobjecten"].append(zaakobject["url"])
