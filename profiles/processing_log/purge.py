"""Retention of the processing log: delete the records older than
`IKO_PROCESSING_LOG_RETENTION_DAYS` (the `processing_log_purge` management command)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from profiles.processing_log.models import ProcessingRecord

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
