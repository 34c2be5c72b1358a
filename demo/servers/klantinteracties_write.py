"""`POST maak-klantcontact` of the demo Open Klant server: a klantcontact with its betrokkene and
onderwerpobject in one request, written all or nothing, as Open Klant does.

Spec: the Klantinteracties API 0.9.0 (`MaakKlantcontact`). The request is
checked as Open Klant's serializers would (required fields, lengths, the rol enum, a `wasPartij`
that exists) before anything is stored; the three records then appear in the server's lists, so
a view made afterwards shows the new klantcontact. This is the demo server's only write.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from .base import ProblemError

_lock = threading.Lock()
ROLLEN = ("klant", "vertegenwoordiger")
KLANTCONTACT_LIMITS = {"kanaal": 50, "onderwerp": 200, "inhoud": 1000, "reactie": 4000, "taal": 3}
IDENTIFICATOR_FIELDS = ("objectId", "codeObjecttype", "codeRegister", "codeSoortObjectId")


def _invalid(name: str, reason: str, code: str = "invalid") -> ProblemError:
    return ProblemError(400, "Invalid input.", code="invalid", detail="Ongeldige invoer.", extra={
        "invalidParams": [{"name": name, "code": code, "reason": reason}]
    })


def _klantcontact_fields(body: Any) -> dict:
    if not isinstance(body, dict):
        raise _invalid("klantcontact", "Dit veld is vereist.", "required")
    for name in ("kanaal", "onderwerp", "taal", "vertrouwelijk"):
        if name not in body:
            raise _invalid(f"klantcontact.{name}", "Dit veld is vereist.", "required")
    for name, limit in KLANTCONTACT_LIMITS.items():
        value = body.get(name, "")
        if not isinstance(value, str) or len(value) > limit:
            raise _invalid(f"klantcontact.{name}", f"Zorg ervoor dat dit veld niet meer dan {limit} tekens bevat.", "max_length")
    if not isinstance(body["vertrouwelijk"], bool):
        raise _invalid("klantcontact.vertrouwelijk", "Moet een geldige boolean zijn.")
    return {
        "nummer": None,
        "kanaal": body["kanaal"],
        "onderwerp": body["onderwerp"],
        "inhoud": body.get("inhoud", ""),
        "reactie": body.get("reactie", ""),
        "indicatieContactGelukt": body.get("indicatieContactGelukt"),
        "verdereActieOndernomen": bool(body.get("verdereActieOndernomen", False)),
        "taal": body["taal"],
        "vertrouwelijk": body["vertrouwelijk"],
        "plaatsgevondenOp": body.get("plaatsgevondenOp"),
        "metadata": body.get("metadata") or {},
    }


def maak_klantcontact(handler) -> None:
    """Handle `POST .../maak-klantcontact` for a `KlantinteractiesRequestHandler`."""
    data = handler.data
    body = handler.read_json_body()
    if not isinstance(body, dict):
        raise _invalid("body", "Ongeldige data. Verwacht een dictionary.")
    fields = _klantcontact_fields(body.get("klantcontact"))
    betrokkene_body, onderwerp_body = body.get("betrokkene"), body.get("onderwerpobject")
    partij = None
    if betrokkene_body is not None:
        if not isinstance(betrokkene_body, dict) or betrokkene_body.get("rol") not in ROLLEN:
            raise _invalid("betrokkene.rol", "Selecteer een geldige keuze.", "invalid_choice")
        if not isinstance(betrokkene_body.get("initiator"), bool):
            raise _invalid("betrokkene.initiator", "Dit veld is vereist.", "required")
        was = betrokkene_body.get("wasPartij")
        if was is not None:
            partij = data.tables["partijen"].get(str((was or {}).get("uuid")) if isinstance(was, dict) else "")
            if partij is None:
                raise _invalid("betrokkene.wasPartij.uuid", "Ongeldige partij.", "does_not_exist")
    identificator = None
    if onderwerp_body is not None:
        raw = onderwerp_body.get("onderwerpobjectidentificator") if isinstance(onderwerp_body, dict) else None
        if raw is not None and not (isinstance(raw, dict) and all(
            isinstance(raw.get(k, ""), str) and len(raw.get(k, "")) <= 200 for k in IDENTIFICATOR_FIELDS
        )):
            raise _invalid("onderwerpobject.onderwerpobjectidentificator", "Ongeldige invoer.")
        identificator = {k: raw.get(k, "") for k in IDENTIFICATOR_FIELDS} if raw else None

    # Everything checked: store the three records together.
    with _lock:
        number = len(data.tables["klantcontacten"]) + 1
        klantcontact = _new(data, "klantcontacten", {
            "gingOverOnderwerpobjecten": [], "hadBetrokkenActoren": [], "omvatteBijlagen": [],
            "hadBetrokkenen": [], "leiddeTotInterneTaken": [], "referentienummer": f"{number:010d}", **fields,
        })
        answer: dict[str, Any] = {"klantcontact": klantcontact, "betrokkene": None, "onderwerpobject": None}
        if betrokkene_body is not None:
            identificatie = (partij or {}).get("partijIdentificatie") or {}
            betrokkene = _new(data, "betrokkenen", {
                "wasPartij": _ref(partij) if partij else None,
                "hadKlantcontact": _ref(klantcontact),
                "digitaleAdressen": [],
                "bezoekadres": None,
                "correspondentieadres": None,
                "contactnaam": identificatie.get("contactnaam"),
                "volledigeNaam": identificatie.get("volledigeNaam") or identificatie.get("naam") or "",
                "rol": betrokkene_body["rol"],
                "organisatienaam": str(betrokkene_body.get("organisatienaam") or "")[:200],
                "initiator": betrokkene_body["initiator"],
            })
            klantcontact["hadBetrokkenen"].append(_ref(betrokkene))
            if partij is not None:
                partij["betrokkenen"].append(_ref(betrokkene))
            answer["betrokkene"] = betrokkene
        if onderwerp_body is not None:
            onderwerp = _new(data, "onderwerpobjecten", {
                "klantcontact": _ref(klantcontact), "wasKlantcontact": None,
                "onderwerpobjectidentificator": identificator,
            })
            klantcontact["gingOverOnderwerpobjecten"].append(_ref(onderwerp))
            answer["onderwerpobject"] = onderwerp
    handler.send_json(201, answer, headers={"API-version": handler.api_version})


def _ref(record: dict) -> dict:
    return {"uuid": record["uuid"], "url": record["url"]}


def _new(data, resource: str, fields: dict) -> dict:
    key = str(uuid.uuid4())
    record = {"uuid": key, "url": f"{data.root}/{resource}/{key}", **fields}
    data.tables[resource][key] = record
    return record
