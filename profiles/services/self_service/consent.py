"""Consent in self-service: the citizen lists, gives and withdraws their own consents.

What can be consented to is what needs it (`needs_consent`) among the profiles and purposes the
portal's self-service grants cover, each with the current text and version the citizen agrees to
(profiles/consent). Giving and withdrawing go through `profiles.consent.services` with the channel
`self_service` and the portal as actor; a withdrawal stops the very next view on every instance.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from profiles.access.grants import grants_query
from profiles.consent.models import Consent
from profiles.consent.scopes import ConsentScope
from profiles.consent.selectors import consent_scopes_needing, consent_text_current, consents_of_subject
from profiles.consent.services import ConsentActor, consent_give, consent_list_logged, consent_withdraw
from profiles.refusals import InvalidSubject
from profiles.services.self_service.admission import citizen_admit
from profiles.services.self_service.citizen import SELF_SERVICE_USER, Citizen
from profiles.subjects import Subject
from profiles.tracing import TraceContext


def _actor(citizen: Citizen) -> ConsentActor:
    return ConsentActor(actor=citizen.actor, actor_type="self_service", calling_system=citizen.portal,
                        on_behalf_of=SELF_SERVICE_USER, channel=Consent.Channel.SELF_SERVICE,
                        organisation_id=citizen.organisation_id)


def _own(citizen: Citizen, subject_type: str | None) -> Subject:
    subject = citizen.own(subject_type) if subject_type else citizen.subjects[0]
    if subject is None:
        raise InvalidSubject(f"This login names no {subject_type}.")
    return subject


def _offered(citizen: Citizen, subject: Subject) -> list[ConsentScope]:
    """The scopes needing consent in what the portal's self-service grants cover."""
    queryset = grants_query(citizen.grant_principal(subject))
    if queryset is None:
        return []
    now = timezone.now()
    grants = [
        g for g in queryset.select_related("profile", "purpose").prefetch_related("profile__relations")
        if (g.valid_from is None or g.valid_from <= now) and (g.valid_until is None or now < g.valid_until)
        and g.profile.draft_of_id is None
    ]
    profiles = {g.profile_id: g.profile for g in grants}.values()
    purposes = {g.purpose_id: g.purpose for g in grants}.values()
    return consent_scopes_needing(profiles=profiles, purposes=purposes)


def _item(scope: ConsentScope, consent: Consent | None, organisation_id: int | None) -> dict[str, Any]:
    text = consent_text_current(scope=scope, organisation_id=organisation_id)
    return {
        "scope": scope.key,
        "title": text.title if text else "",
        "text": text.text if text else "",
        "textVersion": text.version if text else "",
        "inForce": bool(consent and consent.in_force),
        "givenAt": consent.given_at.isoformat() if consent else None,
        "withdrawnAt": consent.withdrawn_at.isoformat() if consent and consent.withdrawn_at else None,
        "channel": consent.channel if consent else None,
        "agreedTextVersion": consent.text_version if consent else None,
    }


def self_service_consents(*, citizen: Citizen, subject_type: str | None, trace: TraceContext) -> list[dict[str, Any]]:
    """Every scope the citizen can consent to, and every consent on record, with its state."""
    citizen_admit(citizen=citizen, action="consent-list", trace=trace)
    subject = _own(citizen, subject_type)
    consent_list_logged(subject=subject, by=_actor(citizen), trace=trace)
    latest: dict[str, Consent] = {}
    for consent in consents_of_subject(subject=subject, organisation_id=citizen.organisation_id):  # newest first
        latest.setdefault(consent.scope_key, consent)
    scopes = list(dict.fromkeys([*_offered(citizen, subject), *(c.scope for c in latest.values())]))
    return [_item(scope, latest.get(scope.key), citizen.organisation_id) for scope in scopes]


def self_service_consent_give(*, citizen: Citizen, subject_type: str | None, scope: ConsentScope,
                              text_version: str, trace: TraceContext) -> tuple[dict[str, Any], bool]:
    citizen_admit(citizen=citizen, action="consent-give", trace=trace)
    subject = _own(citizen, subject_type)
    consent, created = consent_give(subject=subject, scope=scope, text_version=text_version,
                                    by=_actor(citizen), trace=trace)
    return _item(scope, consent, citizen.organisation_id), created


def self_service_consent_withdraw(*, citizen: Citizen, subject_type: str | None, scope: ConsentScope,
                                  trace: TraceContext) -> dict[str, Any]:
    citizen_admit(citizen=citizen, action="consent-withdraw", trace=trace)
    subject = _own(citizen, subject_type)
    consent = consent_withdraw(subject=subject, scope=scope, by=_actor(citizen), trace=trace)
    return _item(scope, consent, citizen.organisation_id)
