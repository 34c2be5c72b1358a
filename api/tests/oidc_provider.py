"""A real, small OpenID Connect provider on 127.0.0.1 for the tests.

It serves what IKO uses of a provider such as Keycloak: the discovery document, a JWKS (an RSA and
an EC key, generated when the provider starts), an authorization endpoint that consents at once for
one configured user and redirects back with a code, a token endpoint (authorization code grant,
`client_secret_post` or `client_secret_basic`, PKCE S256, code bound to client and redirect URI,
single use) that returns a signed ID token and access token, and a userinfo endpoint.

Specs: OpenID Connect Core 1.0 (3.1.2 authorization, 3.1.3 token, 5.3 userinfo), Discovery 1.0,
RFC 7636 (PKCE), RFC 7517 (JWK).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

RSA_KID = "test-rsa"
EC_KID = "test-ec"


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _public_jwk(private_key, kid: str, alg: str) -> dict[str, Any]:
    algorithm = jwt.algorithms.RSAAlgorithm if alg.startswith("RS") else jwt.algorithms.ECAlgorithm
    jwk = json.loads(algorithm.to_jwk(private_key.public_key()))
    jwk.update({"kid": kid, "alg": alg, "use": "sig"})
    return jwk


@dataclass
class User:
    sub: str = "2f6b1c1e-0c3a-4c1e-9d55-0a1b2c3d4e5f"
    preferred_username: str = "j.jansen"
    email: str = "j.jansen@gemeente.example.org"
    given_name: str = "Jan"
    family_name: str = "Jansen"
    roles: list[str] = field(default_factory=lambda: ["iko-beheerder", "kcc"])


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    user: User


class OidcProvider:
    """Start with `start()`, stop with `stop()`; `issuer` is its base URL."""

    def __init__(self, *, client_id: str = "iko", client_secret: str = "iko-secret", realm: str = "gemeente"):
        self.client_id = client_id
        self.client_secret = client_secret
        self.realm = realm
        self.user = User()
        self.advertised_issuer = ""  # set to make the discovery document lie about the issuer
        self.rsa_key = rsa_key()
        self.ec_key = ec.generate_private_key(ec.SECP256R1())
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request
        self.token_requests: list[dict[str, str]] = []
        self._codes: dict[str, _Grant] = {}
        self._access_tokens: dict[str, User] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> OidcProvider:
        provider = self

        class Handler(_Handler):
            pass

        Handler.provider = provider
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="oidc-provider", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the provider first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/realms/{self.realm}"

    def count(self, path_suffix: str) -> int:
        return sum(1 for _, path in self.requests if path.endswith(path_suffix))

    # --- documents ----------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        base = f"{self.issuer}/protocol/openid-connect"
        return {
            "issuer": self.advertised_issuer or self.issuer,
            "authorization_endpoint": f"{base}/auth",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/certs",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [_public_jwk(self.rsa_key, RSA_KID, "RS256"), _public_jwk(self.ec_key, EC_KID, "ES256")]}

    # --- tokens -------------------------------------------------------------------------------

    def claims(self, user: User | None = None, **overrides: Any) -> dict[str, Any]:
        """Access-token claims as Keycloak issues them; `None` as a value removes a claim."""
        user = user or self.user
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": [self.client_id, "account"],
            "azp": "valtimo",
            "sub": user.sub,
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "preferred_username": user.preferred_username,
            "email": user.email,
            "roles": list(user.roles),
            "resource_access": {self.client_id: {"roles": list(user.roles)}},
            "realm_access": {"roles": ["offline_access", "uma_authorization"]},
        }
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def sign(self, claims: dict[str, Any], *, alg: str = "RS256", key: Any = None, kid: str | None = None) -> str:
        if key is None:
            key = self.ec_key if alg.startswith("ES") else self.rsa_key
        if kid is None:
            kid = EC_KID if alg.startswith("ES") else RSA_KID
        return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})

    def access_token(self, user: User | None = None, *, alg: str = "RS256", **overrides: Any) -> str:
        return self.sign(self.claims(user, **overrides), alg=alg)

    def _issue(self, grant: _Grant) -> dict[str, Any]:
        user = grant.user
        access_token = self.access_token(user)
        now = int(time.time())
        id_claims = {
            "iss": self.issuer, "aud": grant.client_id, "azp": grant.client_id, "sub": user.sub,
            "iat": now, "exp": now + 300, "auth_time": now,
            "preferred_username": user.preferred_username, "email": user.email,
            "given_name": user.given_name, "family_name": user.family_name,
        }
        if grant.nonce is not None:
            id_claims["nonce"] = grant.nonce
        with self._lock:
            self._access_tokens[access_token] = user
        return {
            "access_token": access_token,
            "id_token": self.sign(id_claims),
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "openid email profile",
        }


class _Handler(BaseHTTPRequestHandler):
    provider: OidcProvider

    def log_message(self, format, *args):  # noqa: A002 (keep the test output quiet)
        pass

    def _json(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, error: str, description: str) -> None:
        self._json(status, {"error": error, "error_description": description})

    def do_GET(self):  # noqa: N802
        provider = self.provider
        url = urlsplit(self.path)
        provider.requests.append(("GET", url.path))
        prefix = urlsplit(provider.issuer).path
        if url.path == f"{prefix}/.well-known/openid-configuration":
            return self._json(200, provider.discovery())
        if url.path == f"{prefix}/protocol/openid-connect/certs":
            return self._json(200, provider.jwks())
        if url.path == f"{prefix}/protocol/openid-connect/auth":
            return self._authorize(parse_qs(url.query))
        if url.path == f"{prefix}/protocol/openid-connect/userinfo":
            return self._userinfo()
        return self._error(404, "not_found", url.path)

    def do_POST(self):  # noqa: N802
        provider = self.provider
        url = urlsplit(self.path)
        provider.requests.append(("POST", url.path))
        if url.path == f"{urlsplit(provider.issuer).path}/protocol/openid-connect/token":
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            return self._token(form)
        return self._error(404, "not_found", url.path)

    def _authorize(self, query: dict[str, list[str]]) -> None:
        provider = self.provider
        params = {k: v[0] for k, v in query.items()}
        if params.get("client_id") != provider.client_id:
            return self._error(400, "unauthorized_client", "unknown client_id")
        redirect_uri = params.get("redirect_uri", "")
        if not redirect_uri.endswith("/oidc/callback/"):
            # A real provider compares with the registered URIs and never redirects elsewhere.
            return self._error(400, "invalid_request", "redirect_uri not registered")
        if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
            return self._error(400, "invalid_request", "response_type=code and scope openid required")
        code = secrets.token_urlsafe(24)
        with provider._lock:
            provider._codes[code] = _Grant(
                client_id=params["client_id"], redirect_uri=redirect_uri, nonce=params.get("nonce"),
                code_challenge=params.get("code_challenge"),
                code_challenge_method=params.get("code_challenge_method"), user=provider.user,
            )
        location = f"{redirect_uri}?{urlencode({'code': code, 'state': params.get('state', '')})}"
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _token(self, form: dict[str, str]) -> None:
        provider = self.provider
        provider.token_requests.append(dict(form))
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
        if client_id != provider.client_id or client_secret != provider.client_secret:
            return self._error(401, "invalid_client", "client authentication failed")
        if form.get("grant_type") != "authorization_code":
            return self._error(400, "unsupported_grant_type", "only authorization_code")
        with provider._lock:
            grant = provider._codes.pop(form.get("code", ""), None)  # a code is used once
        if grant is None or grant.client_id != client_id:
            return self._error(400, "invalid_grant", "unknown or used code")
        if form.get("redirect_uri") != grant.redirect_uri:
            return self._error(400, "invalid_grant", "redirect_uri differs from the authorization request")
        if grant.code_challenge:
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if grant.code_challenge_method != "S256" or challenge != grant.code_challenge:
                return self._error(400, "invalid_grant", "PKCE verification failed")
        return self._json(200, provider._issue(grant))

    def _userinfo(self) -> None:
        provider = self.provider
        auth = self.headers.get("Authorization", "")
        with provider._lock:
            user = provider._access_tokens.get(auth.removeprefix("Bearer ").strip())
        if not auth.startswith("Bearer ") or user is None:
            return self._json(401, {"error": "invalid_token"}, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return self._json(200, {
            "sub": user.sub, "preferred_username": user.preferred_username, "email": user.email,
            "given_name": user.given_name, "family_name": user.family_name,
        })


# --- pytest fixtures (import them into a test module to use them) --------------------------------


BACKENDS_WITH_PASSWORD = [
    "axes.backends.AxesStandaloneBackend",
    "api.oidc.OidcBackend",
    "django.contrib.auth.backends.ModelBackend",
]


@pytest.fixture(scope="session")
def oidc_provider():
    provider = OidcProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc(settings, oidc_provider, db):
    """IKO configured for the loopback provider, as an operator would with environment variables."""
    from api.oidc import oidc_caches_clear

    oidc_provider.user = User()
    oidc_provider.advertised_issuer = ""
    settings.IKO_OIDC_ENABLED = True
    settings.IKO_OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = oidc_provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = oidc_provider.client_secret
    settings.IKO_OIDC_AUDIENCE = [oidc_provider.client_id]
    settings.IKO_OIDC_ROLES_CLAIM = f"resource_access.{oidc_provider.client_id}.roles"
    settings.IKO_OIDC_STAFF_ROLES = ["iko-beheerder"]
    settings.IKO_OIDC_SUPERUSER_ROLES = ["iko-superuser"]
    settings.AUTHENTICATION_BACKENDS = BACKENDS_WITH_PASSWORD
    oidc_caches_clear()
    yield oidc_provider
    oidc_caches_clear()
