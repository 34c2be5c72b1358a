"""Turns a Zaken API `Zaak` (or `ExpandZaak`) into the connector's compact zaak (see fields.py).

Zaaktype and status details come from Open Zaak's `_expand` when the Zaken API inlined them
(`_expand.zaaktype`, `_expand.status` with its own `_expand.statustype`), otherwise from the
session's lookups; only what the allowed fields need is looked up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .fields import ZAAK_SCALARS, needs_status, needs_statustype, needs_zaaktype
from .session import ZakenSession


def _expanded(resource: Any, name: str) -> Any:
    expand = resource.get("_expand") if isinstance(resource, dict) else None
    return expand.get(name) if isinstance(expand, dict) else None


def compact_zaak(
    session: ZakenSession,
    zaak: dict,
    fields: Iterable[str],
    betrokkene_rollen: list[dict] | None = None,
) -> dict:
    fields = tuple(fields)
    compact: dict[str, Any] = {key: zaak.get(key) for key in ZAAK_SCALARS}
    compact["zaaktype"] = _zaaktype(session, zaak, fields)
    compact["status"] = _status(session, zaak, fields)
    if betrokkene_rollen is not None:
        compact["betrokkeneRollen"] = betrokkene_rollen
    return compact


def _zaaktype(session: ZakenSession, zaak: dict, fields: tuple[str, ...]) -> dict:
    url = zaak.get("zaaktype")
    zaaktype = {"url": url, "identificatie": None, "omschrijving": None}
    if not url or not needs_zaaktype(fields):
        return zaaktype
    found = _expanded(zaak, "zaaktype")
    if not isinstance(found, dict):
        found = session.reference(url, ("identificatie", "omschrijving"))
    if found:
        zaaktype["identificatie"] = found.get("identificatie")
        zaaktype["omschrijving"] = found.get("omschrijving")
    return zaaktype


def _status(session: ZakenSession, zaak: dict, fields: tuple[str, ...]) -> dict | None:
    url = zaak.get("status")
    if not url:
        return None
    status = {
        "url": url,
        "datumStatusGezet": None,
        "statustoelichting": None,
        "omschrijving": None,
        "isEindstatus": None,
    }
    if not needs_status(fields):
        return status
    found = _expanded(zaak, "status")
    if not isinstance(found, dict):
        found = session.status(url)
    if not found:
        return status
    status["datumStatusGezet"] = found.get("datumStatusGezet")
    status["statustoelichting"] = found.get("statustoelichting")
    if needs_statustype(fields):
        statustype = _expanded(found, "statustype")
        if not isinstance(statustype, dict):
            statustype = session.reference(found.get("statustype"), ("omschrijving", "isEindstatus"))
        if statustype:
            status["omschrijving"] = statustype.get("omschrijving")
            status["isEindstatus"] = statustype.get("isEindstatus")
    return status
