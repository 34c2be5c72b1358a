"""Spec-conformant KVK answers for the unit tests (the contract tests validate each of them).

Shapes follow tests/specs/kvk/*.yaml; values follow the demo cast (demo/universe.py COMPANY,
an invented eenmanszaak) and are fictitious.
"""

from __future__ import annotations

from .conftest import KVK_ROOT

KVK_NUMMER = "90004760"
RSIN = "860014204"
HOOFDVESTIGING = "000059218547"
NEVENVESTIGING = "000059218555"

ZOEKEN_URL = KVK_ROOT + "v2/zoeken"
BASISPROFIEL_URL = KVK_ROOT + f"v1/basisprofielen/{KVK_NUMMER}"
VESTIGINGSPROFIEL_URL = KVK_ROOT + f"v1/vestigingsprofielen/{HOOFDVESTIGING}"
HAL = "application/hal+json"


def resultaat_item(vestigingsnummer=HOOFDVESTIGING, *, kvk_nummer=KVK_NUMMER, type_="hoofdvestiging", naam="Bakkerij Vogel"):
    return {
        "kvkNummer": kvk_nummer,
        "rsin": RSIN,
        "vestigingsnummer": vestigingsnummer,
        "naam": naam,
        "adres": {
            "binnenlandsAdres": {
                "type": "bezoekadres", "straatnaam": "Boterdiep", "huisnummer": 33,
                "postcode": "3077AW", "plaats": "Rotterdam",
            }
        },
        "type": type_,
        "actief": "Ja",
        "_links": {
            "basisprofiel": {"href": KVK_ROOT + f"v1/basisprofielen/{kvk_nummer}"},
            "vestigingsprofiel": {"href": KVK_ROOT + f"v1/vestigingsprofielen/{vestigingsnummer}"},
        },
    }


def zoeken_page(resultaten, *, pagina=1, per_pagina=100, totaal=None, volgende=None):
    page = {
        "pagina": pagina,
        "resultatenPerPagina": per_pagina,
        "totaal": len(resultaten) if totaal is None else totaal,
        "resultaten": resultaten,
        "_links": {"self": {"href": f"{ZOEKEN_URL}?kvkNummer={KVK_NUMMER}&pagina={pagina}"}},
    }
    if volgende:
        page["volgende"] = volgende
    return page


ZOEKEN_BAKKERIJ = zoeken_page(
    [resultaat_item(), resultaat_item(NEVENVESTIGING, type_="nevenvestiging", naam="Vogel Broodjes")]
)

GEO_HOOFDVESTIGING = {
    "addresseerbaarObjectId": "0599010000208580",
    "nummerAanduidingId": "0599200000219679",
    "gpsLatitude": 51.9339,
    "gpsLongitude": 4.4942,
    "rijksdriehoekX": 93512.0,
    "rijksdriehoekY": 438645.0,
    "rijksdriehoekZ": 0.0,
}
ADRES_HOOFDVESTIGING = {
    "type": "bezoekadres",
    "indAfgeschermd": "Nee",
    "volledigAdres": "Boterdiep 33 3077AW Rotterdam",
    "straatnaam": "Boterdiep",
    "huisnummer": 33,
    "postcode": "3077AW",
    "plaats": "Rotterdam",
    "land": "Nederland",
    "geoData": GEO_HOOFDVESTIGING,
}
SBI = [{"sbiCode": "1071", "sbiOmschrijving": "Vervaardiging van brood en vers banketbakkerswerk", "indHoofdactiviteit": "Ja"}]

VESTIGING = {
    "vestigingsnummer": HOOFDVESTIGING,
    "kvkNummer": KVK_NUMMER,
    "rsin": RSIN,
    "indNonMailing": "Nee",
    "formeleRegistratiedatum": "20190301",
    "materieleRegistratie": {"datumAanvang": "20190301"},
    "eersteHandelsnaam": "Bakkerij Vogel",
    "indHoofdvestiging": "Ja",
    "indCommercieleVestiging": "Ja",
    "voltijdWerkzamePersonen": 2,
    "totaalWerkzamePersonen": 3,
    "deeltijdWerkzamePersonen": 1,
    "handelsnamen": [{"naam": "Bakkerij Vogel", "volgorde": 1}],
    "adressen": [ADRES_HOOFDVESTIGING],
    "websites": ["www.bakkerijvogel.example"],
    "sbiActiviteiten": SBI,
    "links": [{"rel": "self", "href": VESTIGINGSPROFIEL_URL}],
}

BASISPROFIEL = {
    "kvkNummer": KVK_NUMMER,
    "indNonMailing": "Nee",
    "naam": "Bakkerij Vogel",
    "formeleRegistratiedatum": "20190301",
    "materieleRegistratie": {"datumAanvang": "20190301"},
    "totaalWerkzamePersonen": 5,
    "handelsnamen": [{"naam": "Bakkerij Vogel", "volgorde": 1}, {"naam": "Vogel Broodjes", "volgorde": 2}],
    "sbiActiviteiten": SBI,
    "links": [{"rel": "self", "href": BASISPROFIEL_URL}],
    "_embedded": {
        "hoofdvestiging": {
            key: value for key, value in VESTIGING.items() if key not in ("rsin", "handelsnamen")
        },
        "eigenaar": {
            "rsin": RSIN,
            "rechtsvorm": "Eenmanszaak",
            "uitgebreideRechtsvorm": "Eenmanszaak",
            "adressen": [ADRES_HOOFDVESTIGING],
            "links": [{"rel": "basisprofiel", "href": BASISPROFIEL_URL}],
        },
    },
}


def fout(code, omschrijving):
    return {"fout": [{"code": code, "omschrijving": omschrijving}]}


FOUT_GEEN_RESULTATEN = fout("IPD5200", "Er zijn geen resultaten gevonden aan de hand van de opgegeven parameter(s)")
FOUT_NIET_LEVERBAAR = fout("IPD0005", f"Het product is niet leverbaar voor KVK-nummer {KVK_NUMMER}")
FOUT_VESTIGING_NIET_LEVERBAAR = fout("IPD0007", f"Het product is niet leverbaar voor vestigingsnummer {HOOFDVESTIGING}")
FOUT_ONGELDIG = fout("IPD1999", "De opgegeven parameter(s) zijn niet valide")
FOUT_APIKEY = fout("401", "Geen of onjuiste apikey aangeleverd")
FOUT_INTERN = fout("IPD9999", "Er is een interne fout opgetreden")
