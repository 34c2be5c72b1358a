"""Request validation of ``POST /personen`` (BRP API Personen 2.x), as the real API does it.

Spec: ``tests/specs/brp-personen/openapi.yaml``, schema `PersonenQuery` and its seven
subtypes; messages after the official BrpProxy validators (``src/BrpProxy/Validators``).
`query_errors` returns `InvalidParam` objects for a 400 `BadRequestFoutbericht`. Names and
reasons are written to fit the spec's own patterns (``name`` ``^[a-zA-Z0-9\\._]{1,30}$``,
``reason`` ``^[a-zA-Z0-9\\., ]{1,80}$``), so an array item is ``fields.3`` rather than the
real API's ``fields[3]``, and a pattern error does not quote the pattern.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from .brp_data import RESPONSE_SCHEMAS
from .brp_fields import field_errors

VALIDATION_TYPE = "https://www.vng.nl/realisatie/api/validaties/"
NAAM = r"[a-zA-Z0-9À-ž \.\-\']"
PATTERNS = {
    "burgerservicenummer": r"[0-9]{9}",
    "geslachtsnaam": rf"{NAAM}{{1,200}}|{NAAM}{{3,199}}\*",
    "voornamen": rf"{NAAM}{{1,200}}|{NAAM}{{3,199}}\*",
    "voornamenOptioneel": rf"{NAAM}{{1,199}}\*?",
    "voorvoegsel": r"[a-zA-Z \']{1,10}",
    "geslacht": r"[MmVvOo]",
    "postcode": r"[1-9][0-9]{3} ?[A-Za-z]{2}",
    "huisletter": r"[a-zA-Z]",
    "huisnummertoevoeging": r"[a-zA-Z0-9 \-]{1,4}",
    "straat": r"[a-zA-Z0-9À-ž \-\'\.]{1,80}|[a-zA-Z0-9À-ž \-\'\.]{7,79}\*|\*[a-zA-Z0-9À-ž \-\'\.]{7,79}",
    "nummeraanduidingIdentificatie": r"(?!0{16})[0-9]{16}",
    "adresseerbaarObjectIdentificatie": r"(?!0{16})[0-9]{16}",
    "gemeenteVanInschrijving": r"[0-9]{4}",
}
REQUIRED = {
    "RaadpleegMetBurgerservicenummer": ("burgerservicenummer",),
    "ZoekMetGeslachtsnaamEnGeboortedatum": ("geslachtsnaam", "geboortedatum"),
    "ZoekMetNaamEnGemeenteVanInschrijving": ("geslachtsnaam", "voornamen", "gemeenteVanInschrijving"),
    "ZoekMetPostcodeEnHuisnummer": ("postcode", "huisnummer"),
    "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving": ("straat", "huisnummer", "gemeenteVanInschrijving"),
    "ZoekMetNummeraanduidingIdentificatie": ("nummeraanduidingIdentificatie",),
    "ZoekMetAdresseerbaarObjectIdentificatie": ("adresseerbaarObjectIdentificatie",),
}
OPTIONAL = {
    "RaadpleegMetBurgerservicenummer": (),
    "ZoekMetGeslachtsnaamEnGeboortedatum": ("voornamen", "voorvoegsel", "geslacht", "inclusiefOverledenPersonen"),
    "ZoekMetNaamEnGemeenteVanInschrijving": ("voorvoegsel", "geslacht", "inclusiefOverledenPersonen"),
    "ZoekMetPostcodeEnHuisnummer": (
        "huisletter", "huisnummertoevoeging", "geboortedatum", "geslachtsnaam", "inclusiefOverledenPersonen",
    ),
    "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving": ("huisletter", "huisnummertoevoeging", "inclusiefOverledenPersonen"),
    "ZoekMetNummeraanduidingIdentificatie": ("inclusiefOverledenPersonen",),
    "ZoekMetAdresseerbaarObjectIdentificatie": ("inclusiefOverledenPersonen",),
}
COMMON = ("type", "fields", "gemeenteVanInschrijving")
MAX_BSNS = 20
MAX_FIELDS = 130


def invalid_param(name: str, code: str, reason: str) -> dict[str, str]:
    return {"type": VALIDATION_TYPE + code, "name": name, "code": code, "reason": reason}


def _check_string(name: str, value: Any, pattern: str) -> list[dict[str, str]]:
    if not isinstance(value, str):
        return [invalid_param(name, "string", "Waarde is geen string.")]
    if not re.fullmatch(pattern, value):
        return [invalid_param(name, "pattern", "Waarde voldoet niet aan het patroon.")]
    return []


def _check_date(name: str, value: Any) -> list[dict[str, str]]:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            dt.date.fromisoformat(value)
            return []
        except ValueError:
            pass
    return [invalid_param(name, "date", "Waarde is geen geldige datum.")]


def _check_huisnummer(name: str, value: Any) -> list[dict[str, str]]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [invalid_param(name, "integer", "Waarde is geen geldig getal.")]
    if value < 1:
        return [invalid_param(name, "minimum", "Waarde is lager dan minimum 1.")]
    if value > 99999:
        return [invalid_param(name, "maximum", "Waarde is hoger dan maximum 99999.")]
    return []


def _check_boolean(name: str, value: Any) -> list[dict[str, str]]:
    return [] if isinstance(value, bool) else [invalid_param(name, "boolean", "Waarde is geen boolean.")]


def _check_array(name: str, value: Any, maximum: int) -> list[dict[str, str]]:
    if not isinstance(value, list):
        return [invalid_param(name, "array", "Parameter is geen array.")]
    if not value:
        return [invalid_param(name, "minItems", "Array bevat minder dan 1 items.")]
    if len(value) > maximum:
        return [invalid_param(name, "maxItems", f"Array bevat meer dan {maximum} items.")]
    return []


def _check_bsns(name: str, value: Any) -> list[dict[str, str]]:
    errors = _check_array(name, value, MAX_BSNS)
    if errors:
        return errors
    return [error for index, bsn in enumerate(value) for error in _check_string(f"{name}.{index}", bsn, PATTERNS[name])]


CHECKS: dict[str, Callable[[str, Any], list[dict[str, str]]]] = {
    "burgerservicenummer": _check_bsns,
    "geboortedatum": _check_date,
    "huisnummer": _check_huisnummer,
    "inclusiefOverledenPersonen": _check_boolean,
}


def query_errors(query: Any) -> list[dict[str, str]]:
    """All problems with a request body, as InvalidParam objects; empty when it is valid."""
    if not isinstance(query, dict):
        return [invalid_param("body", "object", "Request body is geen JSON object.")]
    soort = query.get("type")
    if soort is None:
        return [invalid_param("type", "required", "Parameter is verplicht.")]
    if soort not in REQUIRED:
        return [invalid_param("type", "value", "Waarde is geen geldig zoek type.")]

    allowed = set(COMMON) | set(REQUIRED[soort]) | set(OPTIONAL[soort])
    errors = [invalid_param(name, "unknownParam", "Parameter is niet verwacht.") for name in query if name not in allowed]
    for name in ("fields", *REQUIRED[soort]):
        if query.get(name) is None:
            errors.append(invalid_param(name, "required", "Parameter is verplicht."))

    for name, value in query.items():
        if name not in allowed or name in ("type", "fields") or value is None:
            continue
        if name in CHECKS:
            errors += CHECKS[name](name, value)
        else:
            pattern_name = "voornamenOptioneel" if name == "voornamen" and name not in REQUIRED[soort] else name
            errors += _check_string(name, value, PATTERNS[pattern_name])

    fields = query.get("fields")
    if fields is not None:
        problems = _check_array("fields", fields, MAX_FIELDS)
        if not problems:
            problems = [
                invalid_param(f"fields.{index}", code, reason)
                for index, code, reason in field_errors(fields, RESPONSE_SCHEMAS[soort])
            ]
        errors += problems
    return errors
