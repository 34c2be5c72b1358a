"""The processing log: one append-only record per processing of personal data, never the data;
and the alerts raised when one principal looks up unusually many subjects.

See docs/privacy/index.md: every view request, allowed or denied, is recorded
without the data itself. Writing goes through profiles/processing_log/sinks.py.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _, gettext_noop

from profiles.organisations.models import organisation_field
from profiles.subjects import SUBJECT_TYPE_CHOICES, SUBJECT_TYPE_MAX_LENGTH


class ProcessingRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The processing log is append-only.")

    def delete(self):
        raise TypeError("The processing log is append-only; use the purge command for retention.")

    def complete_pending(self, pk: int, **fields) -> int:
        """Complete the pending record `pk` with its outcome: the one deliberate way to change a
        record, once. A record is written as pending before any source is asked (so that no
        source provides data IKO has no record of) and completed when the answer is known; only
        the fields in `COMPLETION_FIELDS` may change, and a completed record never changes again.
        Returns the number of records completed (0 when `pk` is not pending)."""
        completion_check(fields)
        pending = self.model.objects.filter(pk=pk, outcome=ProcessingRecord.Outcome.PENDING)
        return models.QuerySet.update(pending, **fields)

    def purge_created_before(self, cutoff, *, batch_size: int = 5000) -> int:
        """Delete the records created before `cutoff`: the one deliberate way to delete.

        Only the `processing_log_purge` management command calls this, with the cutoff of
        `IKO_PROCESSING_LOG_RETENTION_DAYS`. It deletes in batches, so a large purge does not hold
        a long lock on the table that every view writes to.
        """
        deleted = 0
        while True:
            batch = list(self.filter(created_at__lt=cutoff).order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not batch:
                return deleted
            # The plain QuerySet.delete, past this class's refusal: deliberate, see above.
            count, _ = models.QuerySet.delete(self.model.objects.filter(pk__in=batch))
            deleted += count


# A search by name or address names no BSN or KVK number: its record has subject type "search"
# and a keyed pseudonym of the criteria (profiles/services/search.py).
# What the completion of a pending record may fill in: the outcome, never who, why or about whom.
COMPLETION_FIELDS = (
    "sources", "fields_released", "fields_withheld", "grant_id", "outcome", "reason", "http_status", "duration_ms",
    "fsc_outway_transaction_ids",
)


def completion_check(fields: dict) -> None:
    """Refuse a completion that would change more than `COMPLETION_FIELDS`, or give no outcome."""
    unknown = sorted(set(fields) - set(COMPLETION_FIELDS))
    if unknown:
        raise TypeError(f"A pending record's completion cannot change {unknown}.")
    if fields.get("outcome") == ProcessingRecord.Outcome.PENDING:
        raise TypeError("A completion gives the record its outcome.")


PROCESSING_SUBJECT_TYPE_CHOICES = [*SUBJECT_TYPE_CHOICES, ("search", "Search criteria (pseudonymised)")]


class ProcessingRecord(models.Model):
    """One processing of personal data (or a refusal to do it). Never the data itself.

    Append-only. A use case that asks sources writes its record as pending before the first
    source call and completes it once with the outcome (`complete_pending`); a refusal is written
    complete at once. A record still pending means the request ended (a crash, a lost database)
    after its sources were asked.

    One record per action and data subject, with the fields of a Logboek Dataverwerkingen record
    (tests/specs/README.md, "Processing logs"): trace and span ids (W3C), the processing activity,
    start time and duration, the subject as type + keyed pseudonym; plus who asked, for whom,
    with which grant, which sources answered how and which field names were released or withheld;
    and the FSC transaction ids of the request (from an inway) and of its calls (through outways).
    """

    class Outcome(models.TextChoices):
        COMPLETE = "complete", _("Complete view")
        PARTIAL = "partial", _("Partial view (a source failed)")
        FAILED = "failed", _("No view (all sources failed)")
        DENIED = "denied", _("Denied (no grant)")
        PENDING = "pending", _("Pending (sources asked; the request ended before its outcome was recorded)")

    organisation = organisation_field()
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(verbose_name=_("started at"), null=True, help_text=_("When the action started (LDV start_time)."))
    action = models.CharField(
        verbose_name=_("action"),
        max_length=30, default="view",
        help_text=_("What was done (LDV name): view, preview, inspection (the privacy officer's search), ..."),
    )
    trace_id = models.CharField(verbose_name=_("trace ID"), max_length=32, db_index=True)
    span_id = models.CharField(verbose_name=_("span ID"), max_length=16)
    parent_span_id = models.CharField(
        verbose_name=_("parent span ID"),
        max_length=16, blank=True, help_text=_("The caller's span, from its W3C traceparent.")
    )
    actor = models.CharField(verbose_name=_("actor"), max_length=200, help_text=_("The API client or user that asked."))
    actor_type = models.CharField(
        verbose_name=_("actor type"),
        max_length=20, blank=True,
        help_text=_("api_client, user (staff session), oidc (bearer token) or self_service (citizen portal)."),
    )
    calling_system = models.CharField(
        verbose_name=_("calling system"),
        max_length=200, blank=True,
        help_text=_("The application that called IKO: the API client, or the OIDC client (azp) of the token."),
    )
    on_behalf_of = models.CharField(
        verbose_name=_("on behalf of"),
        max_length=242, blank=True, help_text=_("The end user the caller acted for, if it said so.")
    )
    purpose_code = models.CharField(verbose_name=_("purpose code"), max_length=100, db_index=True)
    processing_activity_id = models.CharField(verbose_name=_("processing activity ID"), max_length=242, blank=True)
    profile_name = models.CharField(verbose_name=_("profile name"), max_length=100)
    profile_version = models.PositiveIntegerField(verbose_name=_("profile version"), null=True)
    subject_type = models.CharField(
        verbose_name=_("subject type"), max_length=SUBJECT_TYPE_MAX_LENGTH, choices=PROCESSING_SUBJECT_TYPE_CHOICES,
    )
    subject_pseudonym = models.CharField(verbose_name=_("subject pseudonym"), max_length=64, db_index=True)
    sources = models.JSONField(verbose_name=_("sources"), default=dict, help_text=_("Source name to call status."))
    fields_released = models.JSONField(verbose_name=_("fields released"), default=list, help_text=_("Names of the fields released."))
    fields_withheld = models.JSONField(
        verbose_name=_("fields withheld"),
        default=list, blank=True,
        help_text=_("Names of fields the profile released but the grant narrowed away (names only)."),
    )
    grant_id = models.PositiveBigIntegerField(
        verbose_name=_("grant ID"),
        null=True, blank=True, help_text=_("The grant that allowed it (kept as a number: grants may be deleted).")
    )
    outcome = models.CharField(verbose_name=_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(
        verbose_name=_("reason"),
        max_length=100, blank=True,
        help_text=_("Why it was denied: no-grant, grant-not-in-force, unknown-purpose, self-service-subject-mismatch."),
    )
    http_status = models.PositiveSmallIntegerField(verbose_name=_("HTTP status"))
    duration_ms = models.FloatField(verbose_name=_("duration ms"))
    # FSC (connectors/fsc.py, api/fsc.py): the ids only, by which the FSC transaction logs of the
    # organisations involved find the same request; never what the request was about.
    fsc_transaction_id = models.CharField(
        verbose_name=_("FSC transaction id"),
        max_length=36, blank=True, db_index=True,
        help_text=_("The FSC transaction id of the request, as the inway passed it on (Fsc-Transaction-Id)."),
    )
    fsc_outway_transaction_ids = models.JSONField(
        verbose_name=_("FSC transaction ids of the calls"),
        default=list, blank=True,
        help_text=_("The FSC transaction ids of the calls made through an FSC outway for this processing."),
    )

    objects = ProcessingRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("processing record")
        verbose_name_plural = _("processing records")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["actor", "created_at"])]
        permissions = [
            ("inspect_subject", gettext_noop("Can find and export all processing about one subject (privacy officer)")),
        ]

    @property
    def ldv_status(self) -> str:
        """The Logboek Dataverwerkingen status: Error only for a technical failure."""
        return "Error" if self.outcome == self.Outcome.FAILED or self.http_status >= 500 else "Unset"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor} {self.profile_name} {self.outcome}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The processing log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The processing log is append-only.")


class SubjectLookupAlert(models.Model):
    """One principal looked up an unusual number of distinct subjects in a short time.

    Written by profiles/processing_log/alerts.py when the distinct data subjects of one actor
    (and the end user it acted for) exceed `IKO_ALERT_DISTINCT_SUBJECTS` within
    `IKO_ALERT_WINDOW_SECONDS`: a case worker browsing through the population, or a stolen token.
    Holds who and how many, never which subjects; the processing log (same actor, around
    `created_at`, `trace_id`) tells which.
    """

    organisation = organisation_field()
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)
    actor = models.CharField(verbose_name=_("actor"), max_length=200, help_text=_("The API client or user, as in the processing log."))
    on_behalf_of = models.CharField(verbose_name=_("on behalf of"), max_length=242, blank=True, help_text=_("The end user it acted for, if any."))
    distinct_subjects = models.PositiveIntegerField(
        verbose_name=_("distinct subjects"),
        help_text=_("Distinct subjects looked up within the window when the alert was raised (estimated "
        "to within about 1% when counted in Redis).")
    )
    threshold = models.PositiveIntegerField(verbose_name=_("threshold"), help_text=_("IKO_ALERT_DISTINCT_SUBJECTS at the time."))
    window_seconds = models.PositiveIntegerField(verbose_name=_("window seconds"), help_text=_("IKO_ALERT_WINDOW_SECONDS at the time."))
    trace_id = models.CharField(
        verbose_name=_("trace ID"),
        max_length=32, blank=True, help_text=_("Trace id of the lookup that crossed the threshold (processing log).")
    )

    class Meta:
        verbose_name_plural = _("subject lookup alerts")
        # The table keeps the name it had when the alerts belonged to the api app.
        db_table = "api_subjectlookupalert"
        ordering = ["-created_at"]
        verbose_name = _("subject lookup alert")

    def __str__(self) -> str:
        who = f"{self.actor} for {self.on_behalf_of}" if self.on_behalf_of else self.actor
        return f"{self.created_at:%Y-%m-%d %H:%M} {who}: {self.distinct_subjects} subjects"
