"""Gegevens in onderzoek for the demo conversion: GBA "aanduiding gegevens in onderzoek"
(rubriek numbers such as ``010310`` or ``081100``) to the `inOnderzoek` objects of the BRP API
Personen 2.x on the person, naam, geboorte, verblijfplaats, verblijfadres, adressering,
immigratie, and the related persons.

Spec: ``tests/specs/brp-personen/openapi.yaml`` (the `*InOnderzoek` schemas). ``08.99.99``
is no investigation: it marks indicatieVastgesteldVerblijftNietOpAdres.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .brp_values import datum

PERSOON_RUBRIEKEN = {
    "0110": "aNummer", "0120": "burgerservicenummer",
    "0210": "voornamen", "0220": "adellijkeTitelPredicaat", "0230": "voorvoegsel", "0240": "geslachtsnaam",
    "0310": "geboortedatum", "0320": "geboorteplaats", "0330": "geboorteland",
    "0410": "geslacht", "6110": "aanduidingNaamgebruik", "6210": "datumIngangFamilierechtelijkeBetrekking",
    "1510": "soortVerbintenis", "0610": "aangaanDatum", "0620": "aangaanPlaats", "0630": "aangaanLand",
    "0710": "ontbindingDatum",
}
NATIONALITEIT_RUBRIEKEN = {"0510": "nationaliteit", "6310": "redenOpname", "6510": "type"}
OVERLIJDEN_RUBRIEKEN = {"0810": "datum", "0820": "plaats", "0830": "land"}
VERBLIJFPLAATS_RUBRIEKEN = {
    "0910": "gemeenteVanInschrijving", "0920": "datumInschrijvingInGemeente",
    "1010": "functieAdres", "1030": "datumAanvangAdreshouding",
    "1110": "korteStraatnaam", "1115": "officieleStraatnaam", "1120": "huisnummer", "1130": "huisletter",
    "1140": "huisnummertoevoeging", "1150": "aanduidingBijHuisnummer", "1160": "postcode",
    "1170": "woonplaats", "1180": "adresseerbaarObjectIdentificatie", "1190": "nummeraanduidingIdentificatie",
    "1210": "locatiebeschrijving",
    "1310": "land", "1320": "datumAanvangAdresBuitenland", "1330": "regel1", "1340": "regel2", "1350": "regel3",
    "1410": "landVanwaarIngeschreven", "1420": "datumVestigingInNederland",
    "8510": "datumIngangGeldigheid",
}
GEZAG_RUBRIEKEN = {"3210": "indicatieGezagMinderjarige", "3310": "indicatieCurateleRegister"}
NIET_OP_ADRES = "089999"


def in_onderzoek(raw: dict[str, Any] | None, rubrieken: dict[str, str]) -> tuple[set[str], dict | None]:
    """GBA "aanduiding gegevens in onderzoek" -> (names in onderzoek, datum ingang onderzoek).

    ``cc0000`` means the whole category, ``ccgg00`` a whole group, ``ccggee`` one element."""
    if not raw or not raw.get("aanduidingGegevensInOnderzoek"):
        return set(), None
    code = raw["aanduidingGegevensInOnderzoek"][2:6]
    if code == "0000":
        names = set(rubrieken.values())
    elif code.endswith("00"):
        names = {name for key, name in rubrieken.items() if key[:2] == code[:2]}
    else:
        names = {rubrieken[code]} if code in rubrieken else set()
    return names, datum(raw.get("datumIngangOnderzoek"))


def onderzoek_flags(names: set[str], mapping: dict[str, Iterable[str]], datum_key: str, ingang: dict | None):
    """The inOnderzoek flags of one object: `mapping` says which flags each GBA name sets."""
    flags = {flag: True for name, targets in mapping.items() if name in names for flag in targets}
    if flags and ingang:
        flags[datum_key] = ingang
    return flags or None


def set_onderzoek(target: dict[str, Any] | None, flags: dict[str, Any] | None) -> None:
    if target is not None and flags:
        target.setdefault("inOnderzoek", {}).update(flags)


NAAM_FLAGS = {
    "voornamen": ("voornamen", "voorletters", "volledigeNaam"),
    "adellijkeTitelPredicaat": ("adellijkeTitelPredicaat", "volledigeNaam"),
    "voorvoegsel": ("voorvoegsel", "volledigeNaam"),
    "geslachtsnaam": ("geslachtsnaam", "volledigeNaam"),
    "aanduidingNaamgebruik": ("aanduidingNaamgebruik",),
}
GEBOORTE_FLAGS = {"geboortedatum": ("datum",), "geboorteplaats": ("plaats",), "geboorteland": ("land",)}


def gerelateerde_onderzoek(item: dict[str, Any], raw: dict[str, Any], own: dict[str, Iterable[str]]) -> None:
    """inOnderzoek of a partner, ouder or kind (`own`: the flags on the item itself)."""
    names, ingang = in_onderzoek(raw.get("inOnderzoek"), PERSOON_RUBRIEKEN)
    if not names:
        return
    set_onderzoek(item, onderzoek_flags(names, own, "datumIngangOnderzoek", ingang))
    naam_flags = {key: tuple(t for t in targets if t != "volledigeNaam") for key, targets in NAAM_FLAGS.items()}
    set_onderzoek(item.get("naam"), onderzoek_flags(names, naam_flags, "datumIngangOnderzoek", ingang))
    set_onderzoek(item.get("geboorte"), onderzoek_flags(names, GEBOORTE_FLAGS, "datumIngangOnderzoek", ingang))


def persoon_onderzoek(persoon: dict[str, Any], raw: dict[str, Any]) -> None:
    """Add the inOnderzoek objects of categories 01, 08 and 11 to a converted person."""
    names, ingang = in_onderzoek(raw.get("persoonInOnderzoek"), PERSOON_RUBRIEKEN)
    set_onderzoek(persoon, onderzoek_flags(names, {
        "burgerservicenummer": ("burgerservicenummer",), "geslacht": ("geslacht",), "geboortedatum": ("leeftijd",),
    }, "datumIngangOnderzoekPersoon", ingang))
    set_onderzoek(persoon.get("naam"), onderzoek_flags(names, NAAM_FLAGS, "datumIngangOnderzoek", ingang))
    set_onderzoek(persoon.get("geboorte"), onderzoek_flags(names, GEBOORTE_FLAGS, "datumIngangOnderzoek", ingang))
    naam_delen = {key: ("aanhef", "aanschrijfwijze", "gebruikInLopendeTekst") for key in (*NAAM_FLAGS, "geslacht")}
    set_onderzoek(persoon.get("adressering"), onderzoek_flags(names, naam_delen, "datumIngangOnderzoekPersoon", ingang))

    names, ingang = in_onderzoek(raw.get("gezagInOnderzoek"), GEZAG_RUBRIEKEN)
    set_onderzoek(persoon, onderzoek_flags(names, {
        "indicatieCurateleRegister": ("indicatieCurateleRegister",),
        "indicatieGezagMinderjarige": ("indicatieGezagMinderjarige",),
    }, "datumIngangOnderzoekGezag", ingang))

    onderzoek = (raw.get("verblijfplaats") or {}).get("inOnderzoek") or {}
    if onderzoek.get("aanduidingGegevensInOnderzoek") == NIET_OP_ADRES:
        # 08.99.99 is no investigation: it records that the person no longer lives there.
        for key in ("verblijfplaats", "adressering"):
            if persoon.get(key) is not None and (key == "adressering" or persoon[key]["type"] in ("Adres", "Locatie")):
                persoon[key]["indicatieVastgesteldVerblijftNietOpAdres"] = True
        return
    names, ingang = in_onderzoek(onderzoek, VERBLIJFPLAATS_RUBRIEKEN)
    if not names:
        return
    set_onderzoek(persoon, onderzoek_flags(names, {
        "gemeenteVanInschrijving": ("gemeenteVanInschrijving",),
        "datumInschrijvingInGemeente": ("datumInschrijvingInGemeente",),
    }, "datumIngangOnderzoekGemeente", ingang))
    plaats = persoon.get("verblijfplaats")
    if plaats:
        geheel = onderzoek["aanduidingGegevensInOnderzoek"][2:6] in ("0000", "1100", "1200", "1300")
        datum_van = "datumAanvangAdresBuitenland" if plaats["type"] == "VerblijfplaatsBuitenland" else "datumAanvangAdreshouding"
        plaats_flags = {"type": ("type",), datum_van: ("datumVan",), "datumIngangGeldigheid": ("datumIngangGeldigheid",)}
        if plaats["type"] in ("Adres", "Locatie"):
            plaats_flags["functieAdres"] = ("functieAdres",)
        if plaats["type"] == "Adres":
            plaats_flags.update({
                "adresseerbaarObjectIdentificatie": ("adresseerbaarObjectIdentificatie",),
                "nummeraanduidingIdentificatie": ("nummeraanduidingIdentificatie",),
            })
        set_onderzoek(plaats, onderzoek_flags(
            names | ({"type"} if geheel else set()), plaats_flags, "datumIngangOnderzoek", ingang))
        adres_delen = {
            "Adres": ("officieleStraatnaam", "korteStraatnaam", "huisnummer", "huisletter",
                      "huisnummertoevoeging", "aanduidingBijHuisnummer", "postcode", "woonplaats"),
            "VerblijfplaatsBuitenland": ("land", "regel1", "regel2", "regel3"),
            "Locatie": ("locatiebeschrijving",),
        }.get(plaats["type"], ())
        set_onderzoek(plaats.get("verblijfadres"), onderzoek_flags(
            names, {name: (name,) for name in adres_delen}, "datumIngangOnderzoek", ingang))
        regels = {
            "korteStraatnaam": ("adresregel1",), "huisnummer": ("adresregel1",), "huisletter": ("adresregel1",),
            "huisnummertoevoeging": ("adresregel1",), "aanduidingBijHuisnummer": ("adresregel1",),
            "locatiebeschrijving": ("adresregel1",), "regel1": ("adresregel1",),
            "postcode": ("adresregel2",), "woonplaats": ("adresregel2",), "regel2": ("adresregel2",),
            "regel3": ("adresregel3",), "land": ("land",),
        }
        regels = {name: targets for name, targets in regels.items() if name in adres_delen}
        set_onderzoek(persoon.get("adressering"), onderzoek_flags(names, regels, "datumIngangOnderzoekVerblijfplaats", ingang))
    set_onderzoek(persoon.get("immigratie"), onderzoek_flags(names, {
        "landVanwaarIngeschreven": ("landVanwaarIngeschreven", "vanuitVerblijfplaatsOnbekend", "indicatieVestigingVanuitBuitenland"),
        "datumVestigingInNederland": ("datumVestigingInNederland",),
    }, "datumIngangOnderzoek", ingang))
