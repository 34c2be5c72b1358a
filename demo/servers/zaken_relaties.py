"""Routes of the demo Zaken API for a zaak's dossier: `zaakobjecten` and `zaakinformatieobjecten`.

Spec: Zaken API 1.5.1 as served by Open Zaak. ``GET zaakobjecten`` (filters ``zaak``, ``object``,
``objectType``; paginated) and ``GET zaakobjecten/{uuid}``; ``GET zaakinformatieobjecten``
(filters ``zaak``, ``informatieobject``; a plain list, as the spec declares) and
``GET zaakinformatieobjecten/{uuid}``. As in the rest of the demo Zaken API, unknown filters are
ignored, and so is a filter with an empty value. The resources are built in zgw_dossiers.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .zaken import ZakenRequestHandler


def _filtered(handler: "ZakenRequestHandler", items: list[dict], names: tuple[str, ...]) -> list[dict]:
    for name in names:
        value = handler.param(name)
        if value:
            items = [item for item in items if item.get(name) == value]
    return items


def zaakobjecten(handler: "ZakenRequestHandler", key: str) -> None:
    table = handler.zaken_server.dossiers.zaakobjecten
    if key:
        handler.send_resource(handler._one(table, key))
        return
    handler.paginate(_filtered(handler, list(table.values()), ("zaak", "object", "objectType")))


def zaakinformatieobjecten(handler: "ZakenRequestHandler", key: str) -> None:
    table = handler.zaken_server.dossiers.zaakinformatieobjecten
    if key:
        handler.send_resource(handler._one(table, key))
        return
    handler.send_resource(_filtered(handler, list(table.values()), ("zaak", "informatieobject")))


ROUTES: dict[tuple[str, str], Callable[["ZakenRequestHandler", str], None]] = {
    ("zaken", "zaakobjecten"): zaakobjecten,
    ("zaken", "zaakinformatieobjecten"): zaakinformatieobjecten,
}
