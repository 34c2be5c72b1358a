"""The Zaken connector's operations keyed on objects and on one zaak: the zaken about an object, a
zaak's status history, rollen, zaakobjecten and related zaken.

Spec: Zaken API 1.5.1 as served by Open Zaak 1.30, with the Catalogi API 1.3.1 for statustypen.
Operations (their fields in fields_objects.py):

- `zaken_over_object` (param "object", the URL of the object in its own register, for example a
  BAG address or pand): `GET zaakobjecten?object=<url>`, then the zaken those zaakobjecten point at
  in one `POST zaken/_zoek` with `{"uuid__in": [...]}` (and `expand` as for the other zaak
  operations). Each zaakobject must have exactly that `object` and each zaak must be one asked for;
  the rest is dropped and counted. A zaak carries `zaakobjecten`: how it concerns the object.
  Zaakobjecten that identify their object only by `objectIdentificatie` (no URL) cannot be found
  this way: the API has no filter on it.
- `statussen_van_zaak` (param "zaak"): `GET statussen?zaak=<url>`, oldest first, each with its
  statustype's name from the Catalogi server (cached, only when allowed).
- `rollen_van_zaak` (param "zaak"): `GET rollen?zaak=<url>`; each rol with only the identifying
  keys of its kind of betrokkene (names and numbers, no addresses or birth dates), so a profile
  releases names and identifiers only where it allows those paths.
- `zaakobjecten_van_zaak` (param "zaak"): `GET zaakobjecten?zaak=<url>`.
- `gerelateerde_zaken` (param "zaak"): the zaak's `relevanteAndereZaken`, `hoofdzaak` and
  `deelzaken`, read in one `POST zaken/_zoek`, each with its `aardRelatie`.

A "zaak" parameter must be the URL of a zaak under the configured Zaken server (nothing else is
asked for). The Zaken API ignores a misspelt filter and then answers with every status, rol or
zaakobject, so each item must carry exactly the zaak asked for.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_noop  # the admin's editor translates the descriptions

from ...base import ConnectorError, ConnectorRequest, ConnectorResult, Operation, Status
from ...errors import http_error
from ...params import Param
from .fields_objects import (
    BETROKKENE_KEYS,
    OBJECT_ZAAK_FIELDS,
    RELATED_ZAAK_FIELDS,
    ROL_FIELDS,
    ROL_KEYS_OF_ZAAK,
    STATUS_HISTORY_FIELDS,
    STATUS_KEYS_OF_ZAAK,
    STATUSTYPE_HISTORY_KEYS,
    ZAAKOBJECT_FIELDS,
    ZAAKOBJECT_KEYS,
    needs_statustype_history,
)
from .session import JSON_HEADERS, ZakenSession
from .shape import compact_zaak

ZAKEN_OVER_OBJECT = "zaken_over_object"
STATUSSEN_VAN_ZAAK = "statussen_van_zaak"
ROLLEN_VAN_ZAAK = "rollen_van_zaak"
ZAAKOBJECTEN_VAN_ZAAK = "zaakobjecten_van_zaak"
GERELATEERDE_ZAKEN = "gerelateerde_zaken"
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# `zaken/_zoek` declares Content-Crs as required (for a zaakgeometrie search).
ZOEK_HEADERS = {**JSON_HEADERS, "Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326", "Content-Type": "application/json"}
# Statussen, rollen or zaakobjecten read at most per zaak.
MAX_PER_ZAAK = 200
# Zaakobjecten read per zaak allowed (an object can be linked to a zaak more than once).
ZAAKOBJECTEN_PER_ZAAK = 3

URL = r"https?://\S+"
OBJECT_PARAM = Param("object", pattern=URL, hint="the URL of the object in its register", max_length=1000, required=True)
ZAAK_PARAM = Param("zaak", pattern=URL, hint="the URL of a zaak", max_length=1000, required=True)

OBJECT_OPERATIONS = {
    ZAKEN_OVER_OBJECT: Operation(
        name=ZAKEN_OVER_OBJECT,
        description=gettext_noop("The zaken about an object (by the object's URL in its register, e.g. a BAG address), newest first."),
        subject_types=(),
        fields=OBJECT_ZAAK_FIELDS,
        params=("object",),
        parameters=(OBJECT_PARAM,),
        many=True,
    ),
    STATUSSEN_VAN_ZAAK: Operation(
        name=STATUSSEN_VAN_ZAAK,
        description=gettext_noop("The status history of a zaak (by its URL), oldest first, with the statustype names."),
        subject_types=(),
        fields=STATUS_HISTORY_FIELDS,
        params=("zaak",),
        parameters=(ZAAK_PARAM,),
        many=True,
    ),
    ROLLEN_VAN_ZAAK: Operation(
        name=ROLLEN_VAN_ZAAK,
        description=gettext_noop("The rollen (betrokkenen) of a zaak (by its URL)."),
        subject_types=(),
        fields=ROL_FIELDS,
        params=("zaak",),
        parameters=(ZAAK_PARAM,),
        many=True,
    ),
    ZAAKOBJECTEN_VAN_ZAAK: Operation(
        name=ZAAKOBJECTEN_VAN_ZAAK,
        description=gettext_noop("The objects a zaak is about (by the zaak's URL): addresses, panden, besluiten..."),
        subject_types=(),
        fields=ZAAKOBJECT_FIELDS,
        params=("zaak",),
        parameters=(ZAAK_PARAM,),
        many=True,
    ),
    GERELATEERDE_ZAKEN: Operation(
        name=GERELATEERDE_ZAKEN,
        description=gettext_noop("The zaken related to a zaak (relevante andere zaken, hoofdzaak, deelzaken)."),
        subject_types=(),
        fields=RELATED_ZAAK_FIELDS,
        params=("zaak",),
        parameters=(ZAAK_PARAM,),
        many=True,
    ),
}


def object_operation_run(
    session: ZakenSession, request: ConnectorRequest, expand: list[str]
) -> ConnectorResult:
    """Run one of OBJECT_OPERATIONS; `expand` are the zaak `expand` values for its fields."""
    operation = OBJECT_OPERATIONS[request.operation]
    unknown = sorted(set(request.params) - set(operation.params))
    if unknown:
        # A filter name the connector does not know would be dropped, not applied.
        raise ConnectorError(
            f"{operation.name} takes no parameter(s) {', '.join(unknown)}; it takes: {', '.join(operation.params)}."
        )
    if operation.name == ZAKEN_OVER_OBJECT:
        return _zaken_over_object(session, request, expand)
    zaak = _own_zaak(session, request.params.get("zaak"))
    if operation.name == GERELATEERDE_ZAKEN:
        return _gerelateerde_zaken(session, request, zaak, expand)
    return _items_of_zaak(session, request, zaak)


# -- helpers ----------------------------------------------------------------------------------
def _own_zaak(session: ZakenSession, url: Any) -> str:
    if url in (None, ""):
        raise ConnectorError("No zaak to look up.", Status.SKIPPED)
    root = session.zaken.api_root
    if not (isinstance(url, str) and session.zaken.is_own_url(url) and re.fullmatch(f"zaken/{UUID}", url[len(root):])):
        raise ConnectorError("Refused a zaak URL that is not a zaak of the configured Zaken server.")
    return url


def _uuid_of(session: ZakenSession, url: Any) -> str | None:
    root = session.zaken.api_root
    if not isinstance(url, str) or not session.zaken.is_own_url(url):
        return None
    match = re.fullmatch(f"zaken/({UUID})", url[len(root):])
    return match.group(1).lower() if match else None


def _zaken_by_url(session: ZakenSession, urls: list[str], expand: list[str]) -> dict[str, dict]:
    """The zaken at these URLs (all under the Zaken server), in one `zaken/_zoek`, paged;
    whatever comes back that was not asked for is ignored."""
    uuids = {_uuid_of(session, url): url for url in urls}
    uuids.pop(None, None)
    if not uuids:
        return {}
    params = {"expand": ",".join(expand)} if expand else None
    body = {"uuid__in": list(uuids)}
    found: dict[str, dict] = {}
    target: str = "zaken/_zoek"
    while True:
        response = session.zaken.request("POST", target, params=params, json_body=body, headers=ZOEK_HEADERS)
        if response.status_code != 200:
            raise http_error(response, session.title)
        page = response.json()
        results = page.get("results") if isinstance(page, dict) else None
        if not isinstance(results, list):
            raise ConnectorError(f"The {session.title} answer has no 'results' list.")
        for zaak in results:
            url = uuids.get(_uuid_of(session, zaak.get("url")) if isinstance(zaak, dict) else None)
            if url is not None:
                found.setdefault(url, zaak)
        next_url = page.get("next")
        if not next_url or not results or len(found) >= len(uuids):
            return found
        if not session.zaken.is_own_url(next_url):
            session.notes["next_foreign"] += 1
            return found
        target, params = next_url, None


def _object_url(value: Any) -> str:
    """An http(s) URL as the `object` filter; never an empty or odd one (the API would ignore it
    and answer with every zaakobject)."""
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > 1000 or not re.match(r"https?://[^\s/?#]+/\S*$", text):
        raise ConnectorError("Refused to query without a valid object URL.")
    return text


def _newest_first(zaken: list[dict]) -> list[dict]:
    return sorted(zaken, key=lambda z: (z.get("startdatum") or "", z.get("identificatie") or ""), reverse=True)


# -- operations -------------------------------------------------------------------------------
def _zaken_over_object(session: ZakenSession, request: ConnectorRequest, expand: list[str]) -> ConnectorResult:
    if request.params.get("object") in (None, ""):
        raise ConnectorError("No object to look up zaken for.", Status.SKIPPED)
    object_url = _object_url(request.params.get("object"))
    cap = session.options.max_zaken
    zaakobjecten, cut, _ = session.pages("zaakobjecten", {"object": object_url}, limit=ZAAKOBJECTEN_PER_ZAAK * cap)
    own = [zo for zo in zaakobjecten if zo.get("object") == object_url]
    relations: dict[str, list[dict]] = {}
    for zaakobject in own:
        relations.setdefault(zaakobject.get("zaak"), []).append(
            {"objectType": zaakobject.get("objectType"), "relatieomschrijving": zaakobject.get("relatieomschrijving")}
        )
    foreign = [url for url in relations if _uuid_of(session, url) is None]
    wanted = [url for url in relations if url not in foreign]
    zaken = _zaken_by_url(session, wanted[:cap], expand)

    fields = tuple(request.fields)
    data = []
    for url, zaak in zaken.items():
        compact = compact_zaak(session, dict(zaak, url=url), fields)
        compact["zaakobjecten"] = relations[url]
        data.append(compact)
    detail = []
    if not own:
        detail.append("No zaken about this object.")
    if len(zaakobjecten) > len(own):
        detail.append(f"Dropped {len(zaakobjecten) - len(own)} zaakobject(en) about another object than asked for.")
    if foreign:
        detail.append(f"{len(foreign)} zaak URL(s) outside the Zaken server were not followed.")
    if cut or len(wanted) > cap:
        detail.append(f"Only the first {min(len(wanted), cap)} zaken were read (max_zaken).")
    missing = min(len(wanted), cap) - len(zaken)
    if missing:
        detail.append(f"{missing} zaak(en) could not be read.")
    detail.extend(session.detail())
    return ConnectorResult(status=Status.OK, data=_newest_first(data), detail=" ".join(detail))


def _items_of_zaak(session: ZakenSession, request: ConnectorRequest, zaak: str) -> ConnectorResult:
    resource = {STATUSSEN_VAN_ZAAK: "statussen", ROLLEN_VAN_ZAAK: "rollen", ZAAKOBJECTEN_VAN_ZAAK: "zaakobjecten"}[
        request.operation
    ]
    items, cut, count = session.pages(resource, {"zaak": zaak}, limit=MAX_PER_ZAAK)
    own = [item for item in items if item.get("zaak") == zaak]
    fields = tuple(request.fields)
    if request.operation == STATUSSEN_VAN_ZAAK:
        data = [_status(session, status, fields) for status in own]
        data.sort(key=lambda s: s.get("datumStatusGezet") or "")
    elif request.operation == ROLLEN_VAN_ZAAK:
        data = [_rol(rol) for rol in own]
    else:
        data = [_zaakobject(zaakobject) for zaakobject in own]
    detail = []
    if not own:
        detail.append(f"No {resource} for this zaak.")
    if len(items) > len(own):
        detail.append(f"Dropped {len(items) - len(own)} of the {resource} of another zaak than asked for.")
    if cut:
        of = f" of {count}" if count else ""
        detail.append(f"Only the first {len(items)}{of} {resource} were read.")
    detail.extend(session.detail())
    return ConnectorResult(status=Status.OK, data=data, detail=" ".join(detail))


def _status(session: ZakenSession, status: dict, fields: tuple[str, ...]) -> dict:
    compact = {key: status.get(key) for key in STATUS_KEYS_OF_ZAAK}
    statustype = {"url": status.get("statustype"), **dict.fromkeys(STATUSTYPE_HISTORY_KEYS)}
    if needs_statustype_history(fields):
        found = session.reference(status.get("statustype"), STATUSTYPE_HISTORY_KEYS)
        statustype.update({key: (found or {}).get(key) for key in STATUSTYPE_HISTORY_KEYS})
    compact["statustype"] = statustype
    return compact


def _rol(rol: dict) -> dict:
    compact = {key: rol.get(key) for key in ROL_KEYS_OF_ZAAK}
    identificatie = rol.get("betrokkeneIdentificatie")
    keys = BETROKKENE_KEYS.get(rol.get("betrokkeneType"), ())
    compact["betrokkeneIdentificatie"] = (
        {key: identificatie.get(key) for key in keys if key in identificatie} if isinstance(identificatie, dict) else None
    )
    return compact


def _zaakobject(zaakobject: dict) -> dict:
    compact = {key: zaakobject.get(key) for key in ZAAKOBJECT_KEYS}
    identificatie = zaakobject.get("objectIdentificatie")
    compact["objectIdentificatie"] = (
        {"identificatie": identificatie.get("identificatie")} if isinstance(identificatie, dict) else None
    )
    return compact


def _gerelateerde_zaken(
    session: ZakenSession, request: ConnectorRequest, zaak_url: str, expand: list[str]
) -> ConnectorResult:
    zaak = session.get_json(session.zaken, zaak_url, allow_404=True, headers={**JSON_HEADERS, "Accept-Crs": "EPSG:4326"})
    if zaak is None:
        return ConnectorResult(status=Status.NOT_FOUND, detail="The Zaken API has no zaak at this URL.")
    if not isinstance(zaak, dict) or zaak.get("url") not in (None, zaak_url):
        raise ConnectorError("The Zaken API answered with another zaak than asked; dropped.")
    aard: dict[str, str] = {}
    for relevant in zaak.get("relevanteAndereZaken") or []:
        if isinstance(relevant, dict) and isinstance(relevant.get("url"), str):
            aard.setdefault(relevant["url"], relevant.get("aardRelatie") or "")
    if isinstance(zaak.get("hoofdzaak"), str):
        aard.setdefault(zaak["hoofdzaak"], "hoofdzaak")
    for deelzaak in zaak.get("deelzaken") or []:
        if isinstance(deelzaak, str):
            aard.setdefault(deelzaak, "deelzaak")
    aard.pop(zaak_url, None)
    foreign = [url for url in aard if _uuid_of(session, url) is None]
    wanted = [url for url in aard if url not in foreign][: session.options.max_zaken]
    zaken = _zaken_by_url(session, wanted, expand)
    fields = tuple(request.fields)
    data = []
    for url, related in zaken.items():
        compact = compact_zaak(session, dict(related, url=url), fields)
        compact["aardRelatie"] = aard[url]
        data.append(compact)
    detail = []
    if not aard:
        detail.append("This zaak has no related zaken.")
    if foreign:
        detail.append(f"{len(foreign)} related zaak URL(s) outside the Zaken server were not followed.")
    missing = len(wanted) - len(zaken)
    if missing:
        detail.append(f"{missing} related zaak(en) could not be read.")
    detail.extend(session.detail())
    return ConnectorResult(status=Status.OK, data=_newest_first(data), detail=" ".join(detail))
