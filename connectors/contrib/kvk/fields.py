"""The fields the KVK APIs can deliver, as dot paths (lists are walked element by element).

Derived from the schemas of the vendored specs in tests/specs/kvk/:
- `ResultaatItem` of API Zoeken 2.1.0 (zoeken-api-v2.yaml),
- `Basisprofiel` with `_embedded.hoofdvestiging` / `_embedded.eigenaar` of API Basisprofiel 1.5.0
  (basisprofiel-api-v1.yaml),
- `Vestiging` of API Vestigingsprofiel 1.4 (vestigingsprofiel-api-v1.yaml).
HAL navigation (`links`, `_links`) is left out on purpose: it carries KVK URLs, not data about
the subject, and IKO never follows them.
"""

from __future__ import annotations

from typing import Iterable


def _under(prefix: str, paths: Iterable[str]) -> tuple[str, ...]:
    return (prefix,) + tuple(f"{prefix}.{path}" for path in paths)


GEO_DATA_FIELDS: tuple[str, ...] = (
    "addresseerbaarObjectId",  # sic: KVK's spelling
    "nummerAanduidingId",
    "gpsLatitude",
    "gpsLongitude",
    "rijksdriehoekX",
    "rijksdriehoekY",
    "rijksdriehoekZ",
)

# `Adres` of Basisprofiel and Vestigingsprofiel; `geoData` only comes with `geoData=true`.
ADRES_FIELDS: tuple[str, ...] = (
    "type",
    "indAfgeschermd",
    "volledigAdres",
    "straatnaam",
    "huisnummer",
    "huisletter",
    "huisnummerToevoeging",
    "toevoegingAdres",
    "postcode",
    "postbusnummer",
    "plaats",
    "straatHuisnummer",
    "postcodeWoonplaats",
    "regio",
    "land",
) + _under("geoData", GEO_DATA_FIELDS)

_MATERIELE_REGISTRATIE = _under("materieleRegistratie", ("datumAanvang", "datumEinde"))
_HANDELSNAMEN = _under("handelsnamen", ("naam", "volgorde"))
_SBI_ACTIVITEITEN = _under("sbiActiviteiten", ("sbiCode", "sbiOmschrijving", "indHoofdactiviteit"))

# `Vestiging` of Basisprofiel 1.5.0 (the embedded hoofdvestiging).
VESTIGING_FIELDS: tuple[str, ...] = (
    "vestigingsnummer",
    "kvkNummer",
    "rsin",
    "indNonMailing",
    "formeleRegistratiedatum",
    *_MATERIELE_REGISTRATIE,
    "statutaireNaam",
    "eersteHandelsnaam",
    "indHoofdvestiging",
    "indCommercieleVestiging",
    "voltijdWerkzamePersonen",
    "totaalWerkzamePersonen",
    "deeltijdWerkzamePersonen",
    *_HANDELSNAMEN,
    *_under("adressen", ADRES_FIELDS),
    "websites",
    *_SBI_ACTIVITEITEN,
)

# `Vestiging` of Vestigingsprofiel 1.4: the same, except that it has no `statutaireNaam`.
VESTIGINGSPROFIEL_FIELDS: tuple[str, ...] = tuple(f for f in VESTIGING_FIELDS if f != "statutaireNaam")

EIGENAAR_FIELDS: tuple[str, ...] = (
    "rsin",
    "rechtsvorm",
    "uitgebreideRechtsvorm",
    "datumUitschrijving",
    *_under("adressen", ADRES_FIELDS),
    "websites",
)

BASISPROFIEL_FIELDS: tuple[str, ...] = (
    "kvkNummer",
    "indNonMailing",
    "naam",
    "formeleRegistratiedatum",
    *_MATERIELE_REGISTRATIE,
    "totaalWerkzamePersonen",
    "statutaireNaam",
    *_HANDELSNAMEN,
    *_SBI_ACTIVITEITEN,
    "_embedded",
    *_under("_embedded.hoofdvestiging", VESTIGING_FIELDS),
    *_under("_embedded.eigenaar", EIGENAAR_FIELDS),
)

ZOEKEN_FIELDS: tuple[str, ...] = (
    "kvkNummer",
    "rsin",
    "vestigingsnummer",
    "naam",
    *_under(
        "adres",
        (
            *_under(
                "binnenlandsAdres",
                ("type", "straatnaam", "huisnummer", "huisletter", "postbusnummer", "postcode", "plaats"),
            ),
            *_under("buitenlandsAdres", ("type", "straatHuisnummer", "postcodeWoonplaats", "land")),
        ),
    ),
    "type",
    "actief",
    "vervallenNaam",
)


def needs_geo_data(requested: Iterable[str], declared: Iterable[str]) -> bool:
    """True when a requested path is, contains or lies under a `geoData` path.

    `adressen` asks for whole addresses, geoData included; `adressen.postcode` does not.
    """
    geo_paths = [path for path in declared if "geoData" in path.split(".")]
    return any(
        geo == path or geo.startswith(path + ".") or path.startswith(geo + ".")
        for path in requested
        for geo in geo_paths
    )
