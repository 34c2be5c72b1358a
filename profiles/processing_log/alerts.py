"""Alerts when one principal looks up an unusual number of distinct subjects.

Every lookup of a subject (a person, a company, or an object: an address, pand, verblijfsobject,
zaak or Objects API object) leaves a processing record (profiles.ProcessingRecord) with
the actor, the end user it acted for and a keyed pseudonym of the subject
(profiles/processing_log/pseudonyms.py). After each such record is committed, `lookup_note` counts the distinct
pseudonyms of that actor and end user over the last `IKO_ALERT_WINDOW_SECONDS`; when they exceed
`IKO_ALERT_DISTINCT_SUBJECTS`, it stores a `SubjectLookupAlert` (read-only in the admin) and logs a
warning. Then it keeps quiet about that principal for one window, so an ongoing scrape gives one
alert per window, not one per lookup. Denied lookups count too: trying subjects one after the
other is exactly what this looks for.

Not counted: searches by criteria (subject type `search`), the privacy officer's inspections of
the log, and citizens looking at their own data (`self_service`). Objects count like persons:
who lives at an address, or whose zaak a zaak is, is personal data, and looking up address after
address is how one would map who lives where. Their pseudonyms are keyed with the subject type, so
an address never counts as the person whose number happens to be the same text.

Counting never sees a BSN: only pseudonyms, and in Redis only a HyperLogLog of them (12 kB at
most per bucket, about 1% error). The window is cut into six buckets; the count is the union of
the current bucket and the five before it, so a burst that straddles a bucket edge is still seen.
Without Redis (or while it fails) each process counts in memory (iko_project/shared_store.py).
A failure here is logged and never fails the lookup itself.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from iko_project.shared_store import RedisError, redis_client, redis_failed, redis_key, redis_succeeded, redis_usable
from profiles.processing_log.models import ProcessingRecord, SubjectLookupAlert
from profiles.subjects import SUBJECT_TYPES

logger = logging.getLogger(__name__)

BUCKETS = 6
# Every subject type a view can be about (persons, companies and objects); not `search`.
COUNTED_SUBJECT_TYPES = tuple(SUBJECT_TYPES)


def _principal(actor: str, on_behalf_of: str, organisation_id: int | None = None) -> str:
    # Counted per organisation: two organisations' actors may have the same name.
    return hashlib.sha256(f"{actor}\0{on_behalf_of}\0{organisation_id or ''}".encode()).hexdigest()[:32]


class MemoryLookups:
    """Distinct pseudonyms per principal and bucket, in this process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._buckets: dict[str, dict[int, set[str]]] = {}
        self._quiet_until: dict[str, float] = {}

    MAX_PRINCIPALS = 10_000

    def note(self, principal: str, pseudonym: str, *, bucket: int, threshold: int) -> int:
        with self._lock:
            if principal not in self._buckets and len(self._buckets) >= self.MAX_PRINCIPALS:
                self._forget_idle(bucket)
            buckets = self._buckets.setdefault(principal, {})
            for old in [b for b in buckets if b <= bucket - BUCKETS]:
                del buckets[old]
            seen = buckets.setdefault(bucket, set())
            # More than threshold + 1 per bucket tells nothing new; the cap bounds memory.
            if len(seen) <= threshold:
                seen.add(pseudonym)
            return len(set().union(*buckets.values()))

    def _forget_idle(self, bucket: int) -> None:
        """Principals with no lookup in the window can go (end users come and go)."""
        for idle in [p for p, b in self._buckets.items() if not b or max(b) <= bucket - BUCKETS]:
            del self._buckets[idle]
            self._quiet_until.pop(idle, None)

    def claim_alert(self, principal: str, *, now: float, window: int) -> bool:
        """True once per window per principal: this call raises the alert."""
        with self._lock:
            if self._quiet_until.get(principal, 0.0) > now:
                return False
            self._quiet_until[principal] = now + window
            return True

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()
            self._quiet_until.clear()


memory_lookups = MemoryLookups()


def _redis_note(principal: str, pseudonym: str, *, bucket: int, bucket_seconds: int) -> int:
    keys = [redis_key("lookups", principal, str(bucket - age)) for age in range(BUCKETS)]
    with redis_client().pipeline(transaction=True) as pipe:
        pipe.pfadd(keys[0], pseudonym)
        pipe.expire(keys[0], BUCKETS * bucket_seconds + bucket_seconds)
        pipe.pfcount(*keys)
        _, _, count = pipe.execute()
    return int(count)


def _redis_claim_alert(principal: str, *, window: int) -> bool:
    return bool(redis_client().set(redis_key("lookup-alert", principal), "1", nx=True, ex=window))


def lookup_note(*, actor: str, on_behalf_of: str, subject_pseudonym: str, trace_id: str = "",
                now: float | None = None, organisation_id: int | None = None):
    """Count one lookup; returns the `SubjectLookupAlert` it raised, if any."""
    threshold = settings.IKO_ALERT_DISTINCT_SUBJECTS
    window = settings.IKO_ALERT_WINDOW_SECONDS
    if threshold <= 0 or window <= 0 or not subject_pseudonym:
        return None
    now = time.time() if now is None else now
    bucket_seconds = max(1, window // BUCKETS)
    bucket = int(now // bucket_seconds)
    principal = _principal(actor, on_behalf_of, organisation_id)
    counted = None
    if redis_usable():
        try:
            counted = _redis_note(principal, subject_pseudonym, bucket=bucket, bucket_seconds=bucket_seconds)
            claimed = counted > threshold and _redis_claim_alert(principal, window=window)
        except RedisError as exc:
            redis_failed(exc, "lookup alerts")
            counted = None
        else:
            redis_succeeded()
    if counted is None:
        counted = memory_lookups.note(principal, subject_pseudonym, bucket=bucket, threshold=threshold)
        claimed = counted > threshold and memory_lookups.claim_alert(principal, now=now, window=window)
    if not claimed:
        return None
    alert = SubjectLookupAlert.objects.create(
        **({"organisation_id": organisation_id} if organisation_id is not None else {}),
        actor=actor[:200], on_behalf_of=on_behalf_of[:242], distinct_subjects=counted,
        threshold=threshold, window_seconds=window, trace_id=trace_id[:32],
    )
    logger.warning(
        "Subject lookup alert %s: %s%s looked up %d distinct subjects within %d s (threshold %d).",
        alert.pk, actor, f" for {on_behalf_of}" if on_behalf_of else "", counted, window, threshold,
    )
    return alert


def _counted(record: ProcessingRecord) -> bool:
    return (
        record.subject_type in COUNTED_SUBJECT_TYPES
        and bool(record.subject_pseudonym)
        and record.actor_type != "self_service"
        and not record.action.startswith("inspection")
    )


def _note_safely(**kwargs) -> None:
    try:
        lookup_note(**kwargs)
    except Exception as exc:  # noqa: BLE001 - alerting must never fail or slow down a lookup
        logger.warning("A subject lookup could not be counted for alerts (%s).", type(exc).__name__)


@receiver(post_save, sender=ProcessingRecord, dispatch_uid="profiles.processing_log.alerts.lookup_counted")
def _processing_record_saved(sender, instance: ProcessingRecord, created: bool, **kwargs) -> None:
    if not created or not _counted(instance):
        return
    note = dict(
        actor=instance.actor, on_behalf_of=instance.on_behalf_of,
        subject_pseudonym=instance.subject_pseudonym, trace_id=instance.trace_id,
        organisation_id=instance.organisation_id,
    )
    # After the record is committed: counting (and a Redis round trip) is not part of writing it,
    # and an alert is only about lookups that really happened.
    transaction.on_commit(lambda: _note_safely(**note), robust=True)
