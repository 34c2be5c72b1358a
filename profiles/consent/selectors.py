"""Read-only queries about consent: what needs it, what a subject consented to, what is in force.

Never cached: a consent withdrawn on one instance must stop the very next view on every instance,
so each question is one indexed query on the shared database (and only asked when the profile or
purpose has something that needs consent at all).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q
from django.utils import timezone

from profiles.consent.models import Consent, ConsentText
from profiles.consent.scopes import ConsentScope
from profiles.organisations.selectors import organisation_scope
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.subjects import Subject


# Concepts above consent that need consent for a purpose of their own (a regeling marked "needs
# consent" needs it for its purpose) register a check here when their app is ready, so that such a
# consent can be listed and given without this package importing them. A check takes a purpose
# code and says whether something there needs consent.
_PURPOSE_NEEDS: list[Callable[[str], bool]] = []


def consent_purpose_need_register(check: Callable[[str], bool]) -> None:
    """Register a check that says whether something of another concept needs consent for a purpose."""
    if check not in _PURPOSE_NEEDS:
        _PURPOSE_NEEDS.append(check)


def purpose_needs_consent(purpose) -> bool:
    """Whether consent can be asked for this purpose: it is marked "needs consent" itself, or a
    registered concept needs consent for it. (Views are refused only for the first.)"""
    return bool(purpose.needs_consent) or any(check(purpose.code) for check in _PURPOSE_NEEDS)


def _of_subject(subject: Subject, organisation_id: int | None):
    """The subject's consents with one organisation (None: the default one), found by that
    organisation's pseudonym."""
    organisation_id = organisation_scope(organisation_id)
    return Consent.objects.filter(
        organisation_id=organisation_id,
        subject_type=subject.type,
        subject_pseudonym=subject_pseudonym(subject_type=subject.type, value=subject.value,
                                            organisation_id=organisation_id),
    )


def consents_of_subject(*, subject: Subject, organisation_id: int | None = None):
    """Every consent of one subject, in force or withdrawn, newest first."""
    return _of_subject(subject, organisation_id).order_by("-given_at", "-pk")


def consent_in_force_get(*, subject: Subject, scope: ConsentScope, organisation_id: int | None = None) -> Consent | None:
    return _of_subject(subject, organisation_id).filter(
        withdrawn_at__isnull=True, given_at__lte=timezone.now(), **scope.lookup()
    ).first()


def consent_keys_in_force(*, subject: Subject, scopes: Iterable[ConsentScope],
                          organisation_id: int | None = None) -> set[str]:
    """The keys of the scopes among `scopes` that this subject's consent covers now (one query)."""
    scopes = list(scopes)
    if not scopes:
        return set()
    condition = Q()
    for scope in scopes:
        condition |= Q(**scope.lookup())
    rows = _of_subject(subject, organisation_id).filter(condition, withdrawn_at__isnull=True, given_at__lte=timezone.now())
    return {ConsentScope(*row).key for row in rows.values_list("scope_kind", "purpose_code", "profile_name", "relation_name")}


def consent_text_current(*, scope: ConsentScope, organisation_id: int | None = None) -> ConsentText | None:
    """The organisation's newest text of a scope: the one a citizen agrees to now."""
    return ConsentText.objects.filter(organisation_id=organisation_scope(organisation_id), **scope.lookup()).order_by("-created_at", "-pk").first()


def consent_scopes_needing(*, profiles: Iterable, purposes: Iterable) -> list[ConsentScope]:
    """The scopes that need consent among these profiles' relations and these purposes.

    `profiles` are Profile instances (relations prefetched, or one query each); `purposes` are
    Purpose instances.
    """
    scopes = [ConsentScope.for_purpose(p.code) for p in purposes if purpose_needs_consent(p)]
    for profile in profiles:
        scopes.extend(
            ConsentScope.for_relation(profile.name, r.name) for r in profile.relations.all() if r.needs_consent
        )
    return list(dict.fromkeys(scopes))
