"""The citizen's own view (mijn-omgeving), a company's view for its eHerkenning login, and a child's
view for its gezaghouder.

All go through the one view service (`profiles.services.view.view_build`): self-service grants
(for the portal, profile and purpose), narrowing, consent, the fan-out and the processing record
are the same as for every caller. What is particular here is who the subject may be:
- the citizen's own BSN or KVK number from the login (the default);
- another BSN only with `machtiging: "gezag"`: IKO asks the BRP for the child's gezag first (after
  the grant is known to allow the view, before any other call) and refuses (403 `no-gezag`) unless
  the parent holds it; the view's record then names the child as subject and
  `gezaghouder:<pseudonym>` as the end user it was made for;
- any other subject is refused as not the citizen's own (403 `not-own-subject`), logged.
"""

from __future__ import annotations

from connectors.registry import Registry
from connectors.registry import registry as default_registry

from profiles.access.grants import grant_resolve, purpose_get
from profiles.access.principals import Caller
from profiles.definitions.models import Profile
from profiles.refusals import InvalidSubject
from profiles.services.self_service.admission import citizen_admit
from profiles.services.self_service.citizen import SELF_SERVICE_USER, Citizen
from profiles.services.self_service.gezag import gezag_check
from profiles.services.self_service.records import gezaghouder_label
from profiles.services.view import ViewResult, view_build
from profiles.subjects import Subject
from profiles.tracing import TraceContext

GEZAG = "gezag"
MACHTIGINGEN = (GEZAG,)


def self_service_caller(citizen: Citizen, subject: Subject, on_behalf_of: str = SELF_SERVICE_USER) -> Caller:
    """The caller of a self-service request: the portal as actor, resolving the portal's
    self-service grants for `subject` as the citizen's own."""
    return Caller(
        api_client=None, name=citizen.actor, on_behalf_of=on_behalf_of,
        principal=citizen.grant_principal(subject), kind="self_service", system=citizen.portal,
        gebruiker=SELF_SERVICE_USER,
    )


def self_service_subject(*, citizen: Citizen, profile: Profile) -> Subject:
    """The citizen's own subject this profile is about (a BSN, or for a company its KVK number)."""
    for subject_type in profile.subject_types:
        own = citizen.own(subject_type)
        if own is not None:
            return own
    raise InvalidSubject(
        f"Profile {profile.name} is for {', '.join(profile.subject_types)}; this login names none of those."
    )


def self_service_view(*, citizen: Citizen, profile: Profile, subject: Subject | None, machtiging: str,
                      purpose_code: str | None, trace: TraceContext,
                      registry: Registry = default_registry) -> ViewResult:
    """The view for a citizen; raises the view service's refusals and the self-service ones."""
    citizen_admit(citizen=citizen, action="view", trace=trace)
    subject = subject or self_service_subject(citizen=citizen, profile=profile)
    if citizen.owns(subject) or machtiging != GEZAG:
        # Another subject without a machtiging: the grant refuses it as not the citizen's own
        # (and logs that), since the principal only ever sees the login's own numbers.
        own = citizen.own(subject.type) or citizen.subjects[0]
        return view_build(profile=profile, subject=subject, caller=self_service_caller(citizen, own),
                          purpose_code=purpose_code, trace=trace, registry=registry)
    if subject.type not in profile.subject_types:
        raise InvalidSubject(f"Profile {profile.name} is for {', '.join(profile.subject_types)}, not {subject.type}.")
    # Deny by default: without a grant for this view, the BRP is not asked about the child either.
    decision = grant_resolve(principal=citizen.grant_principal(subject), profile=profile,
                             purpose_code=purpose_code, subject=subject)
    parent = citizen.own("bsn")
    caller = self_service_caller(citizen, subject, on_behalf_of=gezaghouder_label(parent, citizen.organisation_id) if parent else "")
    if decision.allowed:
        gezag_check(citizen=citizen, child=subject, purpose=purpose_get(code=decision.purpose_code, organisation_id=profile.organisation_id),
                    trace=trace, registry=registry, profile_name=profile.name)
    # Not allowed: the view service writes the denial and refuses, as for any caller.
    return view_build(profile=profile, subject=subject, caller=caller, purpose_code=decision.purpose_code,
                      trace=trace, registry=registry)
