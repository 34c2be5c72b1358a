"""The principal of a request authenticated with an OIDC bearer access token.

A case system such as Valtimo passes on the case worker's own access token. There is no Django
user behind it: the principal is the token's subject, with the roles read from the configured
claim (`IKO_OIDC_ROLES_CLAIM`). Grants can name those roles, or Django groups of the same name.

A citizen's token, passed on by a self-service portal, carries the citizen's own BSN or KVK number
(`IKO_OIDC_CITIZEN_BSN_CLAIM`, `IKO_OIDC_CITIZEN_KVK_CLAIM`): such a principal only matches
self-service grants, and only for that subject (profiles.access.grants). Its name in the processing log
is the portal, never the citizen's username, which may be the BSN itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The subject types a citizen can be in a self-service token: a person or a company.
SELF_SERVICE_SUBJECT_TYPES = ("bsn", "kvk")


@dataclass(frozen=True)
class OidcPrincipal:
    subject: str
    username: str
    roles: frozenset[str] = frozenset()
    issuer: str = ""
    client_id: str = ""  # the `azp` (or `client_id`) claim: the system that obtained the token
    # A citizen's own identifiers from the token, e.g. (("bsn", "999993653"),); empty for staff.
    citizen_ids: tuple[tuple[str, str], ...] = field(default=(), repr=False)
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
    def is_citizen(self) -> bool:
        return bool(self.citizen_ids)

    @property
    def name(self) -> str:
        """The actor as written to the processing log: `oidc:<username>`, or for a citizen's
        token `self-service:<portal client id>` (never the citizen's username or BSN)."""
        if self.is_citizen:
            return f"self-service:{self.client_id or 'unknown-portal'}"
        return f"oidc:{self.username}"

    def get_username(self) -> str:
        return self.username

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def __str__(self) -> str:
        return self.name if self.is_citizen else self.username


@dataclass(frozen=True)
class Caller:
    """Who asks: the principal (API client, staff user, OIDC token user or citizen portal), and the
    end user it acts for (if it says so)."""

    api_client: Any
    name: str
    on_behalf_of: str = ""
    # The request's principal: a plain Principal (the front doors pass one), or an ApiClient,
    # Django user or OidcPrincipal; grants are resolved for it. None: the api_client, if any.
    principal: Any = None
    kind: str = ""  # api_client | user | oidc | self_service (processing log: actor_type)
    system: str = ""  # the calling application: API client name or the token's OIDC client
    gebruiker: str = ""  # x-gebruiker towards the BRP: the end user, or BurgerZelf

    @property
    def grant_principal(self) -> Any:
        return self.principal if self.principal is not None else self.api_client
