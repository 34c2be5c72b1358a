"""Read-only queries about profiles and the grants on them.

Profile listings use the same grant resolution as views (`profiles.access.grants`), for every kind of
principal: API clients, staff users, OIDC token users and self-service portals.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from profiles.access.grants import grant_exists, grants_query, principal_of
from profiles.definitions.models import Profile


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
