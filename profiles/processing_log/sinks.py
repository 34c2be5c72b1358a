"""Writing the processing log (verwerkingenlog) to its sinks.

- `processing_record_write` writes one record to the configured sink(s), `IKO_PROCESSING_LOG_SINK`:
  `database` (the `ProcessingRecord` table, the default), `verwerkingenlogging` (an external GEMMA
  Verwerkingenlogging Bewerking API, `POST /verwerkingsacties`) or `both`. Every configured sink
  is required: if one cannot take the record, `ProcessingLogUnavailable` is raised and the caller
  releases no personal data (fail closed, docs/developer/architecture.md, step 8).
- `processing_record_open` and `processing_record_complete`: for a use case that asks sources. The
  record is written as pending *before* the first source call, so a source (the BRP protocols
  every provision) never provides data that IKO has no record of: when the log cannot be
  written, no source is asked at all. It is completed with the outcome afterwards (the database
  row once, with one prepared UPDATE by its primary key (the rules of
  `ProcessingRecordQuerySet.complete_pending`); the external verwerkingsactie with
  `PUT /verwerkingsacties/{actieId}`); if that fails, nothing is released either.
- `verwerkingsactie_from_record` maps a record onto the Verwerkingenlogging API 0.9.0
  (tests/specs/verwerkingenlogging/bewerking-api-openapi.yaml, `VerwerkingsactieUitgebreidBasis`).
  That API is built to be searched by BSN (its Inzage API answers a citizen's "who looked at my
  data?"), so the record sent there holds the subject's identifier itself, not the pseudonym; it
  never holds the data.

The privacy officer's inspection and its CSV export are in inspection.py and export.py; the
retention period is applied by purge.py.

Field names follow the Logboek Dataverwerkingen (tests/specs/README.md, "Processing logs").
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterator

import requests
from django.conf import settings
from django.db import DatabaseError, OperationalError, connections, router, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from connectors import metrics
from profiles.organisations.selectors import organisation_oin
from connectors.fsc import FscTransactions, fsc_transactions_start, fsc_transactions_stop
from profiles.processing_log.models import ProcessingRecord, completion_check
from profiles.refusals import ProcessingLogUnavailable
from profiles.subjects import Subject

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



def processing_log_sinks() -> tuple[str, ...]:
    sink = getattr(settings, "IKO_PROCESSING_LOG_SINK", "database")
    return ("database", "verwerkingenlogging") if sink == "both" else (sink,)


def processing_record_write(*, fields: dict[str, Any], subject: Subject | None = None) -> None:
    """Write one complete record to every configured sink, or raise ProcessingLogUnavailable.
    For what asks no source (a refusal, an inspection); a use case that asks sources uses
    `processing_record_open` first.

    Every attempt is timed, and a failed one counted (`iko_processing_log_write_*`, connectors/metrics.py).
    """
    with _timed():
        sinks = processing_log_sinks()
        if "database" in sinks:
            _database_write(fields)
        if "verwerkingenlogging" in sinks:
            _verwerkingenlogging_write(fields, subject)


@contextmanager
def _timed():
    """Time a write to the sinks, and count it if it fails (connectors/metrics.py)."""
    started = time.monotonic()
    try:
        yield
    except ProcessingLogUnavailable:
        metrics.processing_log_write_record(seconds=time.monotonic() - started, failed=True)
        raise
    metrics.processing_log_write_record(seconds=time.monotonic() - started, failed=False)


# SQLite has one writer at a time, and a writer that finds the database locked sleeps and tries
# again (1, 2, 5, 10, ... ms): with many threads writing records that made the slowest views
# tens to hundreds of milliseconds slower. The threads of one process take turns here instead,
# so only the other processes' writers can find the database locked.
_sqlite_writer = threading.Lock()


def _database_write(fields: dict[str, Any]) -> int:
    try:
        return _one_statement(_insert, fields)
    except DatabaseError as exc:
        logger.error("The processing record could not be written to the database (%s).", type(exc).__name__)
        raise ProcessingLogUnavailable(type(exc).__name__) from None


def _one_statement(write, *args) -> int:
    """Run `write(connection, *args)`, one statement, as the one writer of this process on SQLite.
    In autocommit (a request) the statement commits by itself: no BEGIN and COMMIT around it."""
    connection = connections[router.db_for_write(ProcessingRecord)]
    with _one_writer(connection):
        if connection.in_atomic_block:
            # A savepoint: a failed statement must not break the caller's transaction.
            with transaction.atomic(using=connection.alias):
                return write(connection, *args)
        return write(connection, *args)  # autocommit: one statement, nothing to roll back


@contextmanager
def _one_writer(connection) -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    # As long as SQLite itself would wait for a locked database (its `timeout` option).
    if not _sqlite_writer.acquire(timeout=float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5))):
        raise OperationalError("database is locked")
    try:
        yield
    finally:
        _sqlite_writer.release()


# The record's statements, made once per process and kind of database: its columns are the model's
# (a new field of ProcessingRecord is written without a change here).
_statements: dict[tuple, tuple[str, list]] = {}


def _statement(connection) -> tuple[str, list]:
    """The INSERT of one processing record for this kind of database, made once per process."""
    statement = _statements.get((connection.vendor, "insert"))
    if statement is None:
        columns = [f for f in ProcessingRecord._meta.concrete_fields if not f.primary_key]
        table = connection.ops.quote_name(ProcessingRecord._meta.db_table)
        names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
        if connection.features.can_return_columns_from_insert:
            # The row's id, for completing a pending record (PostgreSQL, SQLite 3.35+).
            sql += f" RETURNING {connection.ops.quote_name(ProcessingRecord._meta.pk.column)}"
        statement = _statements[(connection.vendor, "insert")] = (sql, columns)
    return statement


def _completion_statement(connection, names: tuple[str, ...]) -> tuple[str, list]:
    """The UPDATE that completes a pending record with these fields (COMPLETION_FIELDS), by its
    primary key and only while it is pending: `complete_pending`'s query, built once."""
    statement = _statements.get((connection.vendor, "complete", names))
    if statement is None:
        meta, quote = ProcessingRecord._meta, connection.ops.quote_name
        columns = [meta.get_field(name) for name in names]
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in columns)
        sql = (f"UPDATE {quote(meta.db_table)} SET {assignments} "
               f"WHERE {quote(meta.pk.column)} = %s AND {quote(meta.get_field('outcome').column)} = %s")
        statement = _statements[(connection.vendor, "complete", names)] = (sql, columns)
    return statement


def _complete_pending(connection, pk: int, fields: dict[str, Any]) -> int:
    """Complete the pending record `pk` with one prepared UPDATE; the number of rows completed
    (0 when it is not pending). The same rules as `ProcessingRecordQuerySet.complete_pending`."""
    completion_check(fields)
    names = tuple(sorted(fields))
    sql, columns = _completion_statement(connection, names)
    values = [f.get_db_prep_save(fields[f.name], connection) for f in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, pk, ProcessingRecord.Outcome.PENDING.value])
        return cursor.rowcount


def _insert(connection, fields: dict[str, Any]) -> int:
    """One prepared INSERT instead of the ORM's save (which builds the same SQL anew each time);
    returns the new row's id.

    The record's values pass the fields' own conversions (defaults, `auto_now_add`, JSON), and
    `post_save` is sent as the ORM would, so what listens for new records (lookup alerts) hears
    of it. Records are never changed afterwards, except that a pending one gets its outcome once
    (`processing_record_complete`).
    """
    record = ProcessingRecord(**fields)
    sql, columns = _statement(connection)
    values = [f.get_db_prep_save(f.pre_save(record, True), connection) for f in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        record.pk = cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid
    post_save.send(sender=ProcessingRecord, instance=record, created=True, update_fields=None, raw=False,
                   using=connection.alias)
    return record.pk


# --- a record written before the sources are asked ---------------------------------------------------


@dataclass
class OpenRecord:
    """A record written as pending in every sink; `processing_record_complete` finishes it."""

    fields: dict[str, Any]
    subject: Subject | None
    pk: int | None = None  # the database row
    actie_id: str | None = None  # the external verwerkingsactie
    # The FSC transaction ids of the calls made through outways after the record was opened.
    fsc_transactions: FscTransactions | None = None


PENDING_FIELDS = {"outcome": ProcessingRecord.Outcome.PENDING, "http_status": 0, "duration_ms": 0.0}


def processing_record_open(*, fields: dict[str, Any], subject: Subject | None = None) -> OpenRecord:
    """Write the record as pending before any source is asked; raises ProcessingLogUnavailable.

    `fields` are what is known before the calls (who, why, about whom, and the sources about to
    be asked as `{name: "pending"}`)."""
    record = OpenRecord(fields={**fields, **PENDING_FIELDS}, subject=subject)
    with _timed():
        sinks = processing_log_sinks()
        if "database" in sinks:
            record.pk = _database_write(record.fields)
        if "verwerkingenlogging" in sinks:
            record.actie_id = _verwerkingenlogging_write(record.fields, subject)
    # From here on, the calls this processing makes through an FSC outway note their transaction
    # ids (connectors/fsc.py); the completion writes them into the record.
    record.fsc_transactions = fsc_transactions_start()
    return record


def processing_record_complete(record: OpenRecord, *, fields: dict[str, Any]) -> None:
    """Give the pending record its outcome in every sink; raises ProcessingLogUnavailable.

    `fields` are the outcome's (`models.COMPLETION_FIELDS`): sources with their status, the field
    names released and withheld, grant, outcome, HTTP status, duration."""
    if record.fsc_transactions is not None:
        fields = {**fields, "fsc_outway_transaction_ids": record.fsc_transactions.ids}
        fsc_transactions_stop()
    with _timed():
        _complete(record, fields)


def _complete(record: OpenRecord, fields: dict[str, Any]) -> None:
    if record.pk is not None:
        try:
            completed = _one_statement(_complete_pending, record.pk, fields)
        except DatabaseError as exc:
            logger.error("The processing record could not be completed (%s).", type(exc).__name__)
            raise ProcessingLogUnavailable(type(exc).__name__) from None
        if completed != 1:
            logger.error("The pending processing record is gone; the outcome cannot be recorded.")
            raise ProcessingLogUnavailable("pending record gone")
    if record.actie_id is not None:
        _verwerkingenlogging_write({**record.fields, **fields}, record.subject, actie_id=record.actie_id)


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
    oin = organisation_oin(fields.get("organisation_id"))
    if oin:
        body["uitvoerder"] = oin
    # The Verwerkingenlogging API knows one objecttype, "persoon" (an objectId of at most 40
    # characters): an address, pand, zaak or object is no person, so its view names none there;
    # IKO's own record keeps its subject type and pseudonym.
    if subject is not None and subject.type in SOORT_OBJECT_ID:
        body["verwerkteObjecten"].append({
            "objecttype": "persoon",
            "soortObjectId": SOORT_OBJECT_ID[subject.type],
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


def _verwerkingenlogging_write(fields: dict[str, Any], subject: Subject | None, *,
                               actie_id: str | None = None) -> str:
    """POST a new verwerkingsactie (or PUT the one `actie_id` names) and return its actieId."""
    from ape_pie import APIClient
    from zgw_consumers.client import build_client

    service = _verwerkingenlogging_service()
    body = verwerkingsactie_from_record(fields, subject)
    timeout = float(getattr(settings, "IKO_VERWERKINGENLOGGING_TIMEOUT_SECONDS", 5.0))
    method, path = ("put", f"verwerkingsacties/{actie_id}") if actie_id else ("post", "verwerkingsacties")
    try:
        with build_client(service, client_factory=APIClient) as client:
            response = client.request(
                method, path, json=body, timeout=(min(timeout, 5.0), timeout), allow_redirects=False,
                headers={"Accept": "application/json", "Content-Type": "application/json"},
            )
    except requests.RequestException as exc:
        logger.error("The Verwerkingenlogging API could not be reached (%s).", type(exc).__name__)
        raise ProcessingLogUnavailable(type(exc).__name__) from None
    if response.status_code not in (200, 201):
        # The body may echo what we sent (the BSN): log only the status.
        logger.error("The Verwerkingenlogging API refused the record (HTTP %s).", response.status_code)
        raise ProcessingLogUnavailable(f"HTTP {response.status_code}")
    if actie_id:
        return actie_id
    try:
        answer = response.json()
    except ValueError:
        answer = None
    # The spec's answer names the new verwerkingsactie by its uuid; only that is ever PUT to,
    # under the configured API root.
    created = _uuid_or_none(answer.get("actieId", "")) if isinstance(answer, dict) else None
    if created is None:
        logger.error("The Verwerkingenlogging API answered without the actieId of the new record.")
        raise ProcessingLogUnavailable("no actieId")
    return created
