"""Read-only queries about profiles, grants and the processing log.

Profile listings use the same grant resolution as views (`profiles.grants`), for every kind of
principal: API clients, staff users, OIDC token users and self-service portals.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from profiles.access.grants import grant_exists, grants_query, principal_of
from profiles.definitions.models import Profile
from profiles.processing_log.models import ProcessingRecord
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.subjects import Subject


def profile_list_for_principal(*, principal) -> list[dict]:
    """The active profiles this principal holds a grant in force for, with those purposes."""
    queryset = grants_query(principal_of(principal))
    if queryset is None:
        return []
    now = timezone.now()
    purposes: dict[int, set[str]] = defaultdict(set)
    profiles: dict[int, Profile] = {}
    grants = queryset.filter(
        profile__status=Profile.Status.ACTIVE, profile__draft_of__isnull=True
    ).select_related("profile", "purpose")
    for grant in grants:
        if (grant.valid_from and grant.valid_from > now) or (grant.valid_until and grant.valid_until <= now):
            continue
        profiles[grant.profile_id] = grant.profile
        purposes[grant.profile_id].add(grant.purpose.code)
    return [
        {
            "name": p.name,
            "title": p.title,
            "description": p.description,
            "subjectTypes": p.subject_types,
            "purposes": sorted(purposes[p.pk]),
        }
        for p in sorted(profiles.values(), key=lambda p: p.name)
    ]


def profile_list_for_client(*, api_client) -> list[dict]:
    """The active profiles this API client has a grant for (kept for existing callers)."""
    return profile_list_for_principal(principal=api_client)


def profile_is_granted_to(*, profile: Profile, principal) -> bool:
    """Whether this principal holds any grant in force on the profile (any purpose)."""
    return grant_exists(principal=principal, profile=profile)


def processing_records_for_subject(
    *,
    subject: Subject,
    purpose_code: str = "",
    actor: str = "",
    since: date | None = None,
    until: date | None = None,
):
    """All processing records about one subject (found by its keyed pseudonym), newest first.

    `actor` matches part of the actor, the calling system or the end user; `since` and `until`
    are whole days in the server's time zone, both included.
    """
    from django.db.models import Q

    records = ProcessingRecord.objects.filter(
        subject_type=subject.type,
        subject_pseudonym=subject_pseudonym(subject_type=subject.type, value=subject.value),
    )
    if purpose_code:
        records = records.filter(purpose_code=purpose_code)
    if actor:
        records = records.filter(
            Q(actor__icontains=actor) | Q(calling_system__icontains=actor) | Q(on_behalf_of__icontains=actor)
        )
    zone = timezone.get_current_timezone()
    if since:
        records = records.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until:
        records = records.filter(created_at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone))
    return records.order_by("-created_at", "-pk")
