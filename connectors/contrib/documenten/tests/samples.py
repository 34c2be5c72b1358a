"""Spec-conformant sample resources of the Documenten API 1.4.2, the Zaken API 1.5.1 and the Catalogi
API 1.3.1 (as served by Open Zaak 1.30) for the Documenten connector tests; test_contract.py
validates every answer built here against the specs. Each document has an `inhoud` download URL,
as real ones do, so the tests can show it is never followed or returned."""

from __future__ import annotations

import uuid

DOCUMENTEN_ROOT = "https://openzaak.example.nl/documenten/api/v1/"
ZAKEN_ROOT = "https://openzaak.example.nl/zaken/api/v1/"
CATALOGI_ROOT = "https://openzaak.example.nl/catalogi/api/v1/"
CATALOGUS = CATALOGI_ROOT + "catalogussen/5d7b8f5a-0d5b-4cfd-9c4a-4b5f1a5d2b10"
RSIN = "002220647"


def uid(*parts: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(map(str, parts))))


def zaak_url(n: int) -> str:
    return f"{ZAKEN_ROOT}zaken/{uid('zaak', n)}"


def document_url(n: int) -> str:
    return f"{DOCUMENTEN_ROOT}enkelvoudiginformatieobjecten/{uid('document', n)}"


def informatieobjecttype_url(name: str = "besluit") -> str:
    return f"{CATALOGI_ROOT}informatieobjecttypen/{uid('iotype', name)}"


def document(n: int, *, vertrouwelijkheid: str = "openbaar", creatiedatum: str = "2025-07-15", titel: str | None = None) -> dict:
    return {
        "url": document_url(n),
        "identificatie": f"DOC-2025-{n:04d}",
        "bronorganisatie": RSIN,
        "creatiedatum": creatiedatum,
        "titel": titel or f"Document {n}",
        "vertrouwelijkheidaanduiding": vertrouwelijkheid,
        "auteur": "Suzanne Moulin",
        "status": "definitief",
        "formaat": "application/pdf",
        "taal": "dut",
        "versie": 1,
        "beginRegistratie": "2025-07-15T10:00:00Z",
        "bestandsnaam": f"document-{n}.pdf",
        "inhoud": f"{document_url(n)}/download?versie=1",
        "bestandsomvang": 48213,
        "link": "",
        "beschrijving": "",
        "ontvangstdatum": None,
        "verzenddatum": None,
        "indicatieGebruiksrecht": False,
        "verschijningsvorm": "",
        "informatieobjecttype": informatieobjecttype_url(),
        "locked": False,
        "bestandsdelen": [],
        "trefwoorden": [],
    }


def zaakinformatieobject(zaak_n: int, document_n: int) -> dict:
    key = uid("zio", zaak_n, document_n)
    return {
        "url": f"{ZAKEN_ROOT}zaakinformatieobjecten/{key}",
        "uuid": key,
        "informatieobject": document_url(document_n),
        "zaak": zaak_url(zaak_n),
        "aardRelatieWeergave": "Hoort bij, omgekeerd: kent",
        "titel": f"Stuk {document_n} in de zaak",
        "beschrijving": "",
        "registratiedatum": "2025-07-15T10:05:00Z",
        "vernietigingsdatum": None,
        "status": None,
    }


def objectinformatieobject(zaak_n: int, document_n: int, object_type: str = "zaak") -> dict:
    return {
        "url": f"{DOCUMENTEN_ROOT}objectinformatieobjecten/{uid('oio', zaak_n, document_n)}",
        "informatieobject": document_url(document_n),
        "object": zaak_url(zaak_n),
        "objectType": object_type,
    }


def informatieobjecttype(name: str = "besluit", omschrijving: str = "Besluit") -> dict:
    return {
        "url": informatieobjecttype_url(name),
        "catalogus": CATALOGUS,
        "omschrijving": omschrijving,
        "vertrouwelijkheidaanduiding": "openbaar",
        "beginGeldigheid": "2024-01-01",
        "eindeGeldigheid": None,
        "concept": False,
        "besluittypen": [],
        "informatieobjectcategorie": "Besluit",
        "trefwoord": [],
        "omschrijvingGeneriek": {
            "informatieobjecttypeOmschrijvingGeneriek": "",
            "definitieInformatieobjecttypeOmschrijvingGeneriek": "",
            "herkomstInformatieobjecttypeOmschrijvingGeneriek": "",
            "hierarchieInformatieobjecttypeOmschrijvingGeneriek": "",
            "opmerkingInformatieobjecttypeOmschrijvingGeneriek": "",
        },
        "zaaktypen": [],
        "beginObject": "2024-01-01",
        "eindeObject": "9999-12-31",
    }


def page(results: list[dict], *, next_url: str | None = None, count: int | None = None) -> dict:
    return {"count": len(results) if count is None else count, "next": next_url, "previous": None, "results": results}


def fout(status_code: int, title: str, code: str) -> dict:
    return {
        "type": f"https://openzaak.example.nl/ref/fouten/{code}/",
        "code": code,
        "title": title,
        "status": status_code,
        "detail": title,
        "instance": "urn:uuid:" + uid("fout", code),
    }
