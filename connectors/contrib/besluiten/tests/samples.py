"""Spec-conformant sample resources of the Besluiten API 1.1.0 and Catalogi API 1.3.1 (as served by
Open Zaak 1.30) for the Besluiten connector tests; test_contract.py validates every answer built
here against the specs."""

from __future__ import annotations

import uuid

BESLUITEN_ROOT = "https://openzaak.example.nl/besluiten/api/v1/"
CATALOGI_ROOT = "https://openzaak.example.nl/catalogi/api/v1/"
ZAKEN_ROOT = "https://openzaak.example.nl/zaken/api/v1/"
DOCUMENTEN_ROOT = "https://openzaak.example.nl/documenten/api/v1/"
CATALOGUS = CATALOGI_ROOT + "catalogussen/5d7b8f5a-0d5b-4cfd-9c4a-4b5f1a5d2b10"
RSIN = "002220647"


def uid(*parts: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(map(str, parts))))


def besluit_url(n: int) -> str:
    return f"{BESLUITEN_ROOT}besluiten/{uid('besluit', n)}"


def zaak_url(n: int) -> str:
    return f"{ZAKEN_ROOT}zaken/{uid('zaak', n)}"


def document_url(n: int) -> str:
    return f"{DOCUMENTEN_ROOT}enkelvoudiginformatieobjecten/{uid('document', n)}"


def besluittype_url(name: str = "last-onder-dwangsom") -> str:
    return f"{CATALOGI_ROOT}besluittypen/{uid('besluittype', name)}"


def besluit(n: int, *, zaak: int | None = None, besluittype: str = "last-onder-dwangsom") -> dict:
    return {
        "url": besluit_url(n),
        "identificatie": f"BESLUIT-2025-{n:04d}",
        "verantwoordelijkeOrganisatie": RSIN,
        "besluittype": besluittype_url(besluittype),
        "zaak": zaak_url(n if zaak is None else zaak),
        "datum": "2025-07-15",
        "toelichting": "Herstel binnen twaalf weken.",
        "bestuursorgaan": "College van B&W",
        "ingangsdatum": "2025-07-16",
        "vervaldatum": "2025-10-15",
        "vervalreden": "tijdelijk",
        "vervalredenWeergave": "Besluit met tijdelijke werking",
        "publicatiedatum": None,
        "verzenddatum": "2025-07-15",
        "uiterlijkeReactiedatum": "2025-08-26",
    }


def besluittype(name: str = "last-onder-dwangsom", omschrijving: str = "Last onder dwangsom") -> dict:
    return {
        "url": besluittype_url(name),
        "catalogus": CATALOGUS,
        "zaaktypen": [],
        "omschrijving": omschrijving,
        "omschrijvingGeneriek": "Handhavingsbesluit",
        "besluitcategorie": "",
        "reactietermijn": "P6W",
        "publicatieIndicatie": False,
        "publicatietekst": "",
        "publicatietermijn": None,
        "toelichting": "",
        "informatieobjecttypen": [],
        "beginGeldigheid": "2024-01-01",
        "eindeGeldigheid": None,
        "concept": False,
        "resultaattypen": [],
        "resultaattypenOmschrijving": [],
        "vastgelegdIn": [],
        "beginObject": "2024-01-01",
        "eindeObject": "9999-12-31",
    }


def besluitinformatieobject(besluit_n: int, document_n: int) -> dict:
    return {
        "url": f"{BESLUITEN_ROOT}besluitinformatieobjecten/{uid('bio', besluit_n, document_n)}",
        "informatieobject": document_url(document_n),
        "besluit": besluit_url(besluit_n),
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
