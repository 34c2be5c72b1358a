"""The demo Besluiten API 1.1 (the besluiten of the demo zaken), served by the demo Zaken server on
its own API root, ``http://127.0.0.1:<port>/besluiten/api/v1/``, as Open Zaak does.

Spec: Besluiten API 1.1.0 as served by Open Zaak 1.30. Served, read only: ``GET besluiten``
(filters ``zaak``, ``besluittype``, ``identificatie``, ``verantwoordelijkeOrganisatie``;
paginated), ``GET besluiten/{uuid}``, ``GET besluitinformatieobjecten`` (filters ``besluit``,
``informatieobject``; a plain list) and ``GET besluitinformatieobjecten/{uuid}``; and in the
Catalogi API ``GET besluittypen`` and ``GET besluittypen/{uuid}``. Unknown filters are ignored,
and so is a filter with an empty value, as in the real API: the answer then holds every besluit.
The resources are built in zgw_dossiers.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .zaken import ZakenRequestHandler

BESLUIT_FILTERS = ("zaak", "besluittype", "identificatie", "verantwoordelijkeOrganisatie")


def besluiten(handler: "ZakenRequestHandler", key: str) -> None:
    table = handler.zaken_server.dossiers.besluiten
    if key:
        handler.send_resource(handler._one(table, key))
        return
    items = sorted(table.values(), key=lambda b: b["identificatie"])
    for name in BESLUIT_FILTERS:
        value = handler.param(name)
        if value:
            items = [item for item in items if item[name] == value]
    handler.paginate(items)


def besluitinformatieobjecten(handler: "ZakenRequestHandler", key: str) -> None:
    table = handler.zaken_server.dossiers.besluitinformatieobjecten
    if key:
        handler.send_resource(handler._one(table, key))
        return
    items = list(table.values())
    for name in ("besluit", "informatieobject"):
        value = handler.param(name)
        if value:
            items = [item for item in items if item[name] == value]
    handler.send_resource(items)


def besluittypen(handler: "ZakenRequestHandler", key: str) -> None:
    types = {t["url"].rsplit("/", 1)[1]: t for t in handler.zaken_server.dossiers.besluittypen.values()}
    if key:
        handler.send_resource(handler._one(types, key))
    else:
        handler.paginate(list(types.values()))


ROUTES: dict[tuple[str, str], Callable[["ZakenRequestHandler", str], None]] = {
    ("besluiten", "besluiten"): besluiten,
    ("besluiten", "besluitinformatieobjecten"): besluitinformatieobjecten,
    ("catalogi", "besluittypen"): besluittypen,
}
