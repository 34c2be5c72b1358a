"""Grant resolution: may this principal use this profile for this purpose, and with which fields?

Deny by default: no grant, no data (docs/privacy/index.md, "Grants: who may ask what"). A
principal is one of:
- an API client (its own token): grants of kind `api_client`;
- a staff user with a session: grants for its Django groups, and role grants naming one of them;
- a user whose OIDC access token a case system passes on: role grants for the roles in the token
  (`IKO_OIDC_ROLES_CLAIM`), and group grants for groups of the same name (at staff login the
  roles become those groups, so one grant serves both ways in);
- a citizen portal passing on the token of a logged-in citizen (a token of the citizens' issuer,
  api/citizen_auth.py, naming the citizen's BSN or KVK number): only self-service grants for that
  portal's client id, and only for the citizen's own BSN or KVK number. Such a principal never
  matches role or group grants. A token of the staff issuer that names a citizen matches nothing.

Grants add up: with several grants for the profile and purpose, a grant without narrowing wins;
otherwise the union of their fields is released. Likewise for the maximum
vertrouwelijkheidaanduiding of documents: a grant without one sets no limit of its own, otherwise
the most confidential of their maxima applies (it travels to the sources in the call context and
only ever lowers a Documenten source's own maximum). A grant outside its valid from/until period does
not count. Without a purpose in the request, the API client's default purpose is used, else the
purpose of the principal's grant marked as default for the profile; that grant's purpose also wins
when the client has no grant on the profile for its own default purpose.

Cost: the grants of one principal are read with one small query and kept in this process for at
most `IKO_GRANT_CACHE_SECONDS` (default 5), so a view does zero grant queries when warm. A grant,
purpose, profile, API client or group saved in this process clears the cache at once; on other
instances a revocation takes effect within that time.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from connectors.base import VERTROUWELIJKHEIDAANDUIDINGEN
from profiles.access.config_cache import ShortLivedCache, config_cached
from profiles.access.models import Grant, Purpose
from profiles.access.principals import Principal, principal_of
from profiles.organisations.selectors import organisation_scope
from profiles.refusals import PurposeMissing
from profiles.subjects import SUBJECT_TYPES, Subject

# The cache never grows past this many principals (a flood of made-up role sets cannot fill memory).
MAX_CACHED_PRINCIPALS = 10_000



# --- what is cached per principal ------------------------------------------------------------------


@dataclass(frozen=True)
class PurposeInfo:
    id: int
    code: str
    name: str
    processing_activity_id: str
    brp_doelbinding_consult: str
    brp_doelbinding_search: str
    brp_verwerking: str

    @classmethod
    def of(cls, purpose) -> "PurposeInfo":
        return cls(
            id=purpose.pk, code=purpose.code, name=purpose.name,
            processing_activity_id=purpose.processing_activity_id,
            brp_doelbinding_consult=purpose.brp_doelbinding_consult,
            brp_doelbinding_search=purpose.brp_doelbinding_search,
            brp_verwerking=purpose.brp_verwerking,
        )


@dataclass(frozen=True)
class GrantInfo:
    id: int
    kind: str
    profile_id: int
    purpose: PurposeInfo
    fields: tuple[str, ...]  # empty: everything the profile releases
    is_default: bool
    valid_from: datetime | None
    valid_until: datetime | None
    # The most confidential documents its views show; "": no limit of its own.
    max_vertrouwelijkheidaanduiding: str = ""

    def in_force(self, now: datetime) -> bool:
        return (self.valid_from is None or self.valid_from <= now) and (
            self.valid_until is None or now < self.valid_until
        )


def _principal_filter(principal: Principal) -> Q | None:
    from django.contrib.auth.models import Group

    Kind = Grant.Kind
    if principal.kind == "api_client":
        return Q(kind=Kind.API_CLIENT, api_client_id=principal.api_client_id)
    if principal.kind == "user":
        group_names = Group.objects.filter(user__id=principal.user_id).values("name")
        return Q(kind=Kind.GROUP, group__user__id=principal.user_id) | Q(kind=Kind.ROLE, role__in=group_names)
    if principal.kind == "oidc" and principal.roles:
        roles = sorted(principal.roles)
        return Q(kind=Kind.ROLE, role__in=roles) | Q(kind=Kind.GROUP, group__name__in=roles)
    if principal.kind == "self_service" and principal.client_id:
        return Q(kind=Kind.SELF_SERVICE, portal_client_id=principal.client_id)
    return None


def _grant_info(grant) -> GrantInfo:
    return GrantInfo(
        id=grant.pk, kind=grant.kind, profile_id=grant.profile_id, purpose=PurposeInfo.of(grant.purpose),
        fields=tuple(grant.fields or ()), is_default=grant.is_default,
        valid_from=grant.valid_from, valid_until=grant.valid_until,
        max_vertrouwelijkheidaanduiding=grant.max_vertrouwelijkheidaanduiding,
    )


def grants_query(principal: Principal):
    """The enabled grants of a principal (all profiles of its organisation) as a queryset, or None
    for none at all. Groups, roles and portals are names that several organisations may use: only
    grants on the principal's own organisation's profiles count."""
    condition = _principal_filter(principal)
    if condition is None:
        return None
    return Grant.objects.filter(
        condition, enabled=True, profile__organisation_id=organisation_scope(principal.organisation_id),
    )


def _grants_load(principal: Principal) -> tuple[GrantInfo, ...]:
    queryset = grants_query(principal)
    if queryset is None:
        return ()
    seen: dict[int, GrantInfo] = {}
    for grant in queryset.select_related("purpose"):  # one query
        seen.setdefault(grant.pk, _grant_info(grant))  # a user in two groups joins a grant twice
    return tuple(seen.values())


_cache = ShortLivedCache("IKO_GRANT_CACHE_SECONDS", max_entries=MAX_CACHED_PRINCIPALS)


def principal_grants(principal: Principal) -> tuple[GrantInfo, ...]:
    """The principal's enabled grants, from the in-process cache when it is fresh enough."""
    return _cache.get(principal.cache_key, lambda: _grants_load(principal))


def grant_cache_clear(**_: Any) -> None:
    _cache.clear()


# --- resolution ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantDecision:
    allowed: bool
    purpose_code: str
    purpose: PurposeInfo | None = None
    grant_ids: tuple[int, ...] = ()
    # None: everything the profile releases; else only these paths of the view's data.
    fields: tuple[str, ...] | None = None
    reason: str = ""  # why it was denied, for the processing log
    detail: str = ""  # why it was denied, in words for the caller
    # The most confidential documents the view may show; "": the grants set no limit.
    max_vertrouwelijkheidaanduiding: str = ""

    @property
    def grant_id(self) -> int | None:
        return self.grant_ids[0] if self.grant_ids else None


def _default_purpose(principal: Principal, grants: list[GrantInfo], now: datetime) -> str:
    defaults = sorted({g.purpose.code for g in grants if g.is_default and g.in_force(now)})
    # The client's default purpose, unless it has no grant on this profile for it and a grant on
    # this profile names its own default: a client that serves a KCC profile and an address view
    # for permit handlers gets each view for its own purpose (the Valtimo paths name none).
    granted = {g.purpose.code for g in grants if g.in_force(now)}
    if principal.default_purpose_code and (principal.default_purpose_code in granted or not defaults):
        return principal.default_purpose_code
    if len(defaults) == 1:
        return defaults[0]
    if defaults:
        raise PurposeMissing(
            f"Name a purpose: you have several default purposes for this profile ({', '.join(defaults)})."
        )
    if principal.kind == "api_client":
        raise PurposeMissing("Name a purpose: this API client has no default purpose.")
    raise PurposeMissing("Name a purpose: you have no default purpose for this profile.")


def grant_resolve(
    *, principal: Any, profile, purpose_code: str | None, subject: Subject | None = None,
    now: datetime | None = None,
) -> GrantDecision:
    """Decide whether `principal` may use `profile` for the purpose (or its default purpose).

    Raises PurposeMissing when no purpose is given and there is no single default. With a
    self-service principal, `subject` must be the citizen's own BSN or KVK number.
    """
    who = principal_of(principal)
    now = now or timezone.now()
    on_profile = [g for g in principal_grants(who) if g.profile_id == profile.pk]
    if not purpose_code:
        purpose_code = _default_purpose(who, on_profile, now)
    for_purpose = [g for g in on_profile if g.purpose.code == purpose_code]
    if not for_purpose:
        return GrantDecision(
            allowed=False, purpose_code=purpose_code, reason="no-grant",
            detail=f"No grant to use profile {profile.name} for purpose {purpose_code}.",
        )
    purpose = for_purpose[0].purpose
    in_force = [g for g in for_purpose if g.in_force(now)]
    if not in_force:
        return GrantDecision(
            allowed=False, purpose_code=purpose_code, purpose=purpose, reason="grant-not-in-force",
            grant_ids=tuple(g.id for g in for_purpose),
            detail=f"Your grant to use profile {profile.name} for purpose {purpose_code} is not in force now.",
        )
    if who.kind == "self_service":
        own = who.citizen_id(subject.type) if subject is not None else None
        if own is None or not hmac.compare_digest(own.encode(), subject.value.encode()):
            return GrantDecision(
                allowed=False, purpose_code=purpose_code, purpose=purpose,
                reason="self-service-subject-mismatch", grant_ids=tuple(g.id for g in in_force),
                detail="Self-service shows only your own data: the subject must be the person or "
                "company you logged in as.",
            )
    fields = None
    if all(g.fields for g in in_force):
        fields = tuple(dict.fromkeys(f for g in in_force for f in g.fields))
    return GrantDecision(
        allowed=True, purpose_code=purpose_code, purpose=purpose,
        grant_ids=tuple(g.id for g in in_force), fields=fields,
        max_vertrouwelijkheidaanduiding=grants_maximum(in_force),
    )


def grants_maximum(grants: list[GrantInfo]) -> str:
    """The maximum vertrouwelijkheidaanduiding of grants that add up: "" (no limit of their own)
    when one of them has none, else the most confidential of theirs."""
    if not grants or not all(g.max_vertrouwelijkheidaanduiding for g in grants):
        return ""
    # A value that is not the API's (never through the admin or the configuration) ranks lowest:
    # alone it reaches the connector, which refuses it rather than show everything.
    return max((g.max_vertrouwelijkheidaanduiding for g in grants),
               key=lambda v: VERTROUWELIJKHEIDAANDUIDINGEN.index(v) if v in VERTROUWELIJKHEIDAANDUIDINGEN else -1)


def grant_exists(*, principal: Any, profile, now: datetime | None = None) -> bool:
    """Whether the principal holds any grant in force on the profile (for any purpose)."""
    now = now or timezone.now()
    return any(
        g.profile_id == profile.pk and g.in_force(now) for g in principal_grants(principal_of(principal))
    )


def grant_purposes(*, principal: Any, profile, now: datetime | None = None) -> list[str]:
    """The codes of the purposes for which the principal holds a grant in force on the profile."""
    now = now or timezone.now()
    return sorted({
        g.purpose.code for g in principal_grants(principal_of(principal))
        if g.profile_id == profile.pk and g.in_force(now)
    })


def grant_fields_union(*, principal: Any, profile, now: datetime | None = None) -> tuple[str, ...] | None:
    """What the principal's grants in force on the profile release together, whatever the
    purpose: None when one of them releases everything the profile does (or there is none), else
    the union of their paths. For describing a profile to a caller (its schema, its searches)."""
    now = now or timezone.now()
    grants = [g for g in principal_grants(principal_of(principal)) if g.profile_id == profile.pk and g.in_force(now)]
    if not grants or not all(g.fields for g in grants):
        return None
    return tuple(dict.fromkeys(f for g in grants for f in g.fields))


def grant_decide(*, principal: Any, profile, purpose_code: str | None, subject: Subject) -> GrantDecision:
    """`grant_resolve` for searches and endpoint calls, whose subject may be search criteria.

    Without a purpose, the caller's default applies. A caller without any grant on the profile
    has no default either: that is a denial (to be logged), not a missing purpose. PurposeMissing
    is raised only when the caller has grants but no single default purpose.
    """
    try:
        return grant_resolve(
            principal=principal, profile=profile, purpose_code=purpose_code,
            # Self-service: only a search for the citizen's own number can match its grant.
            subject=subject if subject.type in SUBJECT_TYPES else None,
        )
    except PurposeMissing:
        if grant_exists(principal=principal, profile=profile):
            raise
        return GrantDecision(
            allowed=False, purpose_code="", reason="no-grant",
            detail=f"No grant to use profile {profile.name}.",
        )


def purpose_get(*, code: str, organisation_id: int | None) -> Purpose | None:
    """The organisation's purpose with this code, reused for a few seconds (see config_cache)."""
    organisation_id = organisation_scope(organisation_id)
    return config_cached(
        ("purpose", organisation_id, code),
        lambda: Purpose.objects.filter(organisation_id=organisation_id, code=code).first(),
    )


# --- keeping the cache honest --------------------------------------------------------------------

# A change to any of these can change a grant decision. By label, so this module imports no models.
WATCHED_MODELS = {"profiles.grant", "profiles.purpose", "profiles.profile", "profiles.apiclient", "auth.group"}


def _on_change(sender, **kwargs: Any) -> None:
    if sender._meta.label_lower in WATCHED_MODELS:
        grant_cache_clear()


def _on_membership_change(sender, **kwargs: Any) -> None:
    if sender._meta.label_lower == "auth.user_groups":
        grant_cache_clear()


post_save.connect(_on_change, dispatch_uid="iko-grant-cache-save")
post_delete.connect(_on_change, dispatch_uid="iko-grant-cache-delete")
m2m_changed.connect(_on_membership_change, dispatch_uid="iko-grant-cache-membership")
