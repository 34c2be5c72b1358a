"""The processing record of an evaluation of regelingen, and the purge of what sits beside it.

An evaluation is a processing of personal data under the regelingen' purpose, so it writes a
processing record like a view does (profiles/processing_log/), fail closed. Beside it, in this
app's own table and in the same transaction, a `SuggestionRecord` lists which regelingen were
evaluated and how many had each outcome, and the names of the fields the criteria read. Never a
value, and never which regeling held: a count is what the processing log needs to show that an
evaluation happened and what it was about.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import DatabaseError, transaction

from profiles.processing_log.purge import processing_log_cutoff
from profiles.processing_log.models import COMPLETION_FIELDS
from profiles.processing_log.sinks import OpenRecord, processing_record_complete, processing_record_write
from profiles.refusals import ProcessingLogUnavailable
from profiles.subjects import Subject

from .evaluation import Outcome, RegelingResult
from .models import SuggestionRecord


def suggestion_record_write(*, subject: Subject, record: dict[str, Any], results: list[RegelingResult],
                            fields_read: list[str], opened: OpenRecord | None = None) -> None:
    """Write the processing record and the suggestion record beside it: both, or neither and
    ProcessingLogUnavailable (then no answer may go out). `opened`: the processing record was
    written as pending before the sources were asked; it is completed with `record`'s outcome."""
    counts = {outcome: sum(1 for r in results if r.outcome is outcome) for outcome in Outcome}
    try:
        with transaction.atomic():
            SuggestionRecord.objects.create(
                **({"organisation_id": record["organisation_id"]} if record.get("organisation_id") else {}),
                action=record["action"],
                trace_id=record["trace_id"],
                span_id=record["span_id"],
                profile_name=record["profile_name"],
                purpose_code=record["purpose_code"],
                regelingen=[r.rule.name for r in results],
                eligible=counts[Outcome.ELIGIBLE],
                not_eligible=counts[Outcome.NOT_ELIGIBLE],
                not_evaluated=counts[Outcome.NOT_EVALUATED],
                fields_read=fields_read,
            )
            if opened is None:
                processing_record_write(subject=subject, fields=record)
            else:
                processing_record_complete(opened, fields={k: v for k, v in record.items() if k in COMPLETION_FIELDS})
    except DatabaseError as exc:
        raise ProcessingLogUnavailable(type(exc).__name__) from None


def suggestion_records_purge(*, dry_run: bool = False, now: datetime | None = None) -> int:
    """Delete the suggestion records past the processing log's retention period; how many."""
    cutoff = processing_log_cutoff(now=now)
    if dry_run:
        return SuggestionRecord.objects.filter(created_at__lt=cutoff).count()
    return SuggestionRecord.objects.purge_created_before(cutoff)
