"""Value shapes of the BRP API Personen 2.x shared by the demo conversion: dates
(`AbstractDatum`: Datum, JaarMaandDatum, JaarDatum, DatumOnbekend with `langFormaat`), coded
values (`Waardetabel`) and the age on a given day.

Spec: ``tests/specs/brp-personen/openapi.yaml``; date rules after the official BrpProxy
(BRP-API/Haal-Centraal-BRP-bevragen, ``src/BrpProxy/Mappers/GbaDatumMapper.cs``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

MAANDEN = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)


def datum(raw: str | None) -> dict[str, Any] | None:
    """GBA date ``YYYYMMDD`` (zeros for unknown parts) -> AbstractDatum."""
    if raw is None:
        return None
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", raw)
    jaar, maand, dag = (int(part) for part in match.groups()) if match else (0, 0, 0)
    if jaar and maand and dag:
        try:
            value = dt.date(jaar, maand, dag)
        except ValueError:
            return {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}
        return {
            "type": "Datum",
            "datum": value.isoformat(),
            "langFormaat": f"{dag} {MAANDEN[maand - 1]} {jaar}",
        }
    if jaar and maand and 1 <= maand <= 12:
        return {
            "type": "JaarMaandDatum",
            "jaar": jaar,
            "maand": maand,
            "langFormaat": f"{MAANDEN[maand - 1]} {jaar}",
        }
    if jaar:
        return {"type": "JaarDatum", "jaar": jaar, "langFormaat": str(jaar)}
    return {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}


def leeftijd(geboortedatum: dict[str, Any] | None, peildatum: dt.date) -> int | None:
    """Age in whole years on `peildatum`; None when the birth date is too vague to tell."""
    if not geboortedatum:
        return None
    if geboortedatum["type"] == "Datum":
        born = dt.date.fromisoformat(geboortedatum["datum"])
    elif geboortedatum["type"] == "JaarMaandDatum" and geboortedatum["maand"] != peildatum.month:
        born = dt.date(geboortedatum["jaar"], geboortedatum["maand"], 1)
    else:
        return None
    years = peildatum.year - born.year - ((peildatum.month, peildatum.day) < (born.month, born.day))
    return years if 0 <= years <= 150 else None


def waardetabel(raw: dict[str, Any] | None, *extra: str) -> dict[str, Any] | None:
    if not raw:
        return None
    value = {key: raw[key] for key in ("code", "omschrijving", *extra) if raw.get(key)}
    return value or None


def compact(mapping: dict[str, Any]) -> dict[str, Any]:
    """Without the keys whose value is None or empty: the API leaves absent data out."""
    return {
        key: value
        for key, value in mapping.items()
        if value is not None and not (isinstance(value, (str, list, dict)) and not value)
    }
