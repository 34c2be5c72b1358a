"""Read-only queries about profiles and grants."""

from __future__ import annotations

from collections import defaultdict

from .models import Grant, Profile


def profile_list_for_client(*, api_client) -> list[dict]:
    """The active profiles this API client has a grant for, with the purposes it may use."""
    purposes: dict[int, list[str]] = defaultdict(list)
    grants = Grant.objects.filter(
        api_client=api_client, enabled=True, profile__status=Profile.Status.ACTIVE
    ).select_related("profile", "purpose")
    profiles: dict[int, Profile] = {}
    for grant in grants:
        profiles[grant.profile_id] = grant.profile
        purposes[grant.profile_id].append(grant.purpose.code)
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


def profile_is_granted_to(*, profile: Profile, principal) -> bool:
    """Whether this principal holds any enabled grant on the profile."""
    from api.models import ApiClient

    if not isinstance(principal, ApiClient):
        return False
    return Grant.objects.filter(api_client=principal, profile=profile, enabled=True).exists()
