"""The organisation (tenant) a request acts in, for the front doors' selectors.

An API client, an OIDC token (IKO_OIDC_ORGANISATION_CLAIM), a citizen's token
(IKO_CITIZEN_ORGANISATION_CLAIM) and a staff user each belong to one organisation; everything a
request looks up is scoped to it (profiles/organisations/selectors.py), so a caller of one
organisation never finds, even by name, what belongs to another.
"""

from __future__ import annotations

from profiles.access.principals import principal_of


def request_organisation_id(request) -> int | None:
    """The organisation of the request's user (None: the default organisation)."""
    user = request.user
    citizen = getattr(user, "citizen", None)
    if citizen is not None:  # a citizen's token (api/citizen_auth.py)
        return citizen.organisation_id
    return principal_of(user).organisation_id
