"""Checks and normalises the parameters of KVK calls before anything is sent.

Follows the parameter schemas of tests/specs/kvk/zoeken-api-v2.yaml (`GET /zoeken`) and the
path parameters of basisprofiel-api-v1.yaml and vestigingsprofiel-api-v1.yaml. A parameter name
the connector does not know is refused rather than dropped: a search that silently loses its
filter finds other companies than the ones meant. Error messages name parameters, never values.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from ...base import ConnectorError, MissingInput
from ...params import Param

# Zoeken's query parameters, in the order of the spec.
ZOEKEN_PARAMS: tuple[str, ...] = (
    "kvkNummer",
    "rsin",
    "vestigingsnummer",
    "naam",
    "straatnaam",
    "plaats",
    "postcode",
    "huisnummer",
    "huisletter",
    "postbusnummer",
    "type",
    "inclusiefInactieveRegistraties",
)
# What makes a search a search; `type` and `inclusiefInactieveRegistraties` only narrow it.
CRITERIA = ("kvkNummer", "rsin", "vestigingsnummer", "naam", "straatnaam", "plaats", "postcode")
ZOEKEN_TYPES = ("hoofdvestiging", "nevenvestiging", "rechtspersoon")
IDENTIFIER_WIDTHS = {"kvkNummer": 8, "rsin": 9, "vestigingsnummer": 12}
MAX_TEXT = 200

_POSTCODE = re.compile(r"^[0-9]{4}[A-Z]{2}$")


# The spec's schemas of the parameters, for checking a caller's input before anything is sent
# (connectors.params): the identifiers' and postcode's patterns, the numbers, the enum of `type`.
IDENTIFIER_PARAMS = {
    name: Param(name, pattern=f"[0-9]{{{width}}}", hint=f"{width} digits")
    for name, width in IDENTIFIER_WIDTHS.items()
}
ZOEKEN_PARAMETERS: tuple[Param, ...] = (
    *IDENTIFIER_PARAMS.values(),
    Param("naam", max_length=MAX_TEXT),
    Param("straatnaam", max_length=MAX_TEXT),
    Param("plaats", max_length=MAX_TEXT),
    Param("postcode", pattern=r"[0-9]{4} ?[A-Za-z]{2}", hint="four digits and two letters"),
    Param("huisnummer", type="integer", minimum=1, maximum=99999),
    Param("huisletter", pattern=r"[A-Za-z]", hint="one letter"),
    Param("postbusnummer", type="integer", minimum=1, maximum=99999),
    Param("type", enum=ZOEKEN_TYPES, many=True),
    Param("inclusiefInactieveRegistraties", type="boolean"),
)


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != []


def identifier(value: Any, name: str) -> str:
    """A KVK number (8), RSIN (9) or vestigingsnummer (12 digits) as a string.

    A number that came through JSON as an integer lost its leading zeros; these identifiers
    have a fixed width, so padding restores them exactly.
    """
    width = IDENTIFIER_WIDTHS[name]
    if isinstance(value, bool):
        raise ConnectorError(f"The {name} must be {width} digits.")
    if isinstance(value, int) and value >= 0:
        value = str(value).zfill(width)
    text = str(value).strip() if isinstance(value, str) else None
    if text is None or len(text) != width or not text.isascii() or not text.isdigit():
        raise ConnectorError(f"The {name} must be {width} digits.")
    return text


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConnectorError(f"The {name} must be a non-empty text.")
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise ConnectorError(f"The {name} may be at most {MAX_TEXT} characters.")
    return text


def _number(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise ConnectorError(f"The {name} must be a number from 1 to 99999.")
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 1 <= value <= 99999:
        raise ConnectorError(f"The {name} must be a number from 1 to 99999.")
    return value


def _postcode(value: Any) -> str:
    text = value.replace(" ", "").upper() if isinstance(value, str) else ""
    if not _POSTCODE.match(text):
        raise ConnectorError("The postcode must be four digits and two letters.")
    return text


def _huisletter(value: Any) -> str:
    if not isinstance(value, str) or len(value.strip()) != 1 or not value.strip().isalpha():
        raise ConnectorError("The huisletter must be one letter.")
    return value.strip()


def _types(value: Any) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple)) or not values or any(v not in ZOEKEN_TYPES for v in values):
        raise ConnectorError(f"The type must be one or more of: {', '.join(ZOEKEN_TYPES)}.")
    return list(dict.fromkeys(values))


def _boolean(value: Any, name: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower()
    raise ConnectorError(f"The {name} must be true or false.")


def zoeken_query(params: Mapping[str, Any]) -> dict[str, Any]:
    """The query of `GET v2/zoeken` (without paging) for the call's parameters.

    The subject "kvk" is the `kvkNummer` filter.
    """
    params = {key: value for key, value in params.items() if _present(value)}
    if "kvk" in params:
        subject = identifier(params.pop("kvk"), "kvkNummer")
        if "kvkNummer" in params and identifier(params["kvkNummer"], "kvkNummer") != subject:
            raise ConnectorError("The subject and the kvkNummer parameter differ.")
        params["kvkNummer"] = subject
    unknown = sorted(set(params) - set(ZOEKEN_PARAMS))
    if unknown:
        raise ConnectorError(
            f"KVK zoeken has no parameter(s) {', '.join(unknown)}; "
            f"it takes: {', '.join(ZOEKEN_PARAMS)}."
        )
    if not any(name in params for name in CRITERIA):
        raise MissingInput("No search criteria to search the KVK Handelsregister with.")

    query: dict[str, Any] = {}
    for name in ZOEKEN_PARAMS:
        if name not in params:
            continue
        value = params[name]
        if name in IDENTIFIER_WIDTHS:
            query[name] = identifier(value, name)
        elif name in ("naam", "straatnaam", "plaats"):
            query[name] = _text(value, name)
        elif name == "postcode":
            query[name] = _postcode(value)
        elif name in ("huisnummer", "postbusnummer"):
            query[name] = _number(value, name)
        elif name == "huisletter":
            query[name] = _huisletter(value)
        elif name == "type":
            query[name] = _types(value)
        else:
            query[name] = _boolean(value, name)

    # The combinations the spec's parameter descriptions allow.
    if "postcode" in query and not ("huisnummer" in query or "postbusnummer" in query):
        raise ConnectorError("KVK searches a postcode only with a huisnummer or a postbusnummer.")
    if ("huisnummer" in query or "postbusnummer" in query) and "postcode" not in query:
        raise ConnectorError("KVK searches a huisnummer or postbusnummer only with a postcode.")
    if "huisnummer" in query and "postbusnummer" in query:
        raise ConnectorError("Search with a huisnummer or a postbusnummer, not both.")
    if "huisletter" in query and "huisnummer" not in query:
        raise ConnectorError("KVK searches a huisletter only with a huisnummer.")
    return query


def required_identifier(params: Mapping[str, Any], name: str, *aliases: str) -> str:
    """The identifier `name` (or its first present alias, e.g. the subject "kvk")."""
    found = [params[key] for key in (*aliases, name) if _present(params.get(key))]
    if not found:
        raise MissingInput(f"No {name} to look up.")
    values = {identifier(value, name) for value in found}
    if len(values) > 1:
        raise ConnectorError(f"The subject and the {name} parameter differ.")
    return values.pop()
