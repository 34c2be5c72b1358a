"""Spec-conformant Zaken API 1.5.1 resources for the object-keyed operations' tests: zaakobjecten
(an address, a pand, a besluit), statussen of one zaak, rollen of each kind of betrokkene, and a
zaak with related zaken. Built on samples.py; test_objects_contract.py validates them. An empty
`objectTypeOverige` is left out (Open Zaak sends "", which the spec's pattern `[a-z_]+` rejects)."""

from __future__ import annotations

from . import samples as s

BAG = "https://api.bag.kadaster.nl/lvbag/individuelebevragingen/v2/"
ADRES = BAG + "adressen/0599200000219678"
PAND = BAG + "panden/0599100000208579"
BESLUIT = "https://openzaak.example.nl/besluiten/api/v1/besluiten/" + s.uid("besluit", 1)


def zaakobject(zaak_n: int, object_url: str = ADRES, *, object_type: str = "adres", n: int = 0) -> dict:
    key = s.uid("zaakobject", zaak_n, object_url, n)
    zaakobject_ = {
        "url": f"{s.ZAKEN_ROOT}zaakobjecten/{key}",
        "uuid": key,
        "zaak": s.zaak_url(zaak_n),
        "object": object_url,
        "objectType": object_type,
        "relatieomschrijving": {"adres": "Locatie van de aanvraag", "pand": "Betreft pand"}.get(object_type, "Bestreden besluit"),
    }
    if object_type == "adres":
        zaakobject_["objectIdentificatie"] = {
            "identificatie": "0599200000219678", "wplWoonplaatsNaam": "Rotterdam", "gorOpenbareRuimteNaam": "Boterdiep",
            "huisnummer": 31, "huisletter": "", "huisnummertoevoeging": "", "postcode": "3077AW",
        }
    elif object_type == "pand":
        zaakobject_["objectIdentificatie"] = {"identificatie": "0599100000208579"}
    return zaakobject_


def status_of(zaak_n: int, index: int, gezet: str, statustype_name: str = "parkeervergunning") -> dict:
    key = s.uid("status", zaak_n, index)
    return {
        "url": f"{s.ZAKEN_ROOT}statussen/{key}",
        "uuid": key,
        "zaak": s.zaak_url(zaak_n),
        "statustype": s.statustype_url(statustype_name),
        "datumStatusGezet": gezet,
        "statustoelichting": "",
        "indicatieLaatstGezetteStatus": False,
        "gezetdoor": None,
        "zaakinformatieobjecten": [],
    }


def with_related(zaak: dict, *related: tuple[int, str]) -> dict:
    return dict(zaak, relevanteAndereZaken=[{"url": s.zaak_url(n), "aardRelatie": aard} for n, aard in related])
