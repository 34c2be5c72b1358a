"""The BRP search types (`ZoekMet...`): their parameters, checked before anything is sent.

Spec: tests/specs/brp-personen/openapi.yaml (BRP API Personen 2.7.0), the subtypes of
`PersonenQuery`. Each search type has required and optional parameters; `gemeenteVanInschrijving`
is a property of `PersonenQuery` itself, so every type may carry it as a filter. The values are
checked against the spec's own patterns (`GeslachtsnaamFilter`, `Postcode`, `Huisnummer`...) so a
malformed search fails here with a readable message instead of as a 400 from the gateway, which
would still count as a provision of data in the BRP's log. Messages name parameters, never their
values: these are personal data.

A search answers `PersoonBeperkt` objects, which have far fewer fields than a `Persoon`
(`fields.PERSOON_BEPERKT_FIELDS`). The query's `fields` are exactly the fields asked for, minus
the automatic ones; unlike consulting, no `burgerservicenummer` is added, since there is no
subject to check the answer against. So the residents at an address (`ZoekMetNummeraanduiding
Identificatie`, `ZoekMetAdresseerbaarObjectIdentificatie`) can be counted by asking for
`burgerservicenummer` alone, without any name. (`ZoekMetAdresseerbaarObjectIdentificatie` answers
`GezagPersoonBeperkt`: the same fields plus `gezag`, which is not offered.)

Unlike the ZGW APIs, the BRP refuses a query whose required parameter is missing or malformed
(400) instead of ignoring it, and the answer's `type` is checked to be the query's. A
`PersoonBeperkt` carries no BAG id, so the persons found cannot be checked one by one against the
address; their address lines are only in the answer when `adressering` is asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Mapping

from django.utils.translation import gettext_noop  # the admin's editor translates the descriptions

from ...base import ConnectorError, MissingInput
from ...params import Param
from .fields import PERSOON_BEPERKT_FIELDS, is_automatic

ZOEK_MET_GESLACHTSNAAM_EN_GEBOORTEDATUM = "ZoekMetGeslachtsnaamEnGeboortedatum"
ZOEK_MET_POSTCODE_EN_HUISNUMMER = "ZoekMetPostcodeEnHuisnummer"
ZOEK_MET_NAAM_EN_GEMEENTE_VAN_INSCHRIJVING = "ZoekMetNaamEnGemeenteVanInschrijving"
ZOEK_MET_NUMMERAANDUIDING_IDENTIFICATIE = "ZoekMetNummeraanduidingIdentificatie"
ZOEK_MET_ADRESSEERBAAR_OBJECT_IDENTIFICATIE = "ZoekMetAdresseerbaarObjectIdentificatie"
ZOEK_MET_STRAAT_HUISNUMMER_EN_GEMEENTE_VAN_INSCHRIJVING = "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving"

# PersonenQuery.fields: 1 to 130 paths.
MAX_FIELDS = 130

# The spec's patterns of the text parameters, verbatim (search forms may reuse them to check
# input before a search is run, e.g. as a search action criterion's validation pattern).
SPEC_PATTERNS = {
    "geslachtsnaam": r"^[a-zA-Z0-9À-ž \.\-\']{1,200}$|^[a-zA-Z0-9À-ž \.\-\']{3,199}\*{1}$",  # GeslachtsnaamFilter
    "voornamenVerplicht": r"^[a-zA-Z0-9À-ž \.\-\']{1,200}$|^[a-zA-Z0-9À-ž \.\-\']{3,199}\*{1}$",
    "voornamenOptioneel": r"^[a-zA-Z0-9À-ž \.\-\']{1,199}\*{0,1}$",
    "voorvoegsel": r"^[a-zA-Z \']{1,10}$",
    "geslacht": r"^([Mm]|[Vv]|[Oo])$",
    "postcode": r"^[1-9]{1}[0-9]{3}[ ]?[A-Za-z]{2}$",
    "huisletter": r"^[a-zA-Z]{1}$",
    "huisnummertoevoeging": r"^[a-zA-Z0-9 \-]{1,4}$",
    "gemeenteVanInschrijving": r"^[0-9]{4}$",
    "nummeraanduidingIdentificatie": r"^(?!0{16})[0-9]{16}$",
    "adresseerbaarObjectIdentificatie": r"^(?!0{16})[0-9]{16}$",  # AdresseerbaarObjectIdentificatieFilter
    "straat": r"^[a-zA-Z0-9À-ž \-\'\.]{1,80}$|^[a-zA-Z0-9À-ž \-\'\.]{7,79}\*{1}$|^\*{1}[a-zA-Z0-9À-ž \-\'\.]{7,79}$",  # StraatFilter
}


@dataclass(frozen=True)
class SearchType:
    name: str
    description: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def params(self) -> tuple[str, ...]:
        return self.required + self.optional


SEARCH_TYPES: dict[str, SearchType] = {
    search.name: search
    for search in (
        SearchType(
            ZOEK_MET_GESLACHTSNAAM_EN_GEBOORTEDATUM,
            gettext_noop("Persons by geslachtsnaam and geboortedatum (PersoonBeperkt)."),
            ("geslachtsnaam", "geboortedatum"),
            ("voornamen", "voorvoegsel", "geslacht", "inclusiefOverledenPersonen", "gemeenteVanInschrijving"),
        ),
        SearchType(
            ZOEK_MET_POSTCODE_EN_HUISNUMMER,
            gettext_noop("Persons living at a postcode and huisnummer (PersoonBeperkt)."),
            ("postcode", "huisnummer"),
            ("huisletter", "huisnummertoevoeging", "geboortedatum", "geslachtsnaam",
             "inclusiefOverledenPersonen", "gemeenteVanInschrijving"),
        ),
        SearchType(
            ZOEK_MET_NAAM_EN_GEMEENTE_VAN_INSCHRIJVING,
            gettext_noop("Persons by geslachtsnaam and voornamen, registered in one gemeente (PersoonBeperkt)."),
            ("geslachtsnaam", "voornamen", "gemeenteVanInschrijving"),
            ("voorvoegsel", "geslacht", "inclusiefOverledenPersonen"),
        ),
        SearchType(
            ZOEK_MET_NUMMERAANDUIDING_IDENTIFICATIE,
            gettext_noop("Persons living at a BAG nummeraanduiding (PersoonBeperkt)."),
            ("nummeraanduidingIdentificatie",),
            ("inclusiefOverledenPersonen", "gemeenteVanInschrijving"),
        ),
        # The residents of a verblijfsobject, ligplaats or standplaats: all its addresses at once.
        SearchType(
            ZOEK_MET_ADRESSEERBAAR_OBJECT_IDENTIFICATIE,
            gettext_noop("Persons living in a BAG adresseerbaar object (PersoonBeperkt)."),
            ("adresseerbaarObjectIdentificatie",),
            ("inclusiefOverledenPersonen", "gemeenteVanInschrijving"),
        ),
        SearchType(
            ZOEK_MET_STRAAT_HUISNUMMER_EN_GEMEENTE_VAN_INSCHRIJVING,
            gettext_noop("Persons living at a street and huisnummer in one gemeente (PersoonBeperkt)."),
            ("straat", "huisnummer", "gemeenteVanInschrijving"),
            ("huisletter", "huisnummertoevoeging", "inclusiefOverledenPersonen"),
        ),
    )
}


# --- one parameter each: (value) -> the value to send, or ValueError(reason) -------------------
def _text(pattern: str, reason: str, transform: Callable[[str], str] = str) -> Callable[[Any], str]:
    compiled = re.compile(pattern)

    def clean(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"must be a text: {reason}")
        text = transform(value.strip())
        if not compiled.fullmatch(text):
            raise ValueError(f"must be {reason}")
        return text

    return clean


def _digits(width: int, reason: str, *, not_all_zeros: bool = False) -> Callable[[Any], str]:
    def clean(value: Any) -> str:
        # An identifier that travelled through JSON as a number lost its leading zeros (gemeente
        # and BAG ids start with the gemeentecode, often 0...); the width restores them exactly.
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            value = str(value).zfill(width)
        text = value.strip() if isinstance(value, str) else ""
        if len(text) != width or not text.isascii() or not text.isdigit() or (not_all_zeros and not text.strip("0")):
            raise ValueError(f"must be {reason}")
        return text

    return clean


def _date(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        date.fromisoformat(text)
    except ValueError:
        raise ValueError("must be a full date as YYYY-MM-DD") from None
    return text


def _huisnummer(value: Any) -> int:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 99999:
        raise ValueError("must be a whole number from 1 to 99999")
    return value


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError("must be true or false")


_NAAM_REASON = "letters, digits, spaces, . - or ' (at most 200), or at least 3 of them followed by * as a wildcard"
CLEANERS: dict[str, Callable[[Any], Any]] = {
    "geslachtsnaam": _text(SPEC_PATTERNS["geslachtsnaam"], _NAAM_REASON),
    "geboortedatum": _date,
    "voorvoegsel": _text(SPEC_PATTERNS["voorvoegsel"], "letters, spaces or ' (at most 10)"),
    "geslacht": _text(SPEC_PATTERNS["geslacht"], "M, V or O", str.upper),
    "postcode": _text(SPEC_PATTERNS["postcode"], "a postcode: four digits (not starting with 0) and two letters",
                      lambda text: text.replace(" ", "").upper()),
    "huisnummer": _huisnummer,
    "huisletter": _text(SPEC_PATTERNS["huisletter"], "one letter"),
    "huisnummertoevoeging": _text(SPEC_PATTERNS["huisnummertoevoeging"], "at most 4 letters, digits, spaces or -"),
    "gemeenteVanInschrijving": _digits(4, "a gemeentecode of 4 digits"),
    "nummeraanduidingIdentificatie": _digits(
        16, "a BAG nummeraanduiding id of 16 digits (not all zeros)", not_all_zeros=True
    ),
    "adresseerbaarObjectIdentificatie": _digits(
        16, "a BAG adresseerbaar object id of 16 digits (not all zeros)", not_all_zeros=True
    ),
    "inclusiefOverledenPersonen": _boolean,
    "straat": _text(
        SPEC_PATTERNS["straat"],
        "a street name: letters, digits, spaces, - ' or . (at most 80), with * as a wildcard after or before at least 7 of them",
    ),
}
# voornamen differs per search type: VoornamenVerplichtFilter where it is required,
# VoornamenOptioneelFilter (any length, an optional trailing *) where it is optional.
VOORNAMEN_VERPLICHT = _text(SPEC_PATTERNS["voornamenVerplicht"], _NAAM_REASON)
VOORNAMEN_OPTIONEEL = _text(
    SPEC_PATTERNS["voornamenOptioneel"],
    "letters, digits, spaces, . - or ' (at most 199), optionally followed by * as a wildcard",
)


_HINTS = {
    "geslachtsnaam": _NAAM_REASON,
    "voorvoegsel": "letters, spaces or ' (at most 10)",
    "geslacht": "M, V or O",
    "postcode": "four digits (not starting with 0) and two letters",
    "huisletter": "one letter",
    "huisnummertoevoeging": "at most 4 letters, digits, spaces or -",
    "gemeenteVanInschrijving": "a gemeentecode of 4 digits",
    "nummeraanduidingIdentificatie": "16 digits, not all zeros",
    "straat": "a street name (at most 80 characters), * as a wildcard with at least 7 letters",
}
_TYPED = {
    "geboortedatum": Param("geboortedatum", type="date"),
    "huisnummer": Param("huisnummer", type="integer", minimum=1, maximum=99999),
    "inclusiefOverledenPersonen": Param("inclusiefOverledenPersonen", type="boolean"),
}


def search_parameters_schema(search: SearchType) -> tuple[Param, ...]:
    """The parameters of a search type with the spec's patterns, for `connectors.params`."""
    schema = []
    for name in search.params:
        if name in _TYPED:
            param = _TYPED[name]
        elif name == "voornamen":
            verplicht = name in search.required
            pattern = SPEC_PATTERNS["voornamenVerplicht" if verplicht else "voornamenOptioneel"]
            param = Param(name, pattern=pattern, hint=_NAAM_REASON)
        else:
            param = Param(name, pattern=SPEC_PATTERNS[name], hint=_HINTS.get(name, ""))
        schema.append(Param(**{**param.__dict__, "required": name in search.required}))
    return tuple(schema)


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def search_parameters(search: SearchType, params: Mapping[str, Any]) -> dict[str, Any]:
    """The search parameters of the query body, checked and normalised; ConnectorError names every
    problem at once (MissingInput, a skip, when there is nothing at all to search with)."""
    given = {name: value for name, value in params.items() if _present(value)}
    unknown = sorted(set(given) - set(search.params))
    if unknown:
        raise ConnectorError(
            f"{search.name} takes no parameter(s) {', '.join(unknown)}; it takes: {', '.join(search.params)}."
        )
    if not given:
        raise MissingInput(f"No criteria to search the BRP with ({search.name}).")
    problems = []
    missing = [name for name in search.required if name not in given]
    if missing:
        problems.append(f"{search.name} needs {', '.join(search.required)}; missing: {', '.join(missing)}.")
    cleaned: dict[str, Any] = {}
    for name in search.params:  # the spec's order, for a stable body
        if name not in given:
            continue
        if name == "voornamen":
            clean = VOORNAMEN_VERPLICHT if name in search.required else VOORNAMEN_OPTIONEEL
        else:
            clean = CLEANERS[name]
        try:
            cleaned[name] = clean(given[name])
        except ValueError as exc:
            problems.append(f"The {name} {exc}.")
    if problems:
        raise ConnectorError("Invalid BRP search: " + " ".join(problems))
    return cleaned


def search_fields(requested: tuple[str, ...] | list[str]) -> list[str]:
    """The query's `fields`: the requested paths without automatic fields, once each."""
    fields = list(dict.fromkeys(path for path in requested if not is_automatic(path)))
    unknown = [path for path in fields if path not in PERSOON_BEPERKT_FIELDS]
    if unknown:
        raise ConnectorError(
            f"A BRP search answers PersoonBeperkt, which has no field(s) {', '.join(unknown)}; "
            f"it has: {', '.join(PERSOON_BEPERKT_FIELDS)}."
        )
    if not fields:
        raise ConnectorError("A BRP search needs at least one field to ask for (besides automatic fields).")
    if len(fields) > MAX_FIELDS:
        raise ConnectorError(f"A BRP query asks for at most {MAX_FIELDS} fields, not {len(fields)}.")
    return fields


def search_body(search: SearchType, params: Mapping[str, Any], fields: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """The JSON body of `POST /personen` for one search."""
    return {"type": search.name, **search_parameters(search, params), "fields": search_fields(fields)}
