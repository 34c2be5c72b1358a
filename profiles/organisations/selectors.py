"""Which organisation: the one scoping mechanism every front door and service uses.

A caller's `Principal` (profiles.access.principals) carries its organisation's id; the selectors of
each concept (`profile_get_active`, `purpose_get`, `sources_by_tags`, the admin's querysets,
`config_export`) take that id and filter by it, so nothing of another organisation is found, even by
name. `organisation_scope` turns "no organisation named" (a principal made by hand, a management
command without `--organisation`) into the default organisation, never into "all of them".
"""

from __future__ import annotations

from django.db.models import QuerySet

from profiles.organisations.cache import cached_value
from profiles.organisations.models import Organisation, OrganisationMember


# Per model label: the lookup from the model to the id of its organisation (by label: this layer
# imports none of the models above it).
ORGANISATION_PATHS = {
    "profiles.organisation": "pk",
    "profiles.organisationmember": "organisation",
    "profiles.profile": "organisation",
    "profiles.relation": "profile__organisation",
    "profiles.searchaction": "profile__organisation",
    "profiles.purpose": "organisation",
    "profiles.grant": "profile__organisation",
    "profiles.apiclient": "organisation",
    "profiles.processingrecord": "organisation",
    "profiles.subjectlookupalert": "organisation",
    "connectors.source": "organisation",
    "zgw_consumers.service": "iko_owner__organisation",
    "connectors.operationalias": "source__organisation",
    "regelingen.regeling": "organisation",
    "regelingen.criterion": "regeling__organisation",
    "regelingen.prefillattribute": "profile__organisation",
    "regelingen.suggestionrecord": "organisation",
    "consent.consent": "organisation",
    "consent.consenttext": "organisation",
}


def of_organisation(queryset: QuerySet, organisation_id: int | None) -> QuerySet:
    """The rows of `queryset` that belong to the organisation (None: the default one). A model not
    in ORGANISATION_PATHS belongs to none: the same queryset."""
    path = ORGANISATION_PATHS.get(queryset.model._meta.label_lower)
    if path is None:
        return queryset
    return queryset.filter(**{path: organisation_scope(organisation_id)})


def organisation_default() -> Organisation:
    """The default organisation (made when missing, see OrganisationManager.default_id)."""
    return Organisation.objects.get(pk=organisation_default_id())


def organisation_default_id() -> int:
    return Organisation.objects.default_id()


def organisation_scope(organisation_id: int | None) -> int:
    """The organisation a query is scoped to: the given one, or the default when none is named."""
    return organisation_id if organisation_id is not None else organisation_default_id()


def organisations_several() -> bool:
    """True when the installation holds more than one organisation: only then do the admin and
    the API show anything of tenancy."""
    return cached_value(("organisations-several",), lambda: Organisation.objects.count() > 1)


def organisation_get(*, key: str) -> Organisation | None:
    """An organisation by its short name or its OIN (a token's organisation claim, a command's
    --organisation); None when there is no such organisation."""
    key = (key or "").strip()
    if not key:
        return None
    found = Organisation.objects.filter(slug=key).first()
    if found is None and key.isdigit():
        found = Organisation.objects.filter(oin=key).first()
    return found


def organisation_id_by_key(key: str) -> int | None:
    """`organisation_get`'s id, cached for a few seconds (read on every OIDC request)."""
    return cached_value(("organisation-key", key), lambda: getattr(organisation_get(key=key), "pk", None))


def organisation_id_of_user(user) -> int | None:
    """The organisation a staff user administers: their membership, else the default one.
    None for a superuser without a membership: they see every organisation."""
    if user is None or not getattr(user, "pk", None):
        return None
    member = OrganisationMember.objects.filter(user_id=user.pk).values_list("organisation_id", flat=True).first()
    if member is not None:
        return member
    if getattr(user, "is_superuser", False):
        return None
    return organisation_default_id()


def organisation_pseudonym_source(organisation_id: int) -> tuple[str, bool]:
    """(the name of its pseudonym key variable, whether it is the default organisation), cached:
    read for every processing record."""
    def load() -> tuple[str, bool]:
        row = Organisation.objects.filter(pk=organisation_id).values_list("pseudonym_key_env", "is_default").first()
        return tuple(row) if row is not None else ("", False)

    return cached_value(("organisation-pseudonym", organisation_id), load)


def organisation_oin(organisation_id: int | None) -> str:
    """The organisation's OIN (x-origin-oin towards BRP gateways, the uitvoerder of the
    Verwerkingenlogging API). The default organisation follows IKO_ORGANISATION_OIN, as before there
    were organisations (its own field counts only while the setting is empty); another organisation
    has its own, or IKO_ORGANISATION_OIN when it has none."""
    from django.conf import settings

    setting = getattr(settings, "IKO_ORGANISATION_OIN", "")
    if organisation_id is None or (setting and organisation_id == organisation_default_id()):
        return setting
    oin = cached_value(
        ("organisation-oin", organisation_id),
        lambda: Organisation.objects.filter(pk=organisation_id).values_list("oin", flat=True).first() or "",
    )
    return oin or setting


def organisation_as_citizens_see_it(organisation_id: int | None) -> dict[str, str]:
    """{name, oin} of the organisation that processed, for "what has been done with my data": for
    the default organisation IKO_ORGANISATION_NAME and IKO_ORGANISATION_OIN, as before there were
    organisations; for another its own."""
    from django.conf import settings

    organisation_id = organisation_scope(organisation_id)
    if organisation_id == organisation_default_id():
        return {"name": getattr(settings, "IKO_ORGANISATION_NAME", ""), "oin": getattr(settings, "IKO_ORGANISATION_OIN", "")}
    row = cached_value(
        ("organisation-public", organisation_id),
        lambda: Organisation.objects.filter(pk=organisation_id).values_list("name", "oin").first() or ("", ""),
    )
    return {"name": row[0], "oin": row[1]}
