"""The one write operation of the Klantinteracties connector: a citizen's report as a klantcontact.

A citizen or company reports that data is wrong, or asks for data to be removed; IKO forwards it to
the municipality as a klantcontact in Open Klant, under the reporter's own partij, with an
onderwerpobject naming the register and record the report is about. Spec: the Klantinteracties
API 0.9.0 (Open Klant 2.x), `POST /maak-klantcontact` with a `MaakKlantcontact`.

How the three records relate: a `klantcontact` is the contact itself; a `betrokkene` ties a partij
to it (`wasPartij`, `hadKlantcontact`, with a rol: klant); an `onderwerpobject` says what it was
about (`klantcontact`, `onderwerpobjectidentificator`). A betrokkene or onderwerpobject without its
klantcontact would be dangling, and a klantcontact without betrokkene is a report nobody made. So
all three are created in one request, `POST maak-klantcontact`, which Open Klant writes in one
database transaction: either the whole report is registered or nothing is. The only request
before it reads the partij (`GET partijen` with the identificator filters, each partij checked to
carry exactly the reporter's BSN or KVK number, as the read operations do), so when Open Klant is
unreachable nothing has been written. When the write itself times out IKO cannot know whether
Open Klant registered it, and says so.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ...base import ConnectorError, SourceConfig, Status
from ...errors import http_error
from ...http import SourceHttp
from ...listing import REFUSE, ListRequest, Paging, collect, drf_page
from .subject import Subject

TITLE = "Open Klant"
PATH = "maak-klantcontact"
# A lookup by identificator finds one partij, seldom a few (as in plugin.py).
PARTIJ_LOOKUP_PAGE_SIZE = 10
HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}
READ_HEADERS = {"Accept": "application/json"}
# Klantcontact limits of the spec.
MAX_ONDERWERP = 200
MAX_INHOUD = 1000
MAX_KANAAL = 50


class NoPartij(ConnectorError):
    """Open Klant has no partij for the reporter: there is nobody to register the report under."""


@dataclass(frozen=True)
class Report:
    """What a citizen reports, as it goes to Open Klant."""

    subject_type: str  # bsn | kvk: the reporter, whose partij the klantcontact is registered under
    subject_value: str
    onderwerp: str  # e.g. "Onjuiste gegevens: brp persoon.naam.volledigeNaam"
    inhoud: str  # the citizen's explanation
    kanaal: str  # e.g. "mijn-omgeving"
    # What the report is about: codeRegister, codeObjecttype, codeSoortObjectId, objectId.
    onderwerpobject: dict[str, str]


@dataclass(frozen=True)
class Registered:
    uuid: str
    url: str
    referentienummer: str


def _partij_uuid(http: SourceHttp, subject: Subject) -> str:
    found = collect(
        http, ListRequest("partijen", subject.filters("partijIdentificator__"), READ_HEADERS),
        paging=Paging(read=drf_page(TITLE), page_size=PARTIJ_LOOKUP_PAGE_SIZE, number_first_page=False),
        cap=PARTIJ_LOOKUP_PAGE_SIZE,
        keep=lambda partij: partij if subject.identifies(partij) else None,
        strangers=REFUSE, title=TITLE, noun="partijen", subject_label=subject.label,
    )
    if not found.items:
        raise NoPartij(f"Open Klant has no partij with this {subject.label}.", Status.NOT_FOUND)
    partij = next((p for p in found.items if p.get("indicatieActief")), found.items[0])
    try:
        return str(uuid_module.UUID(str(partij.get("uuid"))))
    except ValueError:
        raise ConnectorError("Open Klant answered with a partij without a valid uuid.") from None


def report_body(report: Report, partij_uuid: str, *, now: datetime | None = None) -> dict[str, Any]:
    """The `MaakKlantcontact` request: klantcontact, betrokkene (the reporter) and onderwerpobject."""
    moment = (now or datetime.now(timezone.utc)).isoformat()
    return {
        "klantcontact": {
            "kanaal": report.kanaal[:MAX_KANAAL],
            "onderwerp": report.onderwerp[:MAX_ONDERWERP],
            "inhoud": report.inhoud[:MAX_INHOUD],
            "taal": "nld",
            # What a citizen writes about their own data is treated as confidential.
            "vertrouwelijk": True,
            "indicatieContactGelukt": True,
            "plaatsgevondenOp": moment,
        },
        "betrokkene": {
            "wasPartij": {"uuid": partij_uuid},
            "rol": "klant",
            "initiator": True,
            "organisatienaam": "",
        },
        "onderwerpobject": {
            "wasKlantcontact": None,
            "onderwerpobjectidentificator": {
                key: str(report.onderwerpobject.get(key, ""))[:200]
                for key in ("objectId", "codeObjecttype", "codeRegister", "codeSoortObjectId")
            },
        },
    }


def klantcontact_report_create(*, source: SourceConfig, report: Report) -> Registered:
    """Register the report in Open Klant; raises NoPartij or ConnectorError (nothing written then,
    except after a timeout of the write itself, which the error's detail says)."""
    subject = Subject(report.subject_type, report.subject_value)
    http = SourceHttp(source)
    partij_uuid = _partij_uuid(http, subject)
    try:
        response = http.request("POST", PATH, json_body=report_body(report, partij_uuid), headers=HEADERS)
    except ConnectorError as exc:
        if exc.status is Status.TIMEOUT:
            raise ConnectorError(
                "Open Klant did not confirm the report in time: it may or may not have registered it.",
                Status.TIMEOUT,
            ) from None
        raise
    if response.status_code != 201:
        # Open Klant writes the three records in one transaction: an error answer wrote none.
        raise http_error(response, TITLE)
    answer = response.json()
    klantcontact = answer.get("klantcontact") if isinstance(answer, dict) else None
    betrokkene = answer.get("betrokkene") if isinstance(answer, dict) else None
    if not isinstance(klantcontact, dict) or not klantcontact.get("uuid"):
        raise ConnectorError("Open Klant answered without the klantcontact it registered.")
    was_partij = betrokkene.get("wasPartij") if isinstance(betrokkene, dict) else None
    if not isinstance(was_partij, dict) or str(was_partij.get("uuid")) != partij_uuid:
        raise ConnectorError("Open Klant registered the report under another partij than asked.")
    return Registered(
        uuid=str(klantcontact["uuid"]),
        url=str(klantcontact.get("url") or ""),
        referentienummer=str(klantcontact.get("referentienummer") or ""),
    )
