"""Principals: who asks. `Principal` is the plain form grants are resolved for; `principal_of`
makes it from a request's user (an API client, an OIDC token's principal or a Django user).
`Caller` adds what the processing log and the sources are told about who asks.

An OIDC bearer access token's principal (`OidcPrincipal`): a case system such as Valtimo passes on the case worker's own access token. There is no Django
user behind it: the principal is the token's subject, with the roles read from the configured
claim (`IKO_OIDC_ROLES_CLAIM`). Grants can name those roles, or Django groups of the same name.

Citizens come only from the citizens' issuer (api/citizen_auth.py): the self-service services
resolve their grants for a `Principal` of kind `self_service` that names the portal and the
citizen's own BSN or KVK number, and only that subject matches (profiles.access.grants). A token of
the staff issuer that names a citizen (`IKO_OIDC_CITIZEN_BSN_CLAIM`, `IKO_OIDC_CITIZEN_KVK_CLAIM`)
is never a citizen and never staff: it is nobody here, and the front doors refuse it. Its name in
the processing log is its client, never its username, which may be the BSN itself.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from profiles.access.api_clients import ApiClient
from profiles.organisations.selectors import organisation_id_of_user

# The subject types a citizen can be in a self-service token: a person or a company.
SELF_SERVICE_SUBJECT_TYPES = ("bsn", "kvk")
# Unicode categories an end user's name may not hold: control characters (CR, LF, TAB...), format
# characters (the bidirectional overrides and isolates, zero-width characters) and line and
# paragraph separators. The name goes into processing records, log lines and the x-gebruiker
# header towards sources, where such characters forge lines or hide what is written.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def end_user_text_unsafe(value: str) -> bool:
    """True when an end user's name (onBehalfOf, a token's username) holds a character that may
    not go into records, logs or headers (`UNSAFE_CATEGORIES`)."""
    return any(unicodedata.category(character) in UNSAFE_CATEGORIES for character in value)


@dataclass(frozen=True)
class OidcPrincipal:
    subject: str
    username: str
    roles: frozenset[str] = frozenset()
    issuer: str = ""
    client_id: str = ""  # the `azp` (or `client_id`) claim: the system that obtained the token
    # The claim that names a citizen in this staff-issuer token (e.g. "bsn"); empty for staff.
    citizen_claim: str = ""
    # The organisation the token's issuer or organisation claim maps to (api/oidc.py); None: the
    # default organisation.
    organisation_id: int | None = None
    claims: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    # What DRF's permission classes and Django code ask of request.user.
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    @property
    def names_citizen(self) -> bool:
        return bool(self.citizen_claim)

    @property
    def name(self) -> str:
        """The actor as written to the processing log: `oidc:<username>`, or for a token that
        names a citizen `oidc-client:<client id>` (never its username, which may be a BSN)."""
        if self.names_citizen:
            return f"oidc-client:{self.client_id or 'unknown-client'}"
        return f"oidc:{self.username}"

    def get_username(self) -> str:
        return self.username

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def __str__(self) -> str:
        return self.name if self.names_citizen else self.username


@dataclass(frozen=True)
class Principal:
    """Who asks, as far as grants are concerned: plain data, no ORM."""

    kind: str  # api_client | user | oidc | self_service | none
    api_client_id: int | None = None
    user_id: int | None = None
    roles: frozenset[str] = frozenset()
    client_id: str = ""  # the OIDC client (azp) that obtained the token
    # Self-service only: the citizen's own identifiers from the citizens' issuer's token,
    # e.g. (("bsn", "999993653"),).
    citizen_ids: tuple[tuple[str, str], ...] = dataclasses.field(default=(), repr=False)
    default_purpose_code: str = ""
    # The organisation (tenant) the principal acts in: every selector is scoped to it
    # (profiles.organisations.selectors). None: the default organisation.
    organisation_id: int | None = None

    @property
    def cache_key(self) -> tuple:
        # Never the citizen's identifiers: which grants apply does not depend on them.
        return (self.kind, self.api_client_id, self.user_id, tuple(sorted(self.roles)), self.client_id,
                self.organisation_id)

    def citizen_id(self, subject_type: str) -> str | None:
        return dict(self.citizen_ids).get(subject_type)


NOBODY = Principal(kind="none")


def principal_of(obj: Any) -> Principal:
    """The plain principal of a request's user: an ApiClient, an OidcPrincipal or a Django user.

    The front doors call this with `request.user` before they call a service, so services and
    grants see only plain data."""
    if isinstance(obj, Principal):
        return obj
    if isinstance(obj, ApiClient):
        default = obj.default_purpose.code if obj.default_purpose_id else ""
        return Principal(kind="api_client", api_client_id=obj.pk, default_purpose_code=default,
                         organisation_id=obj.organisation_id)
    if isinstance(obj, OidcPrincipal):
        if obj.names_citizen:
            # Deny by default: a staff-issuer token never acts as a citizen, nor with its roles.
            return NOBODY
        return Principal(kind="oidc", roles=frozenset(obj.roles), client_id=obj.client_id,
                         organisation_id=obj.organisation_id)
    if obj is not None and getattr(obj, "is_authenticated", False) and getattr(obj, "pk", None):
        return Principal(kind="user", user_id=obj.pk, organisation_id=organisation_id_of_user(obj))
    return NOBODY


@dataclass(frozen=True)
class Caller:
    """Who asks: the principal (API client, staff user, OIDC token user or citizen portal), and the
    end user it acts for (if it says so)."""

    api_client: Any
    name: str
    on_behalf_of: str = ""
    # Whom grants are resolved for: a plain Principal (what the front doors pass, see
    # principal_of), or an ApiClient, Django user or OidcPrincipal. None: the api_client, if any.
    principal: Any = None
    kind: str = ""  # api_client | user | oidc | self_service (processing log: actor_type)
    system: str = ""  # the calling application: API client name or the token's OIDC client
    gebruiker: str = ""  # x-gebruiker towards the BRP: the end user, or BurgerZelf

    @property
    def grant_principal(self) -> Any:
        return self.principal if self.principal is not None else self.api_client

    @property
    def organisation_id(self) -> int | None:
        """The organisation the caller acts in (None: the default one)."""
        return principal_of(self.grant_principal).organisation_id
