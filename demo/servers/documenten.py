"""The demo Documenten API 1.4 (metadata of the demo zaken's documents), served by the demo Zaken
server on its own API root, ``http://127.0.0.1:<port>/documenten/api/v1/``, as Open Zaak does.

Spec: Documenten API 1.4.2 as served by Open Zaak 1.30. Served, read only:
``GET enkelvoudiginformatieobjecten/{uuid}``, ``POST enkelvoudiginformatieobjecten/_zoek`` (body
``{"uuid__in": [...]}``, required; paginated), ``GET objectinformatieobjecten`` (filters
``object``, ``informatieobject``; a plain list) and ``GET objectinformatieobjecten/{uuid}``; and in
the Catalogi API ``GET informatieobjecttypen`` and ``GET informatieobjecttypen/{uuid}``.
The content of a document (its ``inhoud`` URL, ``.../download``) is not served: the demo has
none, and IKO never asks for it. Unknown filters are ignored, as in the real API. The resources
are built in zgw_dossiers.py.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

from .base import ProblemError

if TYPE_CHECKING:
    from .zaken import ZakenRequestHandler

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _zoek_uuids(handler: "ZakenRequestHandler") -> set[str]:
    body = handler.read_json_body()
    uuids = body.get("uuid__in") if isinstance(body, dict) else None
    if not isinstance(uuids, list) or not all(isinstance(u, str) and UUID.fullmatch(u) for u in uuids):
        raise ProblemError(
            400, "Ongeldige parameter.", code="invalid",
            extra={"invalidParams": [{"name": "uuid__in", "code": "required", "reason": "Geef een lijst van UUIDs."}]},
        )
    return {u.lower() for u in uuids}


def enkelvoudiginformatieobjecten(handler: "ZakenRequestHandler", key: str) -> None:
    table = handler.zaken_server.dossiers.documenten
    if key == "_zoek":
        uuids = _zoek_uuids(handler)
        handler.paginate([document for uuid, document in table.items() if uuid in uuids])
    elif key:
        handler.send_resource(handler._one(table, key))
    else:
        raise ProblemError(404, "Niet gevonden.", code="not_found")


def objectinformatieobjecten(handler: "ZakenRequestHandler", key: str) -> None:
    table = handler.zaken_server.dossiers.objectinformatieobjecten
    if key:
        handler.send_resource(handler._one(table, key))
        return
    items = list(table.values())
    for name in ("object", "informatieobject"):
        value = handler.param(name)
        if value:
            items = [item for item in items if item[name] == value]
    handler.send_resource(items)


def informatieobjecttypen(handler: "ZakenRequestHandler", key: str) -> None:
    types = {t["url"].rsplit("/", 1)[1]: t for t in handler.zaken_server.dossiers.informatieobjecttypen.values()}
    if key:
        handler.send_resource(handler._one(types, key))
    else:
        handler.paginate(list(types.values()))


ROUTES: dict[tuple[str, str], Callable[["ZakenRequestHandler", str], None]] = {
    ("documenten", "enkelvoudiginformatieobjecten"): enkelvoudiginformatieobjecten,
    ("documenten", "objectinformatieobjecten"): objectinformatieobjecten,
    ("catalogi", "informatieobjecttypen"): informatieobjecttypen,
}
