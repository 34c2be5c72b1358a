"""Insight: "what has been done with my data" (regie op eigen gegevens), for the citizen themself.

The processing records about the login's own subject, found through its keyed pseudonym (the
same HMAC the log uses; nothing else selects them, so another person's record can never be
among them), newest first, paged, as JSON or CSV. Each entry says when, by which organisation and
system, in which role (API client, employee, the citizen themself, a gezaghouder; never the
employee's name or the end user's id), for which purpose and on which legal basis, with which
profile, which sources with their status, which field names, and the outcome.

Reading it is itself a processing, logged first (fail closed: without the record, no insight).
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from typing import Any, Iterator


from profiles.access.models import Purpose
from profiles.organisations.selectors import organisation_as_citizens_see_it, organisation_scope
from profiles.processing_log.export import FORMULA_START
from profiles.processing_log.inspection import processing_records_for_subject
from profiles.processing_log.models import ProcessingRecord
from profiles.refusals import InvalidSubject
from profiles.services.self_service.admission import citizen_admit
from profiles.services.self_service.citizen import Citizen
from profiles.services.self_service.records import GEZAGHOUDER_PREFIX, self_service_record
from profiles.subjects import Subject
from profiles.tracing import TraceContext

INSIGHT_PURPOSE = "inzage-eigen-gegevens"
MAX_PAGE_SIZE = 100
# The CSV download holds at most this many records (the newest).
MAX_CSV_ROWS = 10_000
INSIGHT_FIELDS = [
    "at", "action", "organisation", "system", "role", "purpose", "legalBasis", "processingActivity",
    "profile", "sources", "fields", "outcome", "traceId",
]
ROLES = {
    "api_client": "application",
    "oidc": "employee",
    "user": "employee",
    "self_service": "you (self-service)",
}
CSV_COLUMNS = [
    "at", "action", "organisation", "system", "role", "purpose", "purposeName", "legalBasis",
    "processingActivity", "profile", "sources", "fields", "outcome", "traceId",
]


@dataclass(frozen=True)
class InsightPage:
    count: int
    page: int
    page_size: int
    results: list[dict[str, Any]]


# IKO's own purposes (not in the purpose register): what they are for and on which legal basis.
OWN_PURPOSES = {
    INSIGHT_PURPOSE: ("Showing you what has been done with your data", "AVG (GDPR) art. 15: right of access"),
    "toestemming": ("Keeping track of your consents", "AVG (GDPR) art. 7(1): demonstrating consent"),
    "verwerkingenlog-inzage": (
        "The privacy officer checking the processing log", "AVG (GDPR) art. 5(2): accountability",
    ),
}


def _role(record: ProcessingRecord) -> str:
    if record.actor_type == "self_service" and record.on_behalf_of.startswith(GEZAGHOUDER_PREFIX):
        return "your gezaghouder (self-service)"
    if record.actor_type == "user" and record.calling_system == "admin":
        return "employee (IKO administration)"
    return ROLES.get(record.actor_type, "employee")


def _entry(record: ProcessingRecord, purposes: dict[str, Purpose]) -> dict[str, Any]:
    purpose = purposes.get(record.purpose_code)
    own = OWN_PURPOSES.get(record.purpose_code, ("", ""))
    return {
        "at": (record.started_at or record.created_at).isoformat(),
        "action": record.action,
        "organisation": organisation_as_citizens_see_it(record.organisation_id),
        # The calling application (an API client's name, a token's client, "admin"), never a person.
        "system": record.calling_system,
        "role": _role(record),
        "purpose": {
            "code": record.purpose_code,
            "name": purpose.name if purpose else own[0],
            "legalBasis": purpose.legal_basis if purpose else own[1],
        },
        "processingActivity": record.processing_activity_id,
        "profile": record.profile_name,
        "sources": [{"name": name, "status": status} for name, status in sorted((record.sources or {}).items())],
        "fields": list(record.fields_released or []),
        "outcome": record.outcome,
        "traceId": record.trace_id,
    }


def _purposes(records: list[ProcessingRecord], organisation_id: int | None) -> dict[str, Purpose]:
    codes = {r.purpose_code for r in records if r.purpose_code}
    purposes = Purpose.objects.filter(organisation_id=organisation_scope(organisation_id), code__in=codes)
    return {p.code: p for p in purposes} if codes else {}


def _own(citizen: Citizen, subject_type: str | None) -> Subject:
    subject = citizen.own(subject_type) if subject_type else citizen.subjects[0]
    if subject is None:
        raise InvalidSubject(f"This login names no {subject_type}.")
    return subject


def _logged(*, citizen: Citizen, subject: Subject, trace: TraceContext, action: str) -> None:
    citizen_admit(citizen=citizen, action=action, trace=trace)
    self_service_record(
        citizen=citizen, subject=subject, action=action, trace=trace, started=time.monotonic(),
        purpose_code=INSIGHT_PURPOSE, outcome=ProcessingRecord.Outcome.COMPLETE, http_status=200,
        fields_released=INSIGHT_FIELDS,
    )


def insight_page(*, citizen: Citizen, subject_type: str | None, page: int, page_size: int,
                 trace: TraceContext) -> InsightPage:
    """One page of the records about the citizen's own subject, newest first (logged first)."""
    subject = _own(citizen, subject_type)
    _logged(citizen=citizen, subject=subject, trace=trace, action="self-service-insight")
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    records = processing_records_for_subject(subject=subject, organisation_id=citizen.organisation_id)
    count = records.count()
    start = (max(1, page) - 1) * page_size
    rows = list(records[start:start + page_size])
    purposes = _purposes(rows, citizen.organisation_id)
    return InsightPage(count=count, page=max(1, page), page_size=page_size,
                       results=[_entry(r, purposes) for r in rows])


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell that starts like a formula (CSV injection).
    return "'" + text if text.startswith(FORMULA_START) else text


def insight_csv(*, citizen: Citizen, subject_type: str | None, trace: TraceContext) -> Iterator[str]:
    """CSV lines (header first) of the newest records about the citizen's own subject (logged first)."""
    subject = _own(citizen, subject_type)
    _logged(citizen=citizen, subject=subject, trace=trace, action="self-service-insight-export")
    rows = list(processing_records_for_subject(subject=subject, organisation_id=citizen.organisation_id)[:MAX_CSV_ROWS])
    purposes = _purposes(rows, citizen.organisation_id)

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield writer.writerow(CSV_COLUMNS)
        for record in rows:
            entry = _entry(record, purposes)
            yield writer.writerow([_cell(v) for v in (
                entry["at"], entry["action"], entry["organisation"]["name"], entry["system"], entry["role"],
                entry["purpose"]["code"], entry["purpose"]["name"], entry["purpose"]["legalBasis"],
                entry["processingActivity"], entry["profile"],
                ";".join(f"{s['name']}={s['status']}" for s in entry["sources"]),
                ";".join(entry["fields"]), entry["outcome"], entry["traceId"],
            )])

    return lines()
