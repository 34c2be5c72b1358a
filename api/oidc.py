"""OpenID Connect: staff login to the admin and validation of bearer access tokens.

Two uses of one issuer (the organisation's identity provider, e.g. Keycloak):

- **Staff login** (authorization code flow with PKCE, through mozilla-django-oidc): `OidcBackend`
  creates or updates the Django user, maps the roles in `IKO_OIDC_ROLES_CLAIM` to the Django
  groups of the same name that exist, and sets `is_staff`/`is_superuser` from the configured roles.
  `OidcLoginView` and `OidcCallbackView` are mozilla's views with the endpoints resolved lazily.
- **Bearer access tokens** that a case system passes on for its user (Valtimo does this):
  `token_validate` checks the signature against the issuer's JWKS, the algorithm against an
  allow-list, issuer, audience, expiry and not-before; `api.authentication.OidcBearerAuthentication`
  turns the claims into an `api.principals.OidcPrincipal`.

Endpoints are read from `<issuer>/.well-known/openid-configuration` on first use (cached per
process) unless set explicitly. The JWKS is cached per process by `jwt.PyJWKClient`.

Specs: OpenID Connect Core 1.0 (sections 3.1.3.7 ID token validation, 5.3.2 userinfo `sub`),
OpenID Connect Discovery 1.0 (section 4.3: the document's `issuer` must equal the issuer),
RFC 6750 (bearer tokens), RFC 8725 (JWT best current practice: algorithm allow-lists),
RFC 9068 (JWT access tokens).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from profiles.access.principals import OidcPrincipal, end_user_text_unsafe

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
# Explicit settings that win over the discovery document.
ENDPOINT_SETTINGS = {
    "authorization_endpoint": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "OIDC_OP_TOKEN_ENDPOINT",
    "userinfo_endpoint": "OIDC_OP_USER_ENDPOINT",
    "jwks_uri": "OIDC_OP_JWKS_ENDPOINT",
}
# After a failed discovery, do not ask the provider again for this long (each bearer request
# would otherwise wait for the provider's timeout).
DISCOVERY_RETRY_SECONDS = 10.0

_lock = threading.Lock()
_discovery: dict[str, dict[str, Any]] = {}
_discovery_failed_at: dict[str, float] = {}
_jwks_clients: dict[tuple[str, int], jwt.PyJWKClient] = {}


class OidcProviderUnavailable(Exception):
    """The identity provider could not be asked (discovery or JWKS); not the caller's fault."""


class TokenInvalid(Exception):
    """A token failed validation; `detail` says why in words fit for the caller."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def oidc_enabled() -> bool:
    return bool(getattr(settings, "IKO_OIDC_ENABLED", False))


def password_login_enabled() -> bool:
    return bool(getattr(settings, "IKO_PASSWORD_LOGIN_ENABLED", True))


def oidc_caches_clear() -> None:
    """Forget discovery documents and JWKS clients (tests; a changed configuration)."""
    with _lock:
        _discovery.clear()
        _discovery_failed_at.clear()
        _jwks_clients.clear()


def _issuer() -> str:
    issuer = getattr(settings, "IKO_OIDC_ISSUER", "")
    if not issuer:
        raise ImproperlyConfigured("IKO_OIDC_ISSUER is not set.")
    return issuer


def discovery_document(issuer: str) -> dict[str, Any]:
    """The provider's discovery document, fetched once per process."""
    with _lock:
        if issuer in _discovery:
            return _discovery[issuer]
        failed_at = _discovery_failed_at.get(issuer)
        if failed_at is not None and time.monotonic() - failed_at < DISCOVERY_RETRY_SECONDS:
            raise OidcProviderUnavailable(f"The discovery document of {issuer} could not be fetched.")
        url = issuer.rstrip("/") + DISCOVERY_PATH
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT, allow_redirects=False)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            _discovery_failed_at[issuer] = time.monotonic()
            logger.warning("OIDC discovery at %s failed: %s", url, type(exc).__name__)
            raise OidcProviderUnavailable(f"The discovery document {url} could not be fetched.") from exc
        if not isinstance(document, dict) or str(document.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
            # Discovery 1.0, 4.3: a document naming another issuer must not be used.
            _discovery_failed_at[issuer] = time.monotonic()
            logger.warning("OIDC discovery at %s names another issuer: %r", url, document.get("issuer") if isinstance(document, dict) else None)
            raise OidcProviderUnavailable(f"The discovery document {url} names another issuer.")
        _discovery[issuer] = document
        return document


def oidc_endpoint(name: str) -> str:
    """An endpoint of the provider: the explicit setting, else the discovery document's."""
    explicit = getattr(settings, ENDPOINT_SETTINGS[name], "")
    if explicit:
        return explicit
    return str(discovery_document(_issuer()).get(name) or "")


# --- bearer tokens -------------------------------------------------------------------------------


def allowed_algorithms() -> list[str]:
    """The configured algorithms minus those that must never verify a token from a JWKS."""
    return [
        alg for alg in getattr(settings, "IKO_OIDC_ALGORITHMS", ["RS256", "ES256"])
        if alg and alg.lower() != "none" and not alg.upper().startswith("HS")
    ]


def _jwks_client(uri: str) -> jwt.PyJWKClient:
    lifespan = int(getattr(settings, "IKO_OIDC_JWKS_CACHE_SECONDS", 300))
    with _lock:
        client = _jwks_clients.get((uri, lifespan))
        if client is None:
            client = jwt.PyJWKClient(
                uri, cache_jwk_set=True, lifespan=lifespan, timeout=settings.OIDC_TIMEOUT,
                # A token with an unknown key id makes the client fetch the JWKS again (key
                # rotation), but not more often than this: a flood of made-up ids cannot hammer the
                # identity provider.
                cooldown_duration=30,
            )
            _jwks_clients[(uri, lifespan)] = client
        return client


def _signing_key(token: str, jwks_uri: str | None = None) -> jwt.PyJWK:
    jwks_uri = jwks_uri or oidc_endpoint("jwks_uri")
    if not jwks_uri:
        raise OidcProviderUnavailable("The identity provider publishes no jwks_uri.")
    try:
        return _jwks_client(jwks_uri).get_signing_key_from_jwt(token)
    except jwt.PyJWKClientConnectionError as exc:
        logger.warning("The JWKS at %s could not be fetched: %s", jwks_uri, exc)
        raise OidcProviderUnavailable("The identity provider's signing keys could not be fetched.") from exc
    except (jwt.PyJWKClientError, jwt.PyJWKError, jwt.DecodeError) as exc:
        raise TokenInvalid(
            "unknown-key", "Bad signature: the token names a signing key the issuer does not publish."
        ) from exc


def token_validate(token: str, *, audience: list[str] | None, issuer: str | None = None,
                   jwks_uri: str | None = None) -> dict[str, Any]:
    """The verified claims of a JWT from the configured issuer, or `TokenInvalid` saying why.

    `audience=None` skips the audience check (only for a token IKO itself just received from the
    token endpoint). Raises `OidcProviderUnavailable` when the provider's keys cannot be fetched.
    `issuer` and `jwks_uri` name another trusted issuer than the staff one (the citizens' issuer,
    api/citizen_auth.py); by default the staff issuer and its JWKS.
    """
    issuer = issuer or _issuer()
    algorithms = allowed_algorithms()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise TokenInvalid("malformed", "The token is not a well-formed JWT.") from exc
    alg = header.get("alg")
    if alg not in algorithms:
        raise TokenInvalid(
            "algorithm-not-allowed",
            f"Tokens signed with algorithm {alg!r} are not accepted; accepted are {', '.join(algorithms)}.",
        )
    key = _signing_key(token, jwks_uri)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            issuer=issuer,
            audience=audience or None,
            leeway=int(getattr(settings, "IKO_OIDC_LEEWAY_SECONDS", 30)),
            options={"require": ["exp", "iss", "sub"], "verify_aud": audience is not None},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenInvalid("expired", "The token has expired.") from exc
    except jwt.ImmatureSignatureError as exc:
        raise TokenInvalid("not-yet-valid", "The token is not valid yet (nbf or iat lies in the future).") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise TokenInvalid("missing-claim", f"The token lacks the required claim {exc.claim!r}.") from exc
    except jwt.InvalidAudienceError as exc:
        raise TokenInvalid(
            "wrong-audience",
            f"Wrong audience: the token is not meant for IKO (aud must contain one of: {', '.join(audience or [])}).",
        ) from exc
    except jwt.InvalidIssuerError as exc:
        raise TokenInvalid("wrong-issuer", f"Wrong issuer: IKO accepts tokens from {issuer} only.") from exc
    except jwt.InvalidSignatureError as exc:
        raise TokenInvalid("bad-signature", "Bad signature: the token was not signed by the issuer.") from exc
    except jwt.InvalidAlgorithmError as exc:
        raise TokenInvalid("algorithm-mismatch", "The token's algorithm does not match the issuer's key.") from exc
    except jwt.PyJWTError as exc:
        raise TokenInvalid("invalid", f"The token is invalid: {exc}") from exc
    except (ValueError, TypeError) as exc:  # a key that does not fit the algorithm, odd claim types
        raise TokenInvalid("invalid", "The token is invalid.") from exc
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise TokenInvalid("missing-claim", "The token lacks the required claim 'sub'.")
    return claims


def claim_at(claims: dict[str, Any], path: str) -> Any:
    """The value at a dotted path (`resource_access.iko.roles`), or None."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def roles_from_claims(claims: dict[str, Any], path: str | None = None) -> frozenset[str]:
    """The roles at the configured claim: a list of strings, or one space-separated string."""
    value = claim_at(claims, path or settings.IKO_OIDC_ROLES_CLAIM)
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, (list, tuple)):
        return frozenset(str(item) for item in value if isinstance(item, (str, int)))
    return frozenset()


def bearer_audience() -> list[str]:
    audience = list(getattr(settings, "IKO_OIDC_AUDIENCE", []) or [])
    if not audience and settings.OIDC_RP_CLIENT_ID:
        audience = [settings.OIDC_RP_CLIENT_ID]
    return audience


def citizen_claim_of(claims: dict[str, Any]) -> str:
    """The claim that names a citizen in a staff-issuer token (`IKO_OIDC_CITIZEN_*_CLAIM`), or "".

    A claim that is present marks the token, whatever its value: citizens come only from the
    citizens' issuer (api/citizen_auth.py), so such a token is refused, never taken for staff.
    """
    for setting in ("IKO_OIDC_CITIZEN_BSN_CLAIM", "IKO_OIDC_CITIZEN_KVK_CLAIM"):
        path = getattr(settings, setting, "")
        if path and claim_at(claims, path) is not None:
            return path
    return ""


def principal_from_token(token: str) -> OidcPrincipal:
    """Validate a bearer access token and return its principal (raises TokenInvalid)."""
    claims = token_validate(token, audience=bearer_audience())
    username = claims.get(settings.IKO_OIDC_USERNAME_CLAIM)
    if end_user_text_unsafe(str(username or claims["sub"])):
        # The user's name goes into processing records, logs and x-gebruiker: never forged lines.
        raise TokenInvalid("unsafe-claim", "The token's user name holds control or bidirectional formatting characters.")
    return OidcPrincipal(
        subject=claims["sub"],
        username=str(username) if username else claims["sub"],
        roles=roles_from_claims(claims),
        issuer=claims["iss"],
        client_id=str(claims.get("azp") or claims.get("client_id") or ""),
        citizen_claim=citizen_claim_of(claims),
        claims=claims,
    )


# --- staff login ---------------------------------------------------------------------------------


class OidcBackend(OIDCAuthenticationBackend):
    """Logs staff in with the organisation account; users are matched on the username claim.

    Roles map to the Django groups of the same name that exist (groups are never created: an
    identity provider sends many roles, such as `offline_access`, that mean nothing here). On
    every login the user's groups become exactly those groups, so the identity provider decides.
    `is_superuser` follows `IKO_OIDC_SUPERUSER_ROLES` and `is_staff` follows the staff and
    superuser roles, when these are configured; when they are not, the flags are left as an
    admin set them. An existing user with a usable password (a local account) is never logged in
    through OIDC: an identity provider that lets someone call themselves `admin` must not hand
    them the local admin account.
    """

    def __init__(self, *args, **kwargs):
        # mozilla's __init__ reads the endpoints eagerly; ours are properties (discovery on use).
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()
        self.login_roles: frozenset[str] = frozenset()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802 (mozilla's attribute names)
        return oidc_endpoint("token_endpoint")

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # noqa: N802
        return oidc_endpoint("userinfo_endpoint")

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:  # noqa: N802
        return settings.OIDC_RP_CLIENT_SECRET

    def authenticate(self, request, **kwargs):
        # Only the callback view passes `nonce`: a password form posted with ?code=&state= must
        # not start a token exchange that skips the state check.
        if not oidc_enabled() or request is None or "nonce" not in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, OidcProviderUnavailable) as exc:
            logger.warning("OIDC login failed: the identity provider could not be used (%s).", type(exc).__name__)
        except (TokenInvalid, SuspiciousOperation) as exc:
            logger.warning("OIDC login refused: %s", exc)
        return None

    def verify_token(self, token, **kwargs):
        """Validate the ID token (Core 1.0, 3.1.3.7): signature, issuer, audience, expiry, nonce."""
        client_id = settings.OIDC_RP_CLIENT_ID
        claims = token_validate(token, audience=[client_id])
        if claims.get("azp") not in (None, client_id):
            raise TokenInvalid("wrong-audience", "The ID token was issued to another client (azp).")
        if getattr(settings, "OIDC_USE_NONCE", True) and kwargs.get("nonce") != claims.get("nonce"):
            raise SuspiciousOperation("The ID token's nonce does not match the login's.")
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        userinfo: dict[str, Any] = {}
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") != payload.get("sub"):
                # Core 1.0, 5.3.2: userinfo about someone else must not be used.
                raise SuspiciousOperation("The userinfo response is about another subject.")
        self.login_roles = self._roles(access_token, payload, userinfo)
        return {**payload, **userinfo}

    def _roles(self, access_token, id_claims, userinfo) -> frozenset[str]:
        """Roles from userinfo, else the ID token, else the access token (Keycloak puts them
        there by default). The access token came straight from the token endpoint in exchange
        for our code, so its audience is not checked; its signature and issuer are."""
        path = settings.IKO_OIDC_ROLES_CLAIM
        for source in (userinfo, id_claims):
            if claim_at(source, path) is not None:
                return roles_from_claims(source, path)
        try:
            access_claims = token_validate(access_token or "", audience=None)
        except TokenInvalid:
            return frozenset()  # an opaque access token
        return roles_from_claims(access_claims, path)

    def _username(self, claims) -> str:
        return str(claims.get(settings.IKO_OIDC_USERNAME_CLAIM) or "")

    def verify_claims(self, claims):
        username = self._username(claims)
        max_length = self.UserModel._meta.get_field(self.UserModel.USERNAME_FIELD).max_length or 150
        if not username or len(username) > max_length:
            logger.warning("OIDC login refused: the %s claim is missing or too long.", settings.IKO_OIDC_USERNAME_CLAIM)
            return False
        return True

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(**{self.UserModel.USERNAME_FIELD: self._username(claims)})

    def create_user(self, claims):
        user = self.UserModel(**{self.UserModel.USERNAME_FIELD: self._username(claims)})
        user.set_unusable_password()
        return self._update(user, claims, created=True)

    def update_user(self, user, claims):
        if user.has_usable_password():
            raise SuspiciousOperation(
                f"{user.get_username()!r} is a local password account; OIDC does not log in as it."
            )
        return self._update(user, claims, created=False)

    def _update(self, user, claims, *, created: bool):
        user.email = str(claims.get("email") or user.email or "")[:254]
        user.first_name = str(claims.get("given_name") or user.first_name or "")[:150]
        user.last_name = str(claims.get("family_name") or user.last_name or "")[:150]
        roles = self.login_roles
        staff_roles = set(getattr(settings, "IKO_OIDC_STAFF_ROLES", []))
        superuser_roles = set(getattr(settings, "IKO_OIDC_SUPERUSER_ROLES", []))
        if superuser_roles:
            user.is_superuser = bool(roles & superuser_roles)
        if staff_roles or superuser_roles:
            user.is_staff = bool(roles & (staff_roles | superuser_roles))
        user.save()
        groups = list(Group.objects.filter(name__in=roles))
        user.groups.set(groups)
        logger.info(
            "OIDC login of %s (%s): groups %s, staff %s, superuser %s",
            user.get_username(), "created" if created else "updated",
            sorted(g.name for g in groups), user.is_staff, user.is_superuser,
        )
        return user


def _failure_url() -> str:
    return getattr(settings, "LOGIN_REDIRECT_URL_FAILURE", "/")


class OidcLoginView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's authorization endpoint (404 when OIDC is off)."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # mozilla's __init__ would resolve the endpoint eagerly

    @property
    def OIDC_OP_AUTH_ENDPOINT(self) -> str:  # noqa: N802
        return oidc_endpoint("authorization_endpoint")

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802
        return settings.OIDC_RP_CLIENT_ID

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404("OIDC login is not enabled.")
        try:
            return super().dispatch(request, *args, **kwargs)
        except OidcProviderUnavailable:
            return HttpResponseRedirect(_failure_url())


class OidcCallbackView(OIDCAuthenticationCallbackView):
    """Receives the code from the provider and logs the user in (404 when OIDC is off)."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc_enabled():
            raise Http404("OIDC login is not enabled.")
        try:
            return super().dispatch(request, *args, **kwargs)
        except SuspiciousOperation as exc:  # an unknown or replayed state
            logger.warning("OIDC callback refused: %s", exc)
            return self.login_failure()


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's password form (the first step of iko_project/admin_login.py); refuses passwords
    when password login is switched off."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "password_login_disabled": _("Password login is switched off: log in with your organisation account."),
    }

    def clean(self):
        if not password_login_enabled():
            # Also without this check no backend would accept the password (ModelBackend is
            # not configured then); this gives the reason in words.
            raise ValidationError(self.error_messages["password_login_disabled"], code="password_login_disabled")
        return super().clean()


def axes_attempt_is_not_a_password_login(request, credentials) -> bool:
    """AXES_WHITELIST_CALLABLE: axes counts password attempts only, never OIDC callbacks."""
    return not (credentials or {}).get("password")
