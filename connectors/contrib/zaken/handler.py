"""The department that handles a zaak: the zaak's rol with betrokkeneType `organisatorische_eenheid`.

Spec: the ZGW Zaken API 1.5.1: `GET rollen?zaak=<url>&
betrokkeneType=organisatorische_eenheid`; such a rol's `betrokkeneIdentificatie` is a
`OrganisatorischeEenheidIdentificatie` (`identificatie`, `naam`, `isGehuisvestIn`). A citizen's
mijn-omgeving shows it beside the zaak's status, as GEMMA's customer perspective asks ("who handles
my case"). The API ignores unknown filters and then lists every rol, so each rol is checked to be
of this zaak and of that type; a rol of a medewerker (a person's name) is never returned. When a
zaak has several, the one with `omschrijvingGeneriek` behandelaar wins.

Operation `behandelende_afdeling` (param "url", the zaak's URL under the Zaken server), one object:
    {"identificatie", "naam", "rolOmschrijving", "rolOmschrijvingGeneriek"}
"""

from __future__ import annotations

from django.utils.translation import gettext_noop  # the admin's editor translates the descriptions

from ...base import ConnectorError, ConnectorRequest, ConnectorResult, Operation, Status
from ...params import Param
from .fields import ZAAK_PATH
from .session import ZakenSession

BEHANDELENDE_AFDELING = "behandelende_afdeling"
ORGANISATORISCHE_EENHEID = "organisatorische_eenheid"
AFDELING_FIELDS = ("identificatie", "naam", "rolOmschrijving", "rolOmschrijvingGeneriek")
# A zaak has one handling department, seldom a few; more means a filter was ignored.
MAX_ROLLEN = 20

AFDELING_OPERATION = Operation(
    name=BEHANDELENDE_AFDELING,
    description=gettext_noop("The department (organisatorische eenheid) that handles a zaak, by the zaak's URL."),
    subject_types=(),
    fields=AFDELING_FIELDS,
    params=("url",),
    parameters=(Param("url", max_length=1000, required=True),),
)


def afdeling_fetch(session: ZakenSession, request: ConnectorRequest) -> ConnectorResult:
    url = request.params.get("url")
    root = session.zaken.api_root
    if not (isinstance(url, str) and session.zaken.is_own_url(url) and ZAAK_PATH.fullmatch(url[len(root):])):
        raise ConnectorError("Refused a zaak URL that is not a zaak of the configured Zaken server.")
    rollen, cut, _ = session.pages(
        "rollen", {"zaak": url, "betrokkeneType": ORGANISATORISCHE_EENHEID}, limit=MAX_ROLLEN
    )
    own = [
        rol for rol in rollen
        if rol.get("zaak") == url and rol.get("betrokkeneType") == ORGANISATORISCHE_EENHEID
        and isinstance(rol.get("betrokkeneIdentificatie"), dict)
    ]
    notes = []
    if len(own) < len(rollen):
        notes.append(f"Ignored {len(rollen) - len(own)} rollen of other zaken or other betrokkenen.")
    if cut:
        notes.append(f"Read the first {MAX_ROLLEN} rollen only.")
    if not own:
        return ConnectorResult(
            status=Status.NOT_FOUND, detail=" ".join(["No department (organisatorische eenheid) handles this zaak.", *notes])
        )
    rol = next((r for r in own if r.get("omschrijvingGeneriek") == "behandelaar"), own[0])
    eenheid = rol["betrokkeneIdentificatie"]
    data = {
        "identificatie": eenheid.get("identificatie"),
        "naam": eenheid.get("naam"),
        "rolOmschrijving": rol.get("omschrijving"),
        "rolOmschrijvingGeneriek": rol.get("omschrijvingGeneriek"),
    }
    return ConnectorResult(status=Status.OK, data=data, detail=" ".join(notes + session.detail()))
