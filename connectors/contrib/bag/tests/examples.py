"""Spec-conformant BAG IB 2.6.0 answers used by the BAG connector tests (HAL JSON).

They follow `AdresIOHal`, `AdresIOHalCollection` and `Error` of
tests/specs/bag-individuele-bevragingen/openapi.yaml; test_contract.py validates them. The
`_links` point at Kadaster's host, as the real API's do, not at the configured server.
"""

from __future__ import annotations

API_ROOT = "https://bag.example.nl/lvbag/individuelebevragingen/v2/"
KADASTER = "https://api.bag.kadaster.nl/lvbag/individuelebevragingen/v2/"
ADRESSEN_URL = API_ROOT + "adressen"
HEADERS = {"API-Version": "2.6.0"}
NUMMERAANDUIDING = "0599200000219678"


def an_adres(
    identificatie=NUMMERAANDUIDING, *, straat="Boterdiep", huisnummer=31, huisletter=None,
    toevoeging=None, postcode="3077AW",
) -> dict:
    adres = {
        "openbareRuimteNaam": straat,
        "korteNaam": straat,
        "huisnummer": huisnummer,
        "postcode": postcode,
        "woonplaatsNaam": "Rotterdam",
        "nummeraanduidingIdentificatie": identificatie,
        "openbareRuimteIdentificatie": "0599300000001234",
        "woonplaatsIdentificatie": "3086",
        "adresseerbaarObjectIdentificatie": "0599010000208579",
        "pandIdentificaties": ["0599100000012345"],
        "adresregel5": f"{straat} {huisnummer}",
        "adresregel6": f"{postcode[:4]} {postcode[4:]}  ROTTERDAM",
        "_links": {
            "self": {"href": f"{KADASTER}adressen/{identificatie}"},
            "openbareRuimte": {"href": f"{KADASTER}openbareruimten/0599300000001234"},
            "nummeraanduiding": {"href": f"{KADASTER}nummeraanduidingen/{identificatie}"},
            "woonplaats": {"href": f"{KADASTER}woonplaatsen/3086"},
            "adresseerbaarObject": {"href": f"{KADASTER}adresseerbareobjecten/0599010000208579"},
            "panden": [{"href": f"{KADASTER}panden/0599100000012345"}],
        },
    }
    if huisletter:
        adres["huisletter"] = huisletter
    if toevoeging:
        adres["huisnummertoevoeging"] = toevoeging
    return adres


BOTERDIEP_31 = an_adres()


def collection(adressen, *, next_page=None) -> dict:
    links = {"self": {"href": f"{KADASTER}adressen?postcode=3077AW&huisnummer=31&exacteMatch=true"}}
    if next_page:
        links["next"] = {"href": f"{KADASTER}adressen?postcode=3077AW&huisnummer=31&exacteMatch=true&page={next_page}"}
    return {"_links": links, "_embedded": {"adressen": adressen}}


def problem(status: int, title: str, code: str, invalid_params=None) -> dict:
    body = {
        "status": status,
        "title": title,
        "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html",
        "detail": "Zie de specificatie.",
        "instance": f"{KADASTER}adressen",
        "code": code,
    }
    if invalid_params:
        body["invalid-params"] = invalid_params
    return body


NOT_FOUND = problem(404, "Opgevraagde resource bestaat niet.", "notFound")
BAD_REQUEST = problem(
    400, "Een of meerdere parameters zijn niet correct.", "paramsValidation",
    [{"type": "https://www.vng.nl/realisatie/api/validaties/pattern", "name": "postcode",
      "code": "pattern", "reason": "Waarde voldoet niet aan patroon."}],
)
INFO = {"api-name": "BAG API Individuele Bevragingen", "api-version": "2.6.0", "informationmodel": "IMBAGLV"}
