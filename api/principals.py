"""The principal of a request authenticated with an OIDC bearer access token.

A case system such as Valtimo passes on the case worker's own access token. There is no Django
user behind it: the principal is the token's subject, with the roles read from the configured
claim (`IKO_OIDC_ROLES_CLAIM`). Grants can name those roles; Django groups do not apply here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class OidcPrincipal:
    subject: str
    username: str
    roles: frozenset[str] = frozenset()
    issuer: str = ""
    client_id: str = ""  # the `azp` (or `client_id`) claim: the system that obtained the token
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
    def name(self) -> str:
        """The actor as written to the processing log: `oidc:<username>`."""
        return f"oidc:{self.username}"

    def get_username(self) -> str:
        return self.username

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def __str__(self) -> str:
        return self.username
