"""The objects behind the demo BAG's addresses: one verblijfsobject per address and its pand.

Implements, in HAL JSON, part of BAG IB 2.6.0 for the demo BAG server (demo/servers/bag.py):
- `GET adresseerbareobjecten/{adresseerbaarObjectIdentificatie}` (`bevragenAdresseerbaarObject`):
  an `AdresseerbaarObjectIOHal` holding a verblijfsobject, 404 problem for an unknown id;
- `GET adresseerbareobjecten?nummeraanduidingIdentificatie=` (`zoekAdresseerbareObjecten`): the
  objects with that hoofd- or nevenadres under `_embedded.adresseerbareObjecten`, paged with
  `page` and `pageSize` (10-100);
- `GET panden/{identificatie}` (`pandIdentificatie`): a `PandIOHal`, 404 for an unknown id.

Every address of `build_adressen` gets a verblijfsobject (its `adresseerbaarObjectIdentificatie`)
in one pand (`demo.universe.pand_identificatie`). Use, size and building year come from
`demo.universe.BAG_OBJECTS` where the story needs them, otherwise a dwelling with the building
year of its woonplaats. Geometry is invented: a point in Rijksdriehoek coordinates (EPSG:28992)
near the woonplaats and a small square pand around it. Parameters are validated as in the
address part: unknown ones are a 400.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from demo.universe import BAG_BOUWJAAR_BY_WOONPLAATS, BAG_OBJECTS, pand_identificatie

ADRESSEERBAAR_OBJECT_RE = re.compile(r"^[0-9]{4}(01|02|03)[0-9]{10}$")
PAND_RE = re.compile(r"^[0-9]{4}10[0-9]{10}$")
NUMMERAANDUIDING_RE = re.compile(r"^[0-9]{4}20[0-9]{10}$")
OBJECT_LIST_PARAMS = {"nummeraanduidingIdentificatie", "page", "pageSize", "huidig", "expand"}
# Rijksdriehoek coordinates near each woonplaats's centre.
RD_CENTRES = {"Rotterdam": (93500.0, 438600.0), "'s-Gravenhage": (81200.0, 455100.0), "Utrecht": (136100.0, 455900.0)}
# Half the width (x) and depth (y) of every demo pand, in metres.
PAND_HALF_WIDTH, PAND_HALF_DEPTH = 6.0, 8.0
VOORKOMEN = {
    "tijdstipRegistratie": "2010-09-09T12:03:11.000+02:00",
    "versie": 1,
    "beginGeldigheid": "2010-09-09",
    "tijdstipRegistratieLV": "2010-09-09T12:07:32.000+02:00",
}


def _offset(identificatie: str) -> tuple[float, float]:
    digest = hashlib.sha256(identificatie.encode()).digest()
    return digest[0] * 4.0 - 512.0, digest[1] * 4.0 - 512.0


def rd_point(adresseerbaar_object: str, woonplaats: str) -> tuple[float, float]:
    """The RD position (x, y) of a verblijfsobject: near its woonplaats's centre. Its pand is the
    rectangle of PAND_HALF_WIDTH by PAND_HALF_DEPTH metres around it (the demo Objects API places
    objects in and around the panden from here)."""
    x0, y0 = RD_CENTRES[woonplaats]
    dx, dy = _offset(adresseerbaar_object)
    return round(x0 + dx, 3), round(y0 + dy, 3)


def pand_polygon(x: float, y: float) -> list[list[list[float]]]:
    """The demo pand around the verblijfsobject at (x, y): a rectangle, as the BAG's `Surface`."""
    w, d = PAND_HALF_WIDTH, PAND_HALF_DEPTH
    return [[[x - w, y - d, 0.0], [x + w, y - d, 0.0], [x + w, y + d, 0.0], [x - w, y + d, 0.0], [x - w, y - d, 0.0]]]


def build_objecten(adressen: list[dict[str, Any]]) -> tuple[dict[str, dict], dict[str, dict]]:
    """(verblijfsobjecten by id, panden by id), in the spec's `Verblijfsobject` and `Pand` shapes."""
    verblijfsobjecten: dict[str, dict] = {}
    panden: dict[str, dict] = {}
    for adres in adressen:
        identificatie = adres["adresseerbaarObjectIdentificatie"]
        story = BAG_OBJECTS.get(identificatie, {})
        pand = pand_identificatie(identificatie)
        x, y = rd_point(identificatie, adres["woonplaatsNaam"])
        verblijfsobjecten[identificatie] = {
            "heeftAlsHoofdAdres": adres["nummeraanduidingIdentificatie"],
            "type": "Verblijfsobject",
            "identificatie": identificatie,
            "domein": "NL.IMBAG.Verblijfsobject",
            "geometrie": {"punt": {"type": "Point", "coordinates": [x, y, 0.0]}},
            "gebruiksdoelen": story.get("gebruiksdoelen", ["woonfunctie"]),
            "oppervlakte": story.get("oppervlakte", 60 + int(identificatie[-2:])),
            "status": "Verblijfsobject in gebruik",
            "geconstateerd": "N",
            "documentdatum": "2010-09-09",
            "documentnummer": f"BAG-{identificatie[:4]}-{identificatie[-6:]}",
            "voorkomen": VOORKOMEN,
            "maaktDeelUitVan": [pand],
        }
        panden[pand] = {
            "identificatie": pand,
            "domein": "NL.IMBAG.Pand",
            "geometrie": {"type": "Polygon", "coordinates": pand_polygon(x, y)},
            "oorspronkelijkBouwjaar": story.get("bouwjaar", BAG_BOUWJAAR_BY_WOONPLAATS[adres["woonplaatsNaam"]]),
            "status": "Pand in gebruik",
            "geconstateerd": "N",
            "documentdatum": "2010-09-09",
            "documentnummer": f"BAG-{pand[:4]}-{pand[-6:]}",
            "voorkomen": VOORKOMEN,
        }
    return verblijfsobjecten, panden


def hal_object(api_root: str, verblijfsobject: dict) -> dict:
    """An `AdresseerbaarObjectIOHal` holding this verblijfsobject, its links on this server."""
    links = {
        "self": {"href": f"{api_root}verblijfsobjecten/{verblijfsobject['identificatie']}"},
        "heeftAlsHoofdAdres": {"href": f"{api_root}nummeraanduidingen/{verblijfsobject['heeftAlsHoofdAdres']}"},
        "maaktDeelUitVan": [{"href": f"{api_root}panden/{pand}"} for pand in verblijfsobject["maaktDeelUitVan"]],
    }
    return {"verblijfsobject": {"verblijfsobject": verblijfsobject, "_links": links}}


def hal_pand(api_root: str, pand: dict) -> dict:
    return {"pand": pand, "_links": {"self": {"href": f"{api_root}panden/{pand['identificatie']}"}}}


def objecten_with_address(verblijfsobjecten: dict[str, dict], nummeraanduiding: str) -> list[dict]:
    return [
        v for v in verblijfsobjecten.values()
        if v["heeftAlsHoofdAdres"] == nummeraanduiding or nummeraanduiding in v.get("heeftAlsNevenAdres", [])
    ]
