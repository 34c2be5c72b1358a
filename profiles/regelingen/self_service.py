"""Suggestions and prefill for a citizen or company logged in at a portal (self-service).

Citizens come only from the citizens' issuer, on the self-service paths (api/self_service.py). As
for their own view (profiles.services.self_service.view): the login's level of assurance is checked
first (a refusal is logged), the subject is the login's own BSN or KVK number (another one is
refused by the grant as not the citizen's own, and logged), and the grants are the portal's
self-service grants. Then the same use cases answer as for every caller: `suggestions_build`
with the consent records as consent check, and `prefill_build`.
"""

from __future__ import annotations

from typing import Any

from connectors.registry import Registry
from connectors.registry import registry as default_registry
from profiles.services.self_service.admission import citizen_admit
from profiles.services.self_service.citizen import Citizen
from profiles.services.self_service.view import self_service_caller, self_service_subject
from profiles.services.view import ViewResult
from profiles.subjects import Subject
from profiles.tracing import TraceContext

from .consent import regelingen_consent_check
from .prefill import prefill_build
from .services import suggestions_build


def _subject_and_caller(citizen: Citizen, profile, subject: Subject | None):
    subject = subject or self_service_subject(citizen=citizen, profile=profile)
    # The principal only ever sees the login's own numbers: another subject fails the grant.
    own = citizen.own(subject.type) or citizen.subjects[0]
    return subject, self_service_caller(citizen, own)


def self_service_suggestions(*, citizen: Citizen, profile, subject: Subject | None, data_purpose_code: str | None,
                             trace: TraceContext, registry: Registry = default_registry) -> dict[str, Any]:
    """The suggestions answer for the citizen's own subject (see `suggestions_build`)."""
    citizen_admit(citizen=citizen, action="suggestions", trace=trace)
    subject, caller = _subject_and_caller(citizen, profile, subject)
    return suggestions_build(profile=profile, subject=subject, caller=caller, data_purpose_code=data_purpose_code,
                             trace=trace, consent_check=regelingen_consent_check, registry=registry)


def self_service_prefill(*, citizen: Citizen, profile, subject: Subject | None, purpose_code: str | None,
                         trace: TraceContext, registry: Registry = default_registry) -> ViewResult:
    """The prefill answer for the citizen's own subject (see `prefill_build`)."""
    citizen_admit(citizen=citizen, action="prefill", trace=trace)
    subject, caller = _subject_and_caller(citizen, profile, subject)
    return prefill_build(profile=profile, subject=subject, caller=caller, purpose_code=purpose_code, trace=trace,
                         registry=registry)
