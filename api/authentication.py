"""Authentication of API callers.

- API clients by their token: `Authorization: Token <token>`. `Bearer` is accepted as well for
  tokens that start with `iko_`, so clients that only know bearer tokens work too. The principal
  of the request is the `ApiClient` itself.
- OIDC access tokens that a caller passes on for its user (`Authorization: Bearer <jwt>`, when
  `IKO_OIDC_ENABLED`): the principal is an `api.principals.OidcPrincipal`. Validation is in
  `api.oidc.token_validate` (RFC 6750, RFC 8725, RFC 9068).
- Staff sessions of the admin (the browsable API, the admin's preview), once the admin's login is
  complete: a session opened by a password whose second factor is still missing (a first login
  that has not set up its authenticator app yet) is no login for the API either.
"""

from __future__ import annotations

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from profiles.access.api_clients import TOKEN_PREFIX, ApiClient, token_hash
from profiles.access.config_cache import config_cached

from .oidc import OidcProviderUnavailable, TokenInvalid, oidc_enabled, principal_from_token


def api_client_by_token(token: str) -> ApiClient | None:
    """The enabled API client with this token, reused for a few seconds (profiles.access.config_cache).

    Keyed by the token's hash, never the token. Saving or deleting an API client in this process
    clears the cache at once; on other instances a disabled client stops working within
    IKO_CONFIG_CACHE_SECONDS. The instance is shared between requests: treat it as read-only.
    """
    hashed = token_hash(token)
    return config_cached(
        ("api-client", hashed),
        lambda: ApiClient.objects.select_related("default_purpose").filter(token_hash=hashed, enabled=True).first(),
    )


class ApiClientTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme == self.keyword or (scheme == "Bearer" and token.startswith(TOKEN_PREFIX)):
            if not token:
                raise exceptions.AuthenticationFailed("The Authorization header has no token.")
            client = api_client_by_token(token)
            if client is None:
                raise exceptions.AuthenticationFailed("Unknown or disabled API token.")
            return client, None
        return None

    def authenticate_header(self, request):
        return self.keyword


class InvalidBearerToken(exceptions.AuthenticationFailed):
    default_code = "invalid_token"  # problem code `invalid-token` (RFC 6750's error name)


class OidcBearerAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <jwt>`: an access token from the configured OIDC issuer.

    Inactive (returns None) while OIDC is disabled, and for `iko_` tokens, which belong to
    `ApiClientTokenAuthentication`. An invalid token is a 401 that says why; an identity provider
    that cannot be reached for its keys is a 503, never a 500. A token that names a citizen
    (`IKO_OIDC_CITIZEN_*_CLAIM`) is a 401 too: citizens come only from the citizens' issuer. The
    self-service paths set `identify_citizen_claims` to identify such a token, and refuse it logged.
    """

    keyword = "Bearer"
    identify_citizen_claims = False

    def authenticate(self, request):
        if not oidc_enabled():
            return None
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or token.startswith(TOKEN_PREFIX):
            return None
        if not token:
            raise InvalidBearerToken("The Authorization header has no token.")
        try:
            principal = principal_from_token(token)
        except TokenInvalid as exc:
            raise InvalidBearerToken(exc.detail) from exc
        except OidcProviderUnavailable as exc:
            # Imported here: api.problems imports rest_framework.views, which imports this module.
            from .problems import ProblemError

            raise ProblemError(
                status_code=503, code="identity-provider-unavailable", title="Service unavailable",
                detail="The access token cannot be checked now: the identity provider cannot be reached.",
            ) from exc
        if principal.names_citizen and not self.identify_citizen_claims:
            raise InvalidBearerToken(
                f"This token of the staff issuer names a citizen (claim {principal.citizen_claim!r}); a citizen's "
                "token must come from the citizens' issuer, and is accepted on the self-service paths only."
            )
        return principal, None

    def authenticate_header(self, request):
        return f'{self.keyword} realm="iko"'


class OidcBearerScheme(OpenApiAuthenticationExtension):
    """OpenAPI security scheme of `OidcBearerAuthentication` (registered on import)."""

    target_class = "api.authentication.OidcBearerAuthentication"
    name = "oidcBearer"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": (
                "An OIDC access token from the organisation's identity provider, passed on for "
                "the user (`Bearer <jwt>`); accepted when IKO is configured for OIDC. Its roles "
                "come from the configured roles claim."
            ),
        }


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """Django's session authentication, for sessions that passed the admin's second factor (or
    needed none: OIDC logins, the demo). maykin-2fa's middleware gives the user `is_verified()`."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        is_verified = getattr(result[0], "is_verified", None)
        if is_verified is not None and not is_verified():
            return None
        return result


class VerifiedSessionScheme(SessionScheme):
    """The OpenAPI security scheme of the session (`cookieAuth`), as for Django's own."""

    target_class = "api.authentication.VerifiedSessionAuthentication"
