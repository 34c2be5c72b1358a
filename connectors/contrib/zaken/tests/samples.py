"""Spec-conformant sample resources of the Zaken API 1.5.1 and Catalogi API 1.3.1 for the tests.

test_contract.py validates every answer built here against the vendored specs, so the unit
tests parse what a real Open Zaak would send. Null-valued `allOf` + `nullable` properties are
left out (see demo/servers/zaken.py for why).
"""

from __future__ import annotations

import uuid

ZAKEN_ROOT = "https://openzaak.example.nl/zaken/api/v1/"
CATALOGI_ROOT = "https://openzaak.example.nl/catalogi/api/v1/"
BSN = "999993653"
OTHER_BSN = "999993847"
KVK = "90004760"
CATALOGUS = CATALOGI_ROOT + "catalogussen/5d7b8f5a-0d5b-4cfd-9c4a-4b5f1a5d2b10"


def uid(*parts: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(map(str, parts))))


def zaak_url(n: int) -> str:
    return f"{ZAKEN_ROOT}zaken/{uid('zaak', n)}"


def status_url(n: int) -> str:
    return f"{ZAKEN_ROOT}statussen/{uid('status', n)}"


def zaaktype_url(name: str) -> str:
    return f"{CATALOGI_ROOT}zaaktypen/{uid('zaaktype', name)}"


def statustype_url(name: str) -> str:
    return f"{CATALOGI_ROOT}statustypen/{uid('statustype', name)}"


def zaaktype(name: str = "parkeervergunning", omschrijving: str = "Aanvraag parkeervergunning") -> dict:
    return {
        "url": zaaktype_url(name),
        "identificatie": name.upper(),
        "omschrijving": omschrijving,
        "omschrijvingGeneriek": "",
        "vertrouwelijkheidaanduiding": "zaakvertrouwelijk",
        "doel": "Beslissen op de aanvraag.",
        "aanleiding": "Aanvraag van een inwoner.",
        "toelichting": "",
        "indicatieInternOfExtern": "extern",
        "handelingInitiator": "aanvragen",
        "onderwerp": omschrijving,
        "handelingBehandelaar": "behandelen",
        "doorlooptijd": "P56D",
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
        "referentieproces": {"naam": omschrijving, "link": ""},
        "concept": False,
        "verantwoordelijke": "002220647",
        "beginGeldigheid": "2024-01-01",
        "eindeGeldigheid": None,
        "versiedatum": "2024-01-01",
        "beginObject": "2024-01-01",
        "eindeObject": "9999-12-31",
        "catalogus": CATALOGUS,
        "statustypen": [statustype_url(name)],
        "resultaattypen": [],
        "eigenschappen": [],
        "informatieobjecttypen": [],
        "roltypen": [],
        "besluittypen": [],
        "deelzaaktypen": [],
        "gerelateerdeZaaktypen": [],
        "zaakobjecttypen": [],
    }


def statustype(name: str = "parkeervergunning", omschrijving: str = "In behandeling", eind: bool = False) -> dict:
    return {
        "url": statustype_url(name),
        "omschrijving": omschrijving,
        "omschrijvingGeneriek": "",
        "statustekst": "",
        "zaaktype": zaaktype_url(name),
        "zaaktypeIdentificatie": name.upper(),
        "volgnummer": 3 if eind else 2,
        "isEindstatus": eind,
        "informeren": False,
        "doorlooptijd": None,
        "toelichting": None,
        "checklistitemStatustype": [],
        "catalogus": CATALOGUS,
        "eigenschappen": [],
        "zaakobjecttypen": [],
        "beginGeldigheid": None,
        "eindeGeldigheid": None,
        "beginObject": "2024-01-01",
        "eindeObject": "9999-12-31",
    }


def status(n: int, statustype_name: str = "parkeervergunning") -> dict:
    return {
        "url": status_url(n),
        "uuid": uid("status", n),
        "zaak": zaak_url(n),
        "statustype": statustype_url(statustype_name),
        "datumStatusGezet": "2025-03-04T10:00:00Z",
        "statustoelichting": "Doorgezet naar vakafdeling.",
        "indicatieLaatstGezetteStatus": True,
        "gezetdoor": None,
        "zaakinformatieobjecten": [],
    }


def zaak(n: int, *, zaaktype_name: str = "parkeervergunning", with_status: bool = True) -> dict:
    return {
        "url": zaak_url(n),
        "uuid": uid("zaak", n),
        "identificatie": f"ZAAK-2025-{n:010d}",
        "bronorganisatie": "002220647",
        "omschrijving": f"Zaak nummer {n}",
        "toelichting": "",
        "zaaktype": zaaktype_url(zaaktype_name),
        "registratiedatum": "2025-03-01",
        "verantwoordelijkeOrganisatie": "002220647",
        "startdatum": "2025-03-01",
        "einddatum": None,
        "einddatumGepland": None,
        "uiterlijkeEinddatumAfdoening": None,
        "publicatiedatum": None,
        "laatstGemuteerd": "2025-03-04T10:00:00Z",
        "laatstGeopend": None,
        "communicatiekanaal": "",
        "communicatiekanaalNaam": "",
        "productenOfDiensten": [],
        "vertrouwelijkheidaanduiding": "zaakvertrouwelijk",
        "betalingsindicatie": "",
        "betalingsindicatieWeergave": "",
        "laatsteBetaaldatum": None,
        "selectielijstklasse": "",
        "hoofdzaak": None,
        "deelzaken": [],
        "relevanteAndereZaken": [],
        "gerelateerdeZaken": [],
        "eigenschappen": [],
        "rollen": [f"{ZAKEN_ROOT}rollen/{uid('rol', n)}"],
        "status": status_url(n) if with_status else None,
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


def expanded(zaak_: dict, n: int, *, the_zaaktype: dict | None = None, the_statustype: dict | None = None) -> dict:
    """Zaak `n` as `expand=zaaktype,status,status.statustype` returns it (Open Zaak nests the
    deeper expansion as `_expand` inside the expanded status)."""
    expand: dict = {"zaaktype": the_zaaktype or zaaktype()}
    if zaak_["status"]:
        expand["status"] = dict(status(n), _expand={"statustype": the_statustype or statustype()})
    return dict(zaak_, _expand=expand)


def persoon_rol(n: int, bsn: str = BSN, *, omschrijving_generiek: str = "initiator") -> dict:
    return {
        "url": f"{ZAKEN_ROOT}rollen/{uid('rol', n, bsn)}",
        "uuid": uid("rol", n, bsn),
        "zaak": zaak_url(n),
        "betrokkene": "",
        "betrokkeneType": "natuurlijk_persoon",
        "afwijkendeNaamBetrokkene": "",
        "roltype": f"{CATALOGI_ROOT}roltypen/{uid('roltype', omschrijving_generiek)}",
        "omschrijving": "Aanvrager" if omschrijving_generiek == "initiator" else "Belanghebbende",
        "omschrijvingGeneriek": omschrijving_generiek,
        "roltoelichting": "",
        "registratiedatum": "2025-03-01T09:12:00Z",
        "indicatieMachtiging": "",
        "statussen": [],
        "beginGeldigheid": None,
        "eindeGeldigheid": None,
        "betrokkeneIdentificatie": {
            "inpBsn": bsn,
            "anpIdentificatie": "",
            "geslachtsnaam": "Moulin",
            "voorvoegselGeslachtsnaam": "",
            "voorletters": "S.",
            "voornamen": "Suzanne",
            "geslachtsaanduiding": "v",
            "geboortedatum": "1985-12-01",
        },
    }


def bedrijf_rol(n: int, kvk: str = KVK) -> dict:
    rol = persoon_rol(n)
    rol.update(
        url=f"{ZAKEN_ROOT}rollen/{uid('rol', n, kvk)}",
        uuid=uid("rol", n, kvk),
        betrokkeneType="niet_natuurlijk_persoon",
        betrokkeneIdentificatie={
            "innNnpId": "860014204",
            "annIdentificatie": "",
            "kvkNummer": kvk,
            "vestigingsNummer": "000059218547",
            "statutaireNaam": "Bakkerij Vogel",
            "bezoekadres": "",
        },
    )
    return rol


def medewerker_rol(n: int) -> dict:
    rol = persoon_rol(n, omschrijving_generiek="behandelaar")
    rol.update(
        url=f"{ZAKEN_ROOT}rollen/{uid('rol', n, 'medewerker')}",
        uuid=uid("rol", n, "medewerker"),
        betrokkeneType="medewerker",
        omschrijving="Behandelaar",
        betrokkeneIdentificatie={"identificatie": "m.devries", "achternaam": "De Vries", "voorletters": "M.", "voorvoegselAchternaam": ""},
    )
    return rol


def page(results: list[dict], *, next_url: str | None = None, previous: str | None = None, count: int | None = None) -> dict:
    return {"count": len(results) if count is None else count, "next": next_url, "previous": previous, "results": results}


def fout(status_code: int, title: str, code: str) -> dict:
    return {
        "type": f"https://openzaak.example.nl/ref/fouten/{code}/",
        "code": code,
        "title": title,
        "status": status_code,
        "detail": title,
        "instance": "urn:uuid:" + uid("fout", code),
    }
