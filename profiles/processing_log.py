"""Writing, exporting and purging the processing log (verwerkingenlog).

- `processing_record_write` writes one record to the configured sink(s), `IKO_PROCESSING_LOG_SINK`:
  `database` (the `ProcessingRecord` table, the default), `verwerkingenlogging` (an external GEMMA
  Verwerkingenlogging Bewerking API, `POST /verwerkingsacties`) or `both`. Every configured sink
  is required: if one cannot take the record, `ProcessingLogUnavailable` is raised and the caller
  releases no personal data (fail closed, ARCHITECTURE.md section 3, step 7).
- `verwerkingsactie_from_record` maps a record onto the Verwerkingenlogging API 0.9.0
  (../shared/specs/verwerkingenlogging/bewerking-api-openapi.yaml, `VerwerkingsactieUitgebreidBasis`).
  That API is built to be searched by BSN (its Inzage API answers a citizen's "who looked at my
  data?"), so the record sent there holds the subject's identifier itself, not the pseudonym; it
  never holds the data.
- `processing_records_csv` is the privacy officer's export; `processing_log_purge` applies the
  retention period `IKO_PROCESSING_LOG_RETENTION_DAYS`.

Field names follow the Logboek Dataverwerkingen (../shared/specs/README.md, section 7b).
"""

from __future__ import annotations

import csv
import logging
import threading
import time
import uuid
from datetime import datetime, timedelta
from typing import Any, Iterable, Iterator

import requests
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from .models import ProcessingRecord
from .subjects import Subject

logger = logging.getLogger(__name__)

SINKS = ("database", "verwerkingenlogging", "both")
SYSTEM = "IKO"
# Verwerkingenlogging's words for our subject types (its objecttype enum has only "persoon").
SOORT_OBJECT_ID = {"bsn": "BSN", "kvk": "KVK"}
ACTION_NAMES = {
    "view": "Raadplegen",
    "preview": "Raadplegen (voorbeeld in beheer)",
    "search": "Zoeken",
    "inspection": "Inzien verwerkingenlog",
    "inspection-export": "Exporteren verwerkingenlog",
    # Regelingen (profiles/regelingen): evaluating them for a subject, and prefilling a form.
    "suggestions": "Toetsen aan regelingen",
    "prefill": "Raadplegen (vooringevuld formulier)",
}


class ProcessingLogUnavailable(Exception):
    """The processing record could not be written, so no personal data may go out."""


def processing_log_sinks() -> tuple[str, ...]:
    sink = getattr(settings, "IKO_PROCESSING_LOG_SINK", "database")
    return ("database", "verwerkingenlogging") if sink == "both" else (sink,)


def processing_record_write(*, fields: dict[str, Any], subject: Subject | None = None) -> None:
    """Write one record to every configured sink, or raise ProcessingLogUnavailable."""
    sinks = processing_log_sinks()
    if "database" in sinks:
        _database_write(fields)
    if "verwerkingenlogging" in sinks:
        _verwerkingenlogging_write(fields, subject)


def _database_write(fields: dict[str, Any]) -> None:
    try:
        # A savepoint: a failed insert must not break the caller's transaction.
        with transaction.atomic():
            ProcessingRecord.objects.create(**fields)
    except DatabaseError as exc:
        logger.error("The processing record could not be written to the database (%s).", type(exc).__name__)
        raise ProcessingLogUnavailable(type(exc).__name__) from None


# --- the external Verwerkingenlogging API ----------------------------------------------------------


def _uuid_or_none(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        return None


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return timezone.now().isoformat()


def verwerkingsactie_from_record(fields: dict[str, Any], subject: Subject | None) -> dict[str, Any]:
    """One record as a Verwerkingenlogging `verwerkingsactie` (only what we know; 242-char limits)."""
    activity = fields.get("processing_activity_id", "") or ""
    body: dict[str, Any] = {
        "actieNaam": ACTION_NAMES.get(fields.get("action", "view"), fields.get("action", "view"))[:242],
        "handelingNaam": f"Profiel {fields.get('profile_name', '')}"[:242],
        "verwerkingNaam": (fields.get("purpose_code") or "")[:242],
        # The W3C trace id is 16 random bytes: the same verwerking across all systems involved.
        "verwerkingId": str(uuid.UUID(fields["trace_id"])),
        "vertrouwelijkheid": "vertrouwelijk",
        "bewaartermijn": f"P{int(settings.IKO_PROCESSING_LOG_RETENTION_DAYS)}D",
        "systeem": SYSTEM,
        "gebruiker": (fields.get("on_behalf_of") or fields.get("actor") or "")[:40],
        "gegevensbron": ", ".join(sorted(fields.get("sources") or {}))[:242],
        "tijdstip": _iso(fields.get("started_at")),
        "verwerkteObjecten": [],
    }
    if activity.startswith(("https://", "http://")):
        body["verwerkingsactiviteitUrl"] = activity[:2042]
        activity_id = _uuid_or_none(activity.rstrip("/").rsplit("/", 1)[-1])
    else:
        activity_id = _uuid_or_none(activity)
    if activity_id:
        body["verwerkingsactiviteitId"] = activity_id
    oin = getattr(settings, "IKO_ORGANISATION_OIN", "")
    if oin:
        body["uitvoerder"] = oin
    if subject is not None:
        body["verwerkteObjecten"].append({
            "objecttype": "persoon",
            "soortObjectId": SOORT_OBJECT_ID.get(subject.type, subject.type.upper()),
            "objectId": subject.value,
            "betrokkenheid": "Betrokkene",
            "verwerkteSoortenGegevens": [
                {"soortGegeven": name[:242]} for name in (fields.get("fields_released") or [])
            ],
        })
    return body


_service_lock = threading.Lock()
_service_cache: dict[str, tuple[float, Any]] = {}
SERVICE_CACHE_SECONDS = 60.0


def _verwerkingenlogging_service():
    from zgw_consumers.models import Service

    slug = getattr(settings, "IKO_VERWERKINGENLOGGING_SERVICE", "")
    if not slug:
        raise ProcessingLogUnavailable("IKO_VERWERKINGENLOGGING_SERVICE is not set.")
    entry = _service_cache.get(slug)
    if entry is not None and time.monotonic() - entry[0] < SERVICE_CACHE_SECONDS:
        return entry[1]
    try:
        service = Service.objects.filter(slug=slug).first()
    except DatabaseError:
        service = None
    if service is None:
        raise ProcessingLogUnavailable(f"No server with slug {slug!r} for the Verwerkingenlogging API.")
    with _service_lock:
        _service_cache[slug] = (time.monotonic(), service)
    return service


def verwerkingenlogging_cache_clear() -> None:
    with _service_lock:
        _service_cache.clear()


def _verwerkingenlogging_write(fields: dict[str, Any], subject: Subject | None) -> None:
    from ape_pie import APIClient
    from zgw_consumers.client import build_client

    service = _verwerkingenlogging_service()
    body = verwerkingsactie_from_record(fields, subject)
    timeout = float(getattr(settings, "IKO_VERWERKINGENLOGGING_TIMEOUT_SECONDS", 5.0))
    try:
        with build_client(service, client_factory=APIClient) as client:
            response = client.post(
                "verwerkingsacties", json=body, timeout=(min(timeout, 5.0), timeout), allow_redirects=False,
                headers={"Accept": "application/json", "Content-Type": "application/json"},
            )
    except requests.RequestException as exc:
        logger.error("The Verwerkingenlogging API could not be reached (%s).", type(exc).__name__)
        raise ProcessingLogUnavailable(type(exc).__name__) from None
    if response.status_code not in (200, 201):
        # The body may echo what we sent (the BSN): log only the status.
        logger.error("The Verwerkingenlogging API refused the record (HTTP %s).", response.status_code)
        raise ProcessingLogUnavailable(f"HTTP {response.status_code}")


# --- export --------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "created_at", "started_at", "duration_ms", "action", "outcome", "ldv_status", "http_status", "reason",
    "trace_id", "span_id", "parent_span_id", "processing_activity_id", "purpose_code",
    "actor", "actor_type", "calling_system", "on_behalf_of", "grant_id",
    "profile_name", "profile_version", "subject_type", "subject_pseudonym",
    "sources", "fields_released", "fields_withheld",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        value = ";".join(f"{k}={v}" for k, v in sorted(value.items()))
    elif isinstance(value, (list, tuple)):
        value = ";".join(str(v) for v in value)
    text = str(value)
    # A spreadsheet would run a cell that starts like a formula (CSV injection).
    return "'" + text if text.startswith(FORMULA_START) else text


def processing_records_csv(records: Iterable[ProcessingRecord]) -> Iterator[str]:
    """CSV lines (header first) of the records, for a streaming download."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for record in records:
        yield writer.writerow([_cell(getattr(record, column)) for column in CSV_COLUMNS])


# --- the privacy officer's inspection ------------------------------------------------------------

INSPECTION_PURPOSE = "verwerkingenlog-inzage"


def processing_log_inspect(
    *, subject: Subject, username: str, export: bool = False, purpose_code: str = "", actor: str = "",
    since=None, until=None,
):
    """The records about one subject, for the privacy officer; newest first.

    Looking up a person in the log is itself a processing of (pseudonymised) personal data, so it
    is logged first, like any other, and fails closed: ProcessingLogUnavailable, no records.
    """
    from .pseudonyms import subject_pseudonym
    from .selectors import processing_records_for_subject
    from .tracing import trace_from_header

    started = time.monotonic()
    trace = trace_from_header(None)
    processing_record_write(
        fields={
            "action": "inspection-export" if export else "inspection",
            "started_at": timezone.now(),
            "trace_id": trace.trace_id,
            "span_id": trace.span_id,
            "actor": f"user:{username}",
            "actor_type": "user",
            "calling_system": "admin",
            "on_behalf_of": username,
            "purpose_code": INSPECTION_PURPOSE,
            "profile_name": "",
            "subject_type": subject.type,
            "subject_pseudonym": subject_pseudonym(subject_type=subject.type, value=subject.value),
            "outcome": ProcessingRecord.Outcome.COMPLETE,
            "http_status": 200,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
        },
        subject=subject,
    )
    return processing_records_for_subject(
        subject=subject, purpose_code=purpose_code, actor=actor, since=since, until=until
    )


# --- retention -----------------------------------------------------------------------------------


def processing_log_cutoff(*, now: datetime | None = None) -> datetime:
    days = int(settings.IKO_PROCESSING_LOG_RETENTION_DAYS)
    if days < 1:
        raise ValueError("IKO_PROCESSING_LOG_RETENTION_DAYS must be at least 1.")
    return (now or timezone.now()) - timedelta(days=days)


def processing_log_purge(*, dry_run: bool = False, now: datetime | None = None) -> tuple[int, datetime]:
    """Delete the records older than the retention period; (how many, the cutoff)."""
    cutoff = processing_log_cutoff(now=now)
    expired = ProcessingRecord.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return expired.count(), cutoff
    return ProcessingRecord.objects.purge_created_before(cutoff), cutoff
