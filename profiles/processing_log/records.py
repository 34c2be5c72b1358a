"""The fields of a processing record, shared by every use case that processes personal data.

A view, a search and an endpoint call each write one record (sinks.py): the fields known before
any source is called come from `processing_record_base`, a refusal is written by
`processing_record_deny`. The record holds the subject only as type and keyed pseudonym.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.utils import timezone

from profiles.access.principals import Caller
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.processing_log.sinks import processing_record_write
from profiles.refusals import ViewDenied
from profiles.subjects import SUBJECT_TYPES, Subject
from profiles.tracing import TraceContext


def elapsed_ms(started: float) -> float:
    """Milliseconds since `started` (a time.monotonic() value), as the record keeps them."""
    return round((time.monotonic() - started) * 1000, 1)


def processing_record_base(*, profile: Any, subject: Subject, caller: Caller, purpose_code: str,
                           purpose: Any, trace: TraceContext, started_at: datetime | None = None,
                           action: str = "view") -> dict[str, Any]:
    """The record's fields known before any source is called (never the subject itself)."""
    return {
        # The profile's organisation: its configuration was used, its log and pseudonyms hold it.
        "organisation_id": profile.organisation_id,
        "action": action,
        "started_at": started_at or timezone.now(),
        "trace_id": trace.trace_id,
        "span_id": trace.span_id,
        "parent_span_id": trace.parent_span_id,
        "fsc_transaction_id": trace.fsc_transaction_id,
        "actor": caller.name,
        "actor_type": caller.kind,
        "calling_system": caller.system,
        "on_behalf_of": caller.on_behalf_of,
        "purpose_code": purpose_code,
        "processing_activity_id": purpose.processing_activity_id if purpose else "",
        "profile_name": profile.name,
        "profile_version": profile.version,
        "subject_type": subject.type,
        "subject_pseudonym": subject_pseudonym(
            subject_type=subject.type, value=subject.value, organisation_id=profile.organisation_id,
        ),
    }


def processing_record_subject(subject: Subject) -> Subject | None:
    """The subject as the external processing log may see it: a BSN or KVK number, never the
    criteria of a search by name or address."""
    return subject if subject.type in SUBJECT_TYPES else None


def processing_record_deny(*, record: dict[str, Any], subject: Subject, decision: Any, purpose: Any,
                           started: float, detail: str = "") -> ViewDenied:
    """Write the record of a refusal (no grant, a grant not in force, someone else's subject)
    and return the ViewDenied to raise. `decision` is the GrantDecision that refused."""
    reason = decision.reason if purpose is not None or not decision.purpose_code else "unknown-purpose"
    processing_record_write(
        subject=processing_record_subject(subject),
        fields={
            **record,
            "outcome": "denied",
            "reason": reason or "no-grant",
            "grant_id": decision.grant_id,
            "http_status": 403,
            "duration_ms": elapsed_ms(started),
        },
    )
    code = "not-own-subject" if reason == "self-service-subject-mismatch" else "no-grant"
    return ViewDenied(detail or decision.detail or "Not allowed.", code=code)
