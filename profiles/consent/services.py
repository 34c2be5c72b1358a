"""Giving and withdrawing consent, each with its processing record.

A consent is given for a scope that needs it (a purpose or relation marked `needs_consent`, or a
purpose another concept needs consent for, such as a regeling marked so), for the current version
of its text (`ConsentText`), through a channel: the citizen in self-service, or a staff member
recording a consent given at the counter or by phone (then the staff member is the actor of the
record and `recorded_by` of the consent). Giving a consent that is already in force changes
nothing; withdrawing one that is not in force is refused.

Consent records are IKO's own processing of personal data, so every change is logged like a view:
the record and the change are written in one transaction, and if the record cannot be written
nothing changes (`ProcessingLogUnavailable`). Refusals are logged too (outcome denied).
Withdrawal takes effect at once everywhere: views read consent from the database on every call
(`profiles.consent.selectors`), nothing about consent is cached.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from profiles.access.models import Purpose
from profiles.consent.models import Consent
from profiles.consent.scopes import PURPOSE, ConsentScope
from profiles.consent.selectors import consent_in_force_get, consent_text_current, purpose_needs_consent
from profiles.definitions.models import Profile
from profiles.processing_log.models import ProcessingRecord
from profiles.organisations.selectors import organisation_scope
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.processing_log.sinks import processing_record_write
from profiles.refusals import Refusal
from profiles.subjects import Subject
from profiles.tracing import TraceContext

# The purpose code of the processing records about consent administration itself.
CONSENT_PURPOSE = "toestemming"
# What a consent record releases to the citizen when listed (names only, for the log).
CONSENT_FIELDS = ["scope", "title", "givenAt", "withdrawnAt", "channel", "textVersion"]


class ConsentRefused(Refusal):
    """A consent request IKO does not carry out; the class says how the API answers it."""

    status = 409
    code = "consent-refused"
    title = "Consent not changed"


class ConsentScopeUnknown(ConsentRefused):
    status = 400
    code = "consent-scope-unknown"
    title = "Nothing to consent to"


class ConsentTextOutdated(ConsentRefused):
    code = "consent-text-outdated"
    title = "Consent text changed"


class ConsentNotInForce(ConsentRefused):
    code = "consent-not-in-force"
    title = "No consent in force"


@dataclass(frozen=True)
class ConsentActor:
    """Who changes a consent: for the processing record and the consent's channel."""

    actor: str  # as in the processing log: self-service:<portal>, user:<username>
    actor_type: str  # self_service | user
    calling_system: str
    on_behalf_of: str
    channel: str  # Consent.Channel
    recorded_by: str = ""  # the staff member, for the counter and phone channels
    organisation_id: int | None = None  # whose consents (None: the default organisation's)


def consent_scope_check(*, scope: ConsentScope, organisation_id: int | None = None) -> None:
    """Refuse a scope that needs no consent: a consent for it would do nothing."""
    organisation_id = organisation_scope(organisation_id)
    if scope.kind == PURPOSE:
        purpose = Purpose.objects.filter(organisation_id=organisation_id, code=scope.purpose_code).first()
        needs = purpose is not None and purpose_needs_consent(purpose)
    else:
        needs = Profile.objects.filter(
            organisation_id=organisation_id, name=scope.profile_name, draft_of__isnull=True,
            relations__name=scope.relation_name, relations__needs_consent=True,
        ).exists()
    if not needs:
        raise ConsentScopeUnknown(f"Nothing at {scope.key} needs consent.")


def _record(*, subject: Subject, scope: ConsentScope, by: ConsentActor, action: str, trace: TraceContext,
            started: float, started_at, outcome: str, http_status: int, reason: str = "",
            fields: list[str] | None = None) -> None:
    organisation_id = organisation_scope(by.organisation_id)
    processing_record_write(
        fields={
            "organisation_id": organisation_id,
            "action": action,
            "started_at": started_at,
            "trace_id": trace.trace_id,
            "span_id": trace.span_id,
            "parent_span_id": trace.parent_span_id,
            "actor": by.actor,
            "actor_type": by.actor_type,
            "calling_system": by.calling_system,
            "on_behalf_of": by.on_behalf_of,
            "purpose_code": CONSENT_PURPOSE,
            "profile_name": scope.profile_name,
            "subject_type": subject.type,
            "subject_pseudonym": subject_pseudonym(subject_type=subject.type, value=subject.value,
                                                   organisation_id=organisation_id),
            "fields_released": fields or [],
            "outcome": outcome,
            "reason": reason,
            "http_status": http_status,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
        },
        subject=subject,
    )


def _refuse(refusal: ConsentRefused, **record) -> ConsentRefused:
    _record(**record, outcome=ProcessingRecord.Outcome.DENIED, http_status=refusal.status, reason=refusal.code)
    return refusal


def consent_give(*, subject: Subject, scope: ConsentScope, text_version: str, by: ConsentActor,
                 trace: TraceContext) -> tuple[Consent, bool]:
    """Record a consent; (the consent in force, whether it is new). Raises a ConsentRefused."""
    started, started_at = time.monotonic(), timezone.now()
    log = dict(subject=subject, scope=scope, by=by, action="consent-give", trace=trace,
               started=started, started_at=started_at)
    try:
        consent_scope_check(scope=scope, organisation_id=by.organisation_id)
    except ConsentRefused as refusal:
        raise _refuse(refusal, **log) from None
    text = consent_text_current(scope=scope, organisation_id=by.organisation_id)
    if text is None:
        raise _refuse(ConsentTextOutdated(f"There is no consent text for {scope.key} yet, so no consent can be given."), **log)
    if text_version != text.version:
        raise _refuse(ConsentTextOutdated(
            f"The consent text for {scope.key} is now version {text.version}; show it and send that version."
        ), **log)
    with transaction.atomic():
        existing = consent_in_force_get(subject=subject, scope=scope, organisation_id=by.organisation_id)
        if existing is not None:
            _record(**log, outcome=ProcessingRecord.Outcome.COMPLETE, http_status=200, fields=CONSENT_FIELDS)
            return existing, False
        try:
            with transaction.atomic():
                organisation_id = organisation_scope(by.organisation_id)
                consent = Consent.objects.create(
                    **scope.lookup(), subject_type=subject.type, organisation_id=organisation_id,
                    subject_pseudonym=subject_pseudonym(subject_type=subject.type, value=subject.value,
                                                        organisation_id=organisation_id),
                    text_version=text.version, channel=by.channel, recorded_by=by.recorded_by,
                )
        except IntegrityError:
            # Given at the same moment by another request: that one is the consent in force.
            existing = consent_in_force_get(subject=subject, scope=scope, organisation_id=by.organisation_id)
            if existing is None:
                raise
            _record(**log, outcome=ProcessingRecord.Outcome.COMPLETE, http_status=200, fields=CONSENT_FIELDS)
            return existing, False
        # Fails closed: without the record the consent is not kept either.
        _record(**log, outcome=ProcessingRecord.Outcome.COMPLETE, http_status=201, fields=CONSENT_FIELDS)
    return consent, True


def consent_withdraw(*, subject: Subject, scope: ConsentScope, by: ConsentActor, trace: TraceContext) -> Consent:
    """Withdraw the consent in force for a scope, at once. Raises ConsentNotInForce."""
    started, started_at = time.monotonic(), timezone.now()
    log = dict(subject=subject, scope=scope, by=by, action="consent-withdraw", trace=trace,
               started=started, started_at=started_at)
    with transaction.atomic():
        consent = consent_in_force_get(subject=subject, scope=scope, organisation_id=by.organisation_id)
        if consent is not None:
            # Locked, so that two withdrawals at once write one withdrawal.
            consent = Consent.objects.select_for_update().filter(pk=consent.pk, withdrawn_at__isnull=True).first()
        if consent is None:
            refusal = ConsentNotInForce(f"There is no consent in force for {scope.key} to withdraw.")
        else:
            refusal = None
            consent.withdrawn_at = timezone.now()
            consent.withdrawn_channel = by.channel
            consent.withdrawn_by = by.recorded_by
            consent.save(update_fields=["withdrawn_at", "withdrawn_channel", "withdrawn_by"])
            _record(**log, outcome=ProcessingRecord.Outcome.COMPLETE, http_status=200, fields=CONSENT_FIELDS)
    if refusal is not None:
        raise _refuse(refusal, **log)
    return consent


def consent_list_logged(*, subject: Subject, by: ConsentActor, trace: TraceContext) -> None:
    """Log that a subject's consents are shown (before they are: fails closed)."""
    _record(subject=subject, scope=ConsentScope.for_purpose(""), by=by, action="consent-list", trace=trace,
            started=time.monotonic(), started_at=timezone.now(), outcome=ProcessingRecord.Outcome.COMPLETE,
            http_status=200, fields=CONSENT_FIELDS)
