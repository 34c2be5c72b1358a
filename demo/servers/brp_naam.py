"""Names and forms of address of the BRP API Personen 2.x for the demo conversion:
volledigeNaam, voorletters, and adressering's aanhef, aanschrijfwijze and gebruikInLopendeTekst
(with noble titles and predicates, and the partner's name by aanduidingNaamgebruik).

Spec: ``tests/specs/brp-personen/openapi.yaml`` (`NaamPersoon`, `Adressering`); rules after
the official BrpProxy (BRP-API/Haal-Centraal-BRP-bevragen, ``src/BrpProxy/Mappers``), simplified:
a partner's courtesy title only changes the aanhef.
"""

from __future__ import annotations

import re
from typing import Any

from .brp_values import compact, waardetabel

ADELLIJKE_TITELS = {
    "B": "baron", "BS": "barones", "G": "graaf", "GI": "gravin", "H": "hertog", "HI": "hertogin",
    "M": "markies", "MI": "markiezin", "P": "prins", "PS": "prinses", "R": "ridder",
}
PREDICATEN = {"JH": "jonkheer", "JV": "jonkvrouw"}
VROUWELIJKE_TITELS = {"B": "BS", "G": "GI", "H": "HI", "M": "MI", "P": "PS"}
MANNELIJKE_TITELS = {female: male for male, female in VROUWELIJKE_TITELS.items()}
# Title as used for a person of a given sex ("{code}-{geslacht}").
TITEL_VOOR_GESLACHT = {
    "B-M": "baron", "BS-M": "baron", "B-V": "barones", "BS-V": "barones",
    "G-M": "graaf", "GI-M": "graaf", "G-V": "gravin", "GI-V": "gravin",
    "H-M": "hertog", "HI-M": "hertog", "H-V": "hertogin", "HI-V": "hertogin",
    "JH-M": "jonkheer", "JV-M": "jonkheer", "JH-V": "jonkvrouw", "JV-V": "jonkvrouw",
    "M-M": "markies", "MI-M": "markies", "M-V": "markiezin", "MI-V": "markiezin",
    "P-M": "prins", "PS-M": "prins", "P-V": "prinses", "PS-V": "prinses", "R-M": "ridder",
}
AANSPREEKVORM = {
    **{key: "De hoogwelgeboren heer" for key in ("B-M", "BS-M", "H-M", "HI-M", "JH-M", "JV-M", "M-M", "MI-M", "R-M")},
    **{key: "De hoogwelgeboren vrouwe" for key in ("B-V", "BS-V", "H-V", "HI-V", "JH-V", "JV-V", "M-V", "MI-V")},
    **{key: "De hooggeboren heer" for key in ("G-M", "GI-M")},
    **{key: "De hooggeboren vrouwe" for key in ("G-V", "GI-V")},
    **{key: "De hoogheid" for key in ("P-M", "PS-M", "P-V", "PS-V", "P-O", "PS-O")},
}
AANHEF_TITEL = {key: value.removeprefix("De ").capitalize() for key, value in AANSPREEKVORM.items()}
HOFFELIJKHEIDSTITELS = {
    "B": "Hoogwelgeboren vrouwe", "G": "Hooggeboren vrouwe", "H": "Hoogwelgeboren vrouwe",
    "M": "Hoogwelgeboren vrouwe", "P": "Hoogheid",
}


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def voorletters(voornamen: str | None) -> str | None:
    """First letter and a dot per voornaam; a one-letter voornaam stays as it is."""
    if not voornamen or voornamen == ".":
        return voornamen or None
    letters = (naam[:1] + "." if len(naam.strip()) > 1 else naam + " " for naam in voornamen.split(" "))
    return "".join(letters).strip() or None


def _titel_naam(titel: dict[str, Any] | None, geslacht: str | None) -> tuple[str, str]:
    """(predicaat, adellijke titel) as written in volledigeNaam: the form follows the sex."""
    code = (titel or {}).get("code", "")
    if code in PREDICATEN:
        if geslacht in ("M", "V"):
            return ("jonkheer" if geslacht == "M" else "jonkvrouw"), ""
        return PREDICATEN[code], ""
    if code in VROUWELIJKE_TITELS and geslacht == "V":
        code = VROUWELIJKE_TITELS[code]
    elif code in MANNELIJKE_TITELS and geslacht == "M":
        code = MANNELIJKE_TITELS[code]
    return "", ADELLIJKE_TITELS.get(code, "")


def naam_persoon(raw: dict[str, Any], geslacht: str | None) -> dict[str, Any]:
    titel = waardetabel(raw.get("adellijkeTitelPredicaat"), "soort")
    predicaat, adellijke_titel = _titel_naam(titel, geslacht)
    volledig = _squeeze(
        f"{predicaat} {raw.get('voornamen', '')} {adellijke_titel} "
        f"{raw.get('voorvoegsel', '')} {raw.get('geslachtsnaam', '')}"
    )
    return compact({
        "voornamen": raw.get("voornamen"),
        "adellijkeTitelPredicaat": titel,
        "voorvoegsel": raw.get("voorvoegsel"),
        "geslachtsnaam": raw.get("geslachtsnaam"),
        "voorletters": voorletters(raw.get("voornamen")),
        "volledigeNaam": volledig or None,
        "aanduidingNaamgebruik": waardetabel(raw.get("aanduidingNaamgebruik")),
    })


def naam_gerelateerde(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    if not raw:
        return None
    return compact({
        "voornamen": raw.get("voornamen"),
        "adellijkeTitelPredicaat": waardetabel(raw.get("adellijkeTitelPredicaat"), "soort"),
        "voorvoegsel": raw.get("voorvoegsel"),
        "geslachtsnaam": raw.get("geslachtsnaam"),
        "voorletters": voorletters(raw.get("voornamen")),
    }) or None


def _achternaam(naam: dict[str, Any] | None) -> str:
    naam = naam or {}
    return _squeeze(f"{naam.get('voorvoegsel', '')} {naam.get('geslachtsnaam', '')}")


def _leeg(value: str) -> bool:
    return not value or value == "."


def naamgebruik(naam: dict[str, Any], geslacht: str | None, partner_naam: dict[str, Any] | None) -> dict[str, Any]:
    """aanhef, aanschrijfwijze and gebruikInLopendeTekst (simplified BrpProxy rules: courtesy
    titles of a partner only change the aanhef)."""
    code = (naam.get("aanduidingNaamgebruik") or {}).get("code", "E")
    eigen, van_partner = _achternaam(naam), _achternaam(partner_naam)
    if _leeg(naam.get("geslachtsnaam", "")) and code == "E":
        return {}
    titel_code = (naam.get("adellijkeTitelPredicaat") or {}).get("code")
    partner_titel = ((partner_naam or {}).get("adellijkeTitelPredicaat") or {}).get("code")
    initialen = naam.get("voorletters", "")

    if _leeg(van_partner):
        samengesteld = eigen
    else:
        samengesteld = {"P": van_partner, "V": f"{van_partner}-{eigen}", "N": f"{eigen}-{van_partner}"}.get(code, eigen)

    titel_key = f"{titel_code}-{geslacht}"
    eigen_titel = titel_code and code == "E" and titel_key in TITEL_VOOR_GESLACHT
    if eigen_titel:
        titel = TITEL_VOOR_GESLACHT[titel_key]
        if titel_code in PREDICATEN:
            schrijfnaam = _capitalize(_squeeze(f"{titel} {initialen} {eigen}"))
        else:
            schrijfnaam = _squeeze(f"{initialen} {titel} {eigen}")
        aanschrijfwijze = compact({"naam": schrijfnaam, "aanspreekvorm": AANSPREEKVORM.get(titel_key)})
        aanhef = AANHEF_TITEL.get(titel_key)
        lopend = _squeeze(f"{titel} {eigen}")
    else:
        aanschrijfwijze = {"naam": _capitalize(_squeeze(f"{initialen} {samengesteld}"))}
        aanhef = {
            "M": f"Geachte heer {_capitalize(samengesteld)}",
            "V": f"Geachte mevrouw {_capitalize(samengesteld)}",
        }.get(geslacht, _squeeze(f"Geachte {initialen} {samengesteld}") if initialen else f"Geachte {_capitalize(samengesteld)}")
        lopend = {
            "M": f"de heer {_capitalize(samengesteld)}",
            "V": f"mevrouw {_capitalize(samengesteld)}",
        }.get(geslacht, _squeeze(f"{initialen} {samengesteld}") if initialen else _capitalize(samengesteld))
        if geslacht == "V" and not titel_code and code != "E" and partner_titel in HOFFELIJKHEIDSTITELS:
            aanhef = HOFFELIJKHEIDSTITELS[partner_titel]
    return compact({"aanhef": aanhef, "aanschrijfwijze": aanschrijfwijze, "gebruikInLopendeTekst": lopend})
