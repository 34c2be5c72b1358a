"""The fields the BAG API Individuele Bevragingen 2.x can deliver for an `Adres`.

Derived from the `Adres` and `AdresIO` schemas of the BAG IB 2.6.0 spec
(tests/specs/bag-individuele-bevragingen/openapi.yaml): the address itself, plus the
`geconstateerd` and `inonderzoek` indications. The HAL `_links` and `_embedded` are not fields:
the connector strips them (see plugin.py). The API has no field selection; the IKO service keeps
only the allowed fields of the answer.
"""

from __future__ import annotations

_ADRES = (
    "openbareRuimteNaam",
    "korteNaam",
    "huisnummer",
    "huisletter",
    "huisnummertoevoeging",
    "postcode",
    "woonplaatsNaam",
    "nummeraanduidingIdentificatie",
    "openbareRuimteIdentificatie",
    "woonplaatsIdentificatie",
    "adresseerbaarObjectIdentificatie",
    "pandIdentificaties",
    "indicatieNevenadres",
    "adresregel5",
    "adresregel6",
)
_GECONSTATEERD = ("woonplaats", "openbareRuimte", "nummeraanduiding")
_IN_ONDERZOEK = (
    "openbareRuimteNaam",
    "korteNaam",
    "huisnummer",
    "huisletter",
    "huisnummertoevoeging",
    "postcode",
    "woonplaatsNaam",
    "openbareRuimteLigtIn",
    "openbareRuimteStatus",
    "nummeraanduidingLigtIn",
    "nummeraanduidingligtAan",
    "nummeraanduidingStatus",
    "toelichting",
    "adresregel5",
    "adresregel6",
)

ADRES_FIELDS: tuple[str, ...] = (
    *_ADRES,
    "geconstateerd",
    *(f"geconstateerd.{name}" for name in _GECONSTATEERD),
    "inonderzoek",
    *(f"inonderzoek.{name}" for name in _IN_ONDERZOEK),
)
