"""The privacy officer's inspection: all processing about one subject, found by its pseudonym.

Looking a person up in the log is itself a processing of (pseudonymised) personal data, so the
inspection is logged first, like any other processing, and fails closed.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from datetime import time as day_time

from django.db.models import Q
from django.utils import timezone

from profiles.processing_log.models import ProcessingRecord
from profiles.organisations.selectors import organisation_scope
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.processing_log.sinks import processing_record_write
from profiles.subjects import Subject
from profiles.tracing import trace_from_header

INSPECTION_PURPOSE = "verwerkingenlog-inzage"


def processing_log_inspect(
    *, subject: Subject, username: str, organisation_id: int | None, export: bool = False, purpose_code: str = "",
    actor: str = "", since=None, until=None,
):
    """The records about one subject, for the privacy officer; newest first.

    Looking up a person in the log is itself a processing of (pseudonymised) personal data, so it
    is logged first, like any other, and fails closed: ProcessingLogUnavailable, no records. Only
    the records of the privacy officer's own organisation (None: the default one) are found.
    """
    organisation_id = organisation_scope(organisation_id)
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
            "subject_pseudonym": subject_pseudonym(
                subject_type=subject.type, value=subject.value, organisation_id=organisation_id,
            ),
            "organisation_id": organisation_id,
            "outcome": ProcessingRecord.Outcome.COMPLETE,
            "http_status": 200,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
        },
        subject=subject,
    )
    return processing_records_for_subject(
        subject=subject, organisation_id=organisation_id, purpose_code=purpose_code, actor=actor, since=since,
        until=until,
    )


def processing_records_for_subject(
    *,
    subject: Subject,
    organisation_id: int | None,
    purpose_code: str = "",
    actor: str = "",
    since: date | None = None,
    until: date | None = None,
):
    """All processing records of one organisation (None: the default one) about one subject (found
    by the organisation's keyed pseudonym), newest first.

    `actor` matches part of the actor, the calling system or the end user; `since` and `until`
    are whole days in the server's time zone, both included.
    """
    organisation_id = organisation_scope(organisation_id)
    records = ProcessingRecord.objects.filter(
        organisation_id=organisation_id,
        subject_type=subject.type,
        subject_pseudonym=subject_pseudonym(subject_type=subject.type, value=subject.value,
                                            organisation_id=organisation_id),
    )
    if purpose_code:
        records = records.filter(purpose_code=purpose_code)
    if actor:
        records = records.filter(
            Q(actor__icontains=actor) | Q(calling_system__icontains=actor) | Q(on_behalf_of__icontains=actor)
        )
    zone = timezone.get_current_timezone()
    if since:
        records = records.filter(created_at__gte=datetime.combine(since, day_time.min, tzinfo=zone))
    if until:
        records = records.filter(created_at__lt=datetime.combine(until + timedelta(days=1), day_time.min, tzinfo=zone))
    return records.order_by("-created_at", "-pk")
