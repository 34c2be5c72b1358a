"""Conversion of the BRP mock's internal, GBA-like test persons to the BRP API Personen 2.x
response format (`Persoon`).

Input: one element of ``demo/data/brp-personen-mock-test-data.json.gz`` (dates ``YYYYMMDD``,
a flat verblijfplaats, "in onderzoek" as GBA rubriek numbers such as ``081100``).
Output: a `Persoon` as in ``tests/specs/brp-personen/openapi.yaml``, without `leeftijd`,
which depends on the day of the request (`brp_values.leeftijd`). The rules follow the official
BrpProxy mappers (BRP-API/Haal-Centraal-BRP-bevragen, ``src/BrpProxy/Mappers``): which
verblijfplaats type applies, adresregels, which partners count, nationaliteit and gezag types.
Names and forms of address live in `brp_naam`, "in onderzoek" in `brp_onderzoek`, dates and
coded values in `brp_values`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from .brp_naam import naam_gerelateerde, naam_persoon, naamgebruik
from .brp_onderzoek import (
    NATIONALITEIT_RUBRIEKEN,
    OVERLIJDEN_RUBRIEKEN,
    PERSOON_RUBRIEKEN,
    gerelateerde_onderzoek,
    in_onderzoek,
    onderzoek_flags,
    persoon_onderzoek,
    set_onderzoek,
)
from .brp_values import compact, datum, waardetabel

ONBEKENDE_ID = "0000000000000000"
TOELICHTING = {
    "GezagNietTeBepalen": "Gezag is niet te bepalen.",
    "TijdelijkGeenGezag": "Tijdelijk geen gezag.",
}
# The test data predates the rename in the gezag API.
GEZAG_TYPES = {"TweehoofdigOuderlijkGezag": "GezamenlijkOuderlijkGezag"}
NATIONALITEIT_TYPES = {"0000": "NationaliteitOnbekend", "0002": "BehandeldAlsNederlander", "0499": "Staatloos"}

NaamLookup = Callable[[str], "str | None"]


def geboorte(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    if not raw:
        return None
    return compact({
        "datum": datum(raw.get("datum")),
        "land": waardetabel(raw.get("land")),
        "plaats": waardetabel(raw.get("plaats")),
    }) or None


# -- family -----------------------------------------------------------------------------------


def ouder(raw: dict[str, Any]) -> dict[str, Any]:
    item = compact({
        "burgerservicenummer": raw.get("burgerservicenummer"),
        "geslacht": waardetabel(raw.get("geslacht")),
        "ouderAanduiding": raw.get("ouderAanduiding"),
        "datumIngangFamilierechtelijkeBetrekking": datum(raw.get("datumIngangFamilierechtelijkeBetrekking")),
        "naam": naam_gerelateerde(raw.get("naam")),
        "geboorte": geboorte(raw.get("geboorte")),
    })
    gerelateerde_onderzoek(item, raw, {
        "burgerservicenummer": ("burgerservicenummer",), "geslacht": ("geslacht",),
        "datumIngangFamilierechtelijkeBetrekking": ("datumIngangFamilierechtelijkeBetrekking",),
    })
    return item


def kind(raw: dict[str, Any]) -> dict[str, Any]:
    item = compact({
        "burgerservicenummer": raw.get("burgerservicenummer"),
        "naam": naam_gerelateerde(raw.get("naam")),
        "geboorte": geboorte(raw.get("geboorte")),
    })
    gerelateerde_onderzoek(item, raw, {"burgerservicenummer": ("burgerservicenummer",)})
    return item


def partner(raw: dict[str, Any]) -> dict[str, Any]:
    aangaan = raw.get("aangaanHuwelijkPartnerschap") or {}
    ontbinding = raw.get("ontbindingHuwelijkPartnerschap") or {}
    item = compact({
        "burgerservicenummer": raw.get("burgerservicenummer"),
        "geslacht": waardetabel(raw.get("geslacht")),
        "soortVerbintenis": waardetabel(raw.get("soortVerbintenis")),
        "naam": naam_gerelateerde(raw.get("naam")),
        "geboorte": geboorte(raw.get("geboorte")),
        "aangaanHuwelijkPartnerschap": compact({
            "datum": datum(aangaan.get("datum")),
            "land": waardetabel(aangaan.get("land")),
            "plaats": waardetabel(aangaan.get("plaats")),
        }),
        "ontbindingHuwelijkPartnerschap": compact({"datum": datum(ontbinding.get("datum"))}),
    })
    gerelateerde_onderzoek(item, raw, {
        "burgerservicenummer": ("burgerservicenummer",), "geslacht": ("geslacht",),
        "soortVerbintenis": ("soortVerbintenis",),
    })
    names, ingang = in_onderzoek(raw.get("inOnderzoek"), PERSOON_RUBRIEKEN)
    set_onderzoek(item.get("aangaanHuwelijkPartnerschap"), onderzoek_flags(
        names, {"aangaanDatum": ("datum",), "aangaanPlaats": ("plaats",), "aangaanLand": ("land",)},
        "datumIngangOnderzoek", ingang))
    set_onderzoek(item.get("ontbindingHuwelijkPartnerschap"), onderzoek_flags(
        names, {"ontbindingDatum": ("datum",)}, "datumIngangOnderzoek", ingang))
    return item


def actuele_partners(partners: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The API delivers the current partners, or else only the last dissolved one (raw items)."""
    current = [p for p in partners if not (p.get("ontbindingHuwelijkPartnerschap") or {}).get("datum")]
    if current:
        return current
    if not partners:
        return []
    return [max(partners, key=lambda p: p["ontbindingHuwelijkPartnerschap"]["datum"])]


def partner_voor_naamgebruik(partners: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The partner (raw item) whose name counts for aanhef and aanschrijfwijze: the oldest
    current one, else the last dissolved one (BrpProxy PartnerHelpers.ActuelePartner)."""
    current = [p for p in partners if not (p.get("ontbindingHuwelijkPartnerschap") or {}).get("datum")]
    if current:
        return min(current, key=lambda p: (p.get("aangaanHuwelijkPartnerschap") or {}).get("datum") or "99999999")
    dissolved = actuele_partners(partners)
    return dissolved[0] if dissolved else None


def overlijden(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    item = geboorte(raw)  # the same shape: datum, land, plaats
    if item:
        names, ingang = in_onderzoek(raw.get("inOnderzoek"), OVERLIJDEN_RUBRIEKEN)
        flags = {name: (name,) for name in OVERLIJDEN_RUBRIEKEN.values()}
        set_onderzoek(item, onderzoek_flags(names, flags, "datumIngangOnderzoek", ingang))
    return item


# -- nationaliteit, gezag ----------------------------------------------------------------------


def nationaliteit(raw: dict[str, Any]) -> dict[str, Any]:
    code = (raw.get("nationaliteit") or {}).get("code")
    soort = NATIONALITEIT_TYPES.get(code, "Nationaliteit")
    item = compact({
        "type": soort,
        "nationaliteit": waardetabel(raw.get("nationaliteit")) if soort == "Nationaliteit" else None,
        "redenOpname": waardetabel(raw.get("redenOpname")),
        "datumIngangGeldigheid": datum(raw.get("datumIngangGeldigheid")),
    })
    names, ingang = in_onderzoek(raw.get("inOnderzoek"), NATIONALITEIT_RUBRIEKEN)
    flags = {"type": ("type",), "redenOpname": ("redenOpname",)}
    if soort == "Nationaliteit":
        flags["nationaliteit"] = ("nationaliteit",)
    set_onderzoek(item, onderzoek_flags(names, flags, "datumIngangOnderzoek", ingang))
    return item


def gezag(items: list[dict[str, Any]], eigen_bsn: str, naam_van: NaamLookup) -> list[dict[str, Any]]:
    def persoon(bsn: str | None, *, naam_verplicht: bool = False) -> dict[str, Any]:
        volledige_naam = naam_van(bsn) if bsn else None
        naam = {"volledigeNaam": volledige_naam} if volledige_naam else {}
        result = {"burgerservicenummer": bsn} if bsn else {}
        if naam or naam_verplicht:
            result["naam"] = naam
        return result

    def derde(raw: dict[str, Any] | None) -> dict[str, Any]:
        bsn = (raw or {}).get("burgerservicenummer")
        return {"type": "BekendeDerde", **persoon(bsn)} if bsn else {"type": "OnbekendeDerde"}

    relaties = []
    for raw in items:
        soort = GEZAG_TYPES.get(raw["type"], raw["type"])
        minderjarige = (raw.get("minderjarige") or {}).get("burgerservicenummer") or eigen_bsn
        relatie: dict[str, Any] = {"type": soort, "minderjarige": persoon(minderjarige)}
        if "ouders" in raw:
            relatie["ouders"] = [persoon(o.get("burgerservicenummer"), naam_verplicht=True) for o in raw["ouders"]]
        if "ouder" in raw:
            relatie["ouder"] = persoon(raw["ouder"].get("burgerservicenummer"), naam_verplicht=True)
        if "derde" in raw:
            relatie["derde"] = derde(raw["derde"])
        if "derden" in raw:
            relatie["derden"] = [derde(d) for d in raw["derden"] if d.get("burgerservicenummer")]
        if soort in TOELICHTING:
            relatie["toelichting"] = raw.get("toelichting") or TOELICHTING[soort]
        relaties.append(relatie)
    return relaties


# -- verblijfplaats, adressering ---------------------------------------------------------------


def _present(value: str | None) -> bool:
    return bool(value and value.strip() and value != ".")


def verblijfplaats(raw: dict[str, Any], gemeente: dict[str, Any] | None) -> dict[str, Any] | None:
    """Flat GBA verblijfplaats -> Adres, VerblijfplaatsBuitenland, Locatie or VerblijfplaatsOnbekend."""
    if not raw:
        return None
    land = raw.get("land") or {}
    buitenland = (land.get("code") not in (None, "0000")) or any(_present(raw.get(f"regel{i}")) for i in (1, 2, 3))
    adres = any(_present(raw.get(key)) for key in ("straat", "naamOpenbareRuimte", "huisnummer", "postcode", "woonplaats"))
    adres = adres or any(raw.get(key) not in (None, "", ONBEKENDE_ID) for key in ("adresseerbaarObjectIdentificatie", "nummeraanduidingIdentificatie"))
    common = {"datumIngangGeldigheid": datum(raw.get("datumIngangGeldigheid"))}
    if buitenland:
        return compact({
            "type": "VerblijfplaatsBuitenland",
            "verblijfadres": compact({
                "regel1": raw.get("regel1"), "regel2": raw.get("regel2"), "regel3": raw.get("regel3"),
                "land": waardetabel(land) if land.get("code") != "0000" else None,
            }),
            "datumVan": datum(raw.get("datumAanvangAdresBuitenland")),
            **common,
        })
    if adres:
        huisnummer = raw.get("huisnummer")
        straat = raw.get("straat") if _present(raw.get("straat")) else None
        return compact({
            "type": "Adres",
            "verblijfadres": compact({
                "officieleStraatnaam": raw.get("naamOpenbareRuimte") or straat,
                "korteStraatnaam": straat,
                "huisnummer": int(huisnummer) if huisnummer and huisnummer.isdigit() else None,
                "huisletter": raw.get("huisletter"),
                "huisnummertoevoeging": raw.get("huisnummertoevoeging"),
                "aanduidingBijHuisnummer": waardetabel(raw.get("aanduidingBijHuisnummer")),
                "postcode": raw.get("postcode"),
                "woonplaats": raw.get("woonplaats") if _present(raw.get("woonplaats")) else (gemeente or {}).get("omschrijving"),
            }),
            "functieAdres": waardetabel(raw.get("functieAdres")),
            "adresseerbaarObjectIdentificatie": _bag_id(raw.get("adresseerbaarObjectIdentificatie")),
            "nummeraanduidingIdentificatie": _bag_id(raw.get("nummeraanduidingIdentificatie")),
            "datumVan": datum(raw.get("datumAanvangAdreshouding")),
            **common,
        })
    if _present(raw.get("locatiebeschrijving")):
        return compact({
            "type": "Locatie",
            "verblijfadres": {"locatiebeschrijving": raw["locatiebeschrijving"]},
            "functieAdres": waardetabel(raw.get("functieAdres")),
            "datumVan": datum(raw.get("datumAanvangAdreshouding")),
            **common,
        })
    return compact({
        "type": "VerblijfplaatsOnbekend",
        "datumVan": datum(raw.get("datumAanvangAdresBuitenland") or raw.get("datumAanvangAdreshouding")),
        **common,
    })


def _bag_id(value: str | None) -> str | None:
    return value if value and value != ONBEKENDE_ID else None


def adresregels(plaats: dict[str, Any] | None, gemeente: dict[str, Any] | None) -> dict[str, Any]:
    if not plaats:
        return {}
    adres = plaats.get("verblijfadres") or {}
    if plaats["type"] == "Adres":
        straat, postcode, nummer = adres.get("korteStraatnaam"), adres.get("postcode"), adres.get("huisnummer")
        if not (straat and postcode and nummer):
            return {}
        regel1 = straat
        aanduiding = (adres.get("aanduidingBijHuisnummer") or {}).get("code")
        regel1 += {"to": " t/o", "by": " bij"}.get(aanduiding, "")
        regel1 += f" {nummer}"
        letter, toevoeging = adres.get("huisletter"), adres.get("huisnummertoevoeging")
        if letter:
            regel1 += f" {letter}"
        if toevoeging:
            regel1 += toevoeging if letter else ("-" if toevoeging[:1].isdigit() else " ") + toevoeging
        postcode = postcode.replace(" ", "")
        woonplaats = adres.get("woonplaats") or (gemeente or {}).get("omschrijving", "")
        return {"adresregel1": regel1, "adresregel2": f"{postcode[:4]} {postcode[4:]}  {woonplaats.upper()}"}
    if plaats["type"] == "Locatie":
        return compact({
            "adresregel1": adres.get("locatiebeschrijving"),
            "adresregel2": (gemeente or {}).get("omschrijving", "").upper(),
        })
    if plaats["type"] == "VerblijfplaatsBuitenland" and adres.get("land"):
        if any(adres.get(f"regel{i}") for i in (1, 2, 3)):
            return compact({
                "adresregel1": adres.get("regel1"), "adresregel2": adres.get("regel2"),
                "adresregel3": adres.get("regel3"), "land": adres["land"],
            })
    return {}


# -- persoon ------------------------------------------------------------------------------------


def is_overleden(raw: dict[str, Any]) -> bool:
    reden = ((raw.get("opschortingBijhouding") or {}).get("reden") or {}).get("code")
    return bool(raw.get("overlijden")) or reden == "O"


def convert_persoon(raw: dict[str, Any], naam_van: NaamLookup = lambda bsn: None, vandaag: dt.date | None = None) -> dict[str, Any]:
    """One test person -> `Persoon` (without leeftijd)."""
    vandaag = vandaag or dt.date.today()
    bsn = raw["burgerservicenummer"]
    geslacht = waardetabel(raw.get("geslacht"))
    geslacht_code = (geslacht or {}).get("code")
    gemeente = waardetabel(raw.get("gemeenteVanInschrijving"))
    naam = naam_persoon(raw.get("naam") or {}, geslacht_code)
    plaats = verblijfplaats(raw.get("verblijfplaats") or {}, gemeente)
    raw_partner = partner_voor_naamgebruik(raw.get("partners") or [])
    adressering = compact({
        **naamgebruik(naam, geslacht_code, (raw_partner or {}).get("naam")),
        **adresregels(plaats, gemeente),
    })
    persoon = compact({
        "aNummer": raw.get("aNummer"),
        "burgerservicenummer": bsn,
        "datumEersteInschrijvingGBA": datum(raw.get("datumEersteInschrijvingGBA")),
        "geheimhoudingPersoonsgegevens": True if raw.get("geheimhoudingPersoonsgegevens", "0") not in ("0", "") else None,
        "geslacht": geslacht,
        "uitsluitingKiesrecht": _uitsluiting_kiesrecht(raw.get("uitsluitingKiesrecht"), vandaag),
        "europeesKiesrecht": compact({
            "aanduiding": waardetabel((raw.get("europeesKiesrecht") or {}).get("aanduiding")),
            "einddatumUitsluiting": datum((raw.get("europeesKiesrecht") or {}).get("einddatumUitsluiting")),
        }),
        "naam": naam,
        "nationaliteiten": [nationaliteit(n) for n in raw.get("nationaliteiten") or []],
        "geboorte": geboorte(raw.get("geboorte")),
        "opschortingBijhouding": compact({
            "reden": waardetabel((raw.get("opschortingBijhouding") or {}).get("reden")),
            "datum": datum((raw.get("opschortingBijhouding") or {}).get("datum")),
        }),
        "overlijden": overlijden(raw.get("overlijden")),
        "verblijfplaats": plaats,
        "immigratie": _immigratie(raw.get("immigratie")),
        "gemeenteVanInschrijving": gemeente,
        "datumInschrijvingInGemeente": datum(raw.get("datumInschrijvingInGemeente")),
        "adressering": adressering,
        "indicatieCurateleRegister": True if raw.get("indicatieCurateleRegister") else None,
        "indicatieGezagMinderjarige": waardetabel(raw.get("indicatieGezagMinderjarige")),
        "gezag": gezag(raw.get("gezag") or [], bsn, naam_van),
        "verblijfstitel": _verblijfstitel(raw.get("verblijfstitel"), vandaag),
        "kinderen": [kind(k) for k in raw.get("kinderen") or []],
        "ouders": [ouder(o) for o in raw.get("ouders") or []],
        "partners": [partner(p) for p in actuele_partners(raw.get("partners") or [])],
        "rni": [compact({
            "deelnemer": waardetabel(r.get("deelnemer")),
            "omschrijvingVerdrag": r.get("omschrijvingVerdrag"),
            "categorie": r.get("categorie"),
        }) for r in raw.get("rni") or []],
        "verificatie": compact({
            "datum": datum((raw.get("verificatie") or {}).get("datum")),
            "omschrijving": (raw.get("verificatie") or {}).get("omschrijving"),
        }),
    })
    persoon_onderzoek(persoon, raw)
    return persoon


def _uitsluiting_kiesrecht(raw: dict[str, Any] | None, vandaag: dt.date) -> dict[str, Any] | None:
    if not raw or not raw.get("uitgeslotenVanKiesrecht"):
        return None
    einddatum = datum(raw.get("einddatum"))
    if einddatum and einddatum["type"] == "Datum" and einddatum["datum"] <= vandaag.isoformat():
        return None  # no longer current
    return compact({"uitgeslotenVanKiesrecht": True, "einddatum": einddatum})


def _verblijfstitel(raw: dict[str, Any] | None, vandaag: dt.date) -> dict[str, Any] | None:
    if not raw or (raw.get("aanduiding") or {}).get("code") == "98":
        return None
    einde = datum(raw.get("datumEinde"))
    if einde and einde["type"] == "Datum" and einde["datum"] <= vandaag.isoformat():
        return None  # no longer current
    return compact({
        "aanduiding": waardetabel(raw.get("aanduiding")),
        "datumEinde": einde,
        "datumIngang": datum(raw.get("datumIngang")),
    })


def _immigratie(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    if not raw:
        return None
    land = waardetabel(raw.get("landVanwaarIngeschreven"))
    code = (land or {}).get("code")
    return compact({
        "landVanwaarIngeschreven": land if code != "0000" else None,
        "datumVestigingInNederland": datum(raw.get("datumVestigingInNederland")),
        "vanuitVerblijfplaatsOnbekend": True if code == "0000" else None,
        "indicatieVestigingVanuitBuitenland": True if code else None,
    }) or None
