"""Spec-conformant BAG IB 2.6.0 answers about the objects behind an address, for the BAG
connector's object tests: `AdresseerbaarObjectIOHal` (a verblijfsobject), its collection, and
`PandIOHal`. test_objects_contract.py validates them. The `_links` point at Kadaster's host."""

from __future__ import annotations

from .examples import API_ROOT, KADASTER, NUMMERAANDUIDING

VERBLIJFSOBJECT = "0599010000208579"
PAND = "0599100000208579"
OBJECTEN_URL = API_ROOT + "adresseerbareobjecten"
PANDEN_URL = API_ROOT + "panden"
HEADERS = {"API-Version": "2.6.0", "Content-Crs": "epsg:28992"}
VOORKOMEN = {
    "tijdstipRegistratie": "2010-09-09T12:03:11.000+02:00",
    "versie": 1,
    "beginGeldigheid": "2010-09-09",
    "tijdstipRegistratieLV": "2010-09-09T12:07:32.000+02:00",
}


def a_verblijfsobject(identificatie=VERBLIJFSOBJECT, *, hoofdadres=NUMMERAANDUIDING, nevenadressen=(),
                      panden=(PAND,), gebruiksdoelen=("woonfunctie",), oppervlakte=112) -> dict:
    verblijfsobject = {
        "heeftAlsHoofdAdres": hoofdadres,
        "type": "Verblijfsobject",
        "identificatie": identificatie,
        "domein": "NL.IMBAG.Verblijfsobject",
        "geometrie": {"punt": {"type": "Point", "coordinates": [94812.31, 439741.27, 0.0]}},
        "gebruiksdoelen": list(gebruiksdoelen),
        "oppervlakte": oppervlakte,
        "status": "Verblijfsobject in gebruik",
        "geconstateerd": "N",
        "documentdatum": "2010-09-09",
        "documentnummer": "2010-BAG-0913",
        "voorkomen": VOORKOMEN,
        "maaktDeelUitVan": list(panden),
    }
    links = {
        "self": {"href": f"{KADASTER}verblijfsobjecten/{identificatie}"},
        "heeftAlsHoofdAdres": {"href": f"{KADASTER}nummeraanduidingen/{hoofdadres}"},
        "maaktDeelUitVan": [{"href": f"{KADASTER}panden/{pand}"} for pand in panden],
    }
    if nevenadressen:
        verblijfsobject["heeftAlsNevenAdres"] = list(nevenadressen)
        links["heeftAlsNevenAdres"] = [{"href": f"{KADASTER}nummeraanduidingen/{n}"} for n in nevenadressen]
    return {"verblijfsobject": {"verblijfsobject": verblijfsobject, "_links": links}}


def a_pand(identificatie=PAND, *, bouwjaar="1932", status="Pand in gebruik") -> dict:
    return {
        "pand": {
            "identificatie": identificatie,
            "domein": "NL.IMBAG.Pand",
            "geometrie": {"type": "Polygon", "coordinates": [[
                [94805.0, 439735.0, 0.0], [94819.0, 439735.0, 0.0], [94819.0, 439748.0, 0.0],
                [94805.0, 439748.0, 0.0], [94805.0, 439735.0, 0.0],
            ]]},
            "oorspronkelijkBouwjaar": bouwjaar,
            "status": status,
            "geconstateerd": "N",
            "documentdatum": "1932-05-01",
            "documentnummer": "1932-BV-0042",
            "voorkomen": VOORKOMEN,
        },
        "_links": {"self": {"href": f"{KADASTER}panden/{identificatie}"}},
    }


def collection(objecten) -> dict:
    body = {"_links": {"self": {"href": f"{KADASTER}adresseerbareobjecten?nummeraanduidingIdentificatie={NUMMERAANDUIDING}"}}}
    if objecten:
        body["_embedded"] = {"adresseerbareObjecten": list(objecten)}
    return body
