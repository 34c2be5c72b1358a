"""Authentication of citizens and companies on the self-service paths: tokens of the citizens' issuer.

A citizen logs in at the municipality's portal with DigiD, a company with eHerkenning, through the
municipality's identity broker; the portal passes on the broker's access token
(`Authorization: Bearer <jwt>`). That issuer is not the staff issuer (`IKO_OIDC_ISSUER`) and has
its own JWKS, audience and claims (`IKO_CITIZEN_*` settings):

- the token is checked by `api.oidc.token_validate` (signature against the citizens' issuer's JWKS,
  algorithm allow-list, issuer, audience, expiry, not-before): the same checks as staff tokens,
  another issuer;
- the BSN (`IKO_CITIZEN_BSN_CLAIM`) and/or KVK number (`IKO_CITIZEN_KVK_CLAIM`) are the subjects
  the citizen may see; a token without a valid one is refused;
- the portal (`IKO_CITIZEN_PORTAL_CLAIM`, `azp` by default) is what self-service grants name;
- the level of assurance (`IKO_CITIZEN_LOA_CLAIM`) is checked by the services, so that a login
  that is too weak is refused with a processing record (profiles/services/self_service/admission.py).

Staff tokens and citizen tokens cannot be confused: the settings refuse one issuer for both;
`CitizenBearerAuthentication` only takes tokens whose issuer is the citizens' (others pass to the
staff authentication, and the self-service views then refuse them with `citizen-token-required`),
and the staff paths do not have this authentication at all, so a citizen token is refused there
with a 401 (wrong issuer). Specs: RFC 6750, RFC 8725, RFC 9068, OpenID Connect Discovery 1.0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication

from profiles.access.api_clients import TOKEN_PREFIX
from profiles.refusals import InvalidSubject
from profiles.services.self_service.citizen import Citizen
from profiles.subjects import Subject, subject_parse

from .authentication import InvalidBearerToken
from .oidc import (
    OidcProviderUnavailable, TokenInvalid, claim_at, discovery_document, organisation_from_claims, token_validate,
)


def citizen_issuer() -> str:
    return getattr(settings, "IKO_CITIZEN_ISSUER", "") or ""


def self_service_enabled() -> bool:
    return bool(citizen_issuer())


def citizen_jwks_uri() -> str:
    """The citizens' issuer's JWKS: the setting, else its discovery document's (never the staff one)."""
    explicit = getattr(settings, "IKO_CITIZEN_JWKS_URI", "")
    if explicit:
        return explicit
    uri = str(discovery_document(citizen_issuer()).get("jwks_uri") or "")
    if not uri:
        raise OidcProviderUnavailable("The citizens' issuer publishes no jwks_uri.")
    return uri


@dataclass(frozen=True)
class CitizenPrincipal:
    """`request.user` on the self-service paths: the citizen, and who vouched for them."""

    citizen: Citizen
    issuer: str
    token_subject: str  # `sub`: for the rate limit only (hashed there), never logged

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    @property
    def name(self) -> str:
        return self.citizen.actor

    def get_username(self) -> str:
        return self.citizen.actor

    def __str__(self) -> str:
        return self.citizen.actor


def _subjects(claims: dict[str, Any]) -> tuple[Subject, ...]:
    found = []
    for subject_type, setting in (("bsn", "IKO_CITIZEN_BSN_CLAIM"), ("kvk", "IKO_CITIZEN_KVK_CLAIM")):
        path = getattr(settings, setting, "")
        value = claim_at(claims, path) if path else None
        if value is None:
            continue
        try:
            found.append(subject_parse(subject_type=subject_type, value=str(value) if isinstance(value, (str, int)) else ""))
        except InvalidSubject:
            # The broker vouches for this number; one that is not valid means a misconfigured
            # claim, and must never widen or narrow what the citizen sees.
            raise TokenInvalid("invalid-claim", f"The token's {path!r} claim is not a valid {subject_type.upper()}.") from None
    if not found:
        raise TokenInvalid("missing-claim", "The token names no BSN or KVK number: it is not a citizen's or company's login.")
    return tuple(found)


def citizen_from_token(token: str) -> CitizenPrincipal:
    """Validate a token of the citizens' issuer and return its principal (raises TokenInvalid)."""
    issuer = citizen_issuer()
    claims = token_validate(
        token, audience=list(settings.IKO_CITIZEN_AUDIENCE), issuer=issuer, jwks_uri=citizen_jwks_uri()
    )
    portal = claim_at(claims, settings.IKO_CITIZEN_PORTAL_CLAIM) or claims.get("client_id") or ""
    loa = claim_at(claims, settings.IKO_CITIZEN_LOA_CLAIM) if settings.IKO_CITIZEN_LOA_CLAIM else None
    return CitizenPrincipal(
        citizen=Citizen(
            subjects=_subjects(claims),
            portal=str(portal) if isinstance(portal, (str, int)) else "",
            level_of_assurance=str(loa) if isinstance(loa, (str, int)) else "",
            organisation_id=organisation_from_claims(claims, "IKO_CITIZEN_ORGANISATION_CLAIM"),
        ),
        issuer=claims["iss"],
        token_subject=claims["sub"],
    )


def _unverified_issuer(token: str) -> str:
    """The token's `iss` before any check: only to choose which issuer's checks apply."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return ""
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    return issuer.rstrip("/") if isinstance(issuer, str) else ""


class CitizenBearerAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <jwt>` from the citizens' issuer (self-service paths only).

    Returns None for anything else (an API-client token, a staff token, no token), so that the
    staff authentication classes after it can identify the caller, whom the self-service views
    then refuse with a logged `citizen-token-required`. An invalid citizen token is a 401 that
    says why; an issuer that cannot be reached for its keys a 503.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        issuer = citizen_issuer()
        if not issuer:
            return None
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or token.startswith(TOKEN_PREFIX):
            return None
        if _unverified_issuer(token) != issuer.rstrip("/"):
            return None
        try:
            return citizen_from_token(token), None
        except TokenInvalid as exc:
            raise InvalidBearerToken(exc.detail) from exc
        except OidcProviderUnavailable as exc:
            from .problems import ProblemError

            raise ProblemError(
                status_code=503, code="identity-provider-unavailable", title="Service unavailable",
                detail="The login cannot be checked now: the citizens' identity provider cannot be reached.",
            ) from exc

    def authenticate_header(self, request):
        return f'{self.keyword} realm="iko-self-service"'


class CitizenBearerScheme(OpenApiAuthenticationExtension):
    """OpenAPI security scheme of `CitizenBearerAuthentication` (registered on import)."""

    target_class = "api.citizen_auth.CitizenBearerAuthentication"
    name = "citizenBearer"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": (
                "A citizen's (DigiD) or company's (eHerkenning) access token from the municipality's "
                "identity broker, passed on by the portal. Accepted on the self-service paths only."
            ),
        }
