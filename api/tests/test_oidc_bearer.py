"""Bearer access tokens from the OIDC issuer (how Valtimo calls IKO), against a real provider on
127.0.0.1: accepted when the issuer signed them for IKO, refused with a 401 problem that says why."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from api.oidc import principal_from_token, roles_from_claims
from profiles.access.principals import OidcPrincipal
from api.tests.oidc_provider import RSA_KID, oidc, oidc_provider, rsa_key  # noqa: F401 (fixtures)

pytestmark = pytest.mark.integration

PROFILES = "/api/v1/profiles"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made(header: dict, claims: dict, signature: bytes = b"") -> str:
    """A JWT put together by hand, as an attacker would (PyJWT refuses to make these)."""
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}.{b64(signature)}"


def get_profiles(api, token: str):
    return api.get(PROFILES, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_an_access_token_signed_by_the_issuer_for_iko_is_accepted(api, oidc):
    response = get_profiles(api, oidc.access_token())

    assert response.status_code == 200, response.content
    assert response.json() == {"profiles": []}  # no grants for this role yet: deny by default


def test_an_es256_access_token_is_accepted_as_well(api, oidc):
    assert get_profiles(api, oidc.access_token(alg="ES256")).status_code == 200


def test_the_principal_has_the_subject_the_username_and_the_roles_from_the_configured_claim(oidc):
    principal = principal_from_token(oidc.access_token())

    assert isinstance(principal, OidcPrincipal)
    assert principal.subject == oidc.user.sub
    assert principal.username == "j.jansen"
    assert principal.name == "oidc:j.jansen"
    assert principal.roles == frozenset({"iko-beheerder", "kcc"})
    assert principal.client_id == "valtimo"
    assert principal.issuer == oidc.issuer
    assert principal.is_authenticated and principal.get_username() == "j.jansen"


def test_the_username_falls_back_to_the_subject_when_the_claim_is_missing(oidc):
    principal = principal_from_token(oidc.access_token(preferred_username=None))

    assert principal.username == oidc.user.sub


@pytest.mark.parametrize(
    ("path", "claims", "roles"),
    [
        ("roles", {"roles": ["a", "b"]}, {"a", "b"}),
        ("realm_access.roles", {"realm_access": {"roles": ["kcc"]}}, {"kcc"}),
        ("resource_access.iko.roles", {"resource_access": {"iko": {"roles": ["x"]}}}, {"x"}),
        ("scope", {"scope": "openid iko.read"}, {"openid", "iko.read"}),
        ("resource_access.iko.roles", {"resource_access": {"other": {"roles": ["x"]}}}, set()),
        ("roles", {"roles": {"not": "a list"}}, set()),
        ("roles", {}, set()),
    ],
)
def test_roles_are_read_from_a_dotted_claim_path(path, claims, roles):
    assert roles_from_claims(claims, path) == frozenset(roles)


def test_an_api_client_token_still_works_beside_oidc(authed_api, oidc):
    assert authed_api.get(PROFILES).status_code == 200


def test_the_jwks_and_discovery_are_fetched_once_per_process_not_per_request(api, oidc):
    certs, discovery = oidc.count("/certs"), oidc.count("/openid-configuration")
    for _ in range(3):
        assert get_profiles(api, oidc.access_token()).status_code == 200

    assert oidc.count("/certs") - certs == 1
    assert oidc.count("/openid-configuration") - discovery == 1


def test_a_token_just_past_its_expiry_is_accepted_within_the_leeway(api, oidc):
    now = int(time.time())
    assert get_profiles(api, oidc.access_token(exp=now - 5, iat=now - 305, nbf=now - 305)).status_code == 200


def other_key_token(provider) -> str:
    return provider.sign(provider.claims(), key=rsa_key())  # same kid, another key


def hs256_with_public_key(provider) -> str:
    public_pem = provider.rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": RSA_KID}
    claims = provider.claims()
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}".encode()
    return hand_made(header, claims, hmac.new(public_pem, signing_input, hashlib.sha256).digest())


def tampered(provider) -> str:
    header, _, signature = provider.access_token().split(".")
    payload = b64(json.dumps(provider.claims(resource_access={"iko": {"roles": ["iko-superuser"]}})).encode())
    return f"{header}.{payload}.{signature}"


def alg_none(provider) -> str:
    return hand_made({"alg": "none", "typ": "JWT"}, provider.claims())


NOW = int(time.time())
BAD_TOKENS = {
    "expired": (lambda p: p.access_token(exp=NOW - 3600, iat=NOW - 7200, nbf=NOW - 7200), "expired"),
    "not yet valid": (lambda p: p.access_token(nbf=NOW + 3600, iat=NOW), "not valid yet"),
    "wrong audience": (lambda p: p.access_token(aud="another-app"), "Wrong audience"),
    "wrong issuer": (lambda p: p.access_token(iss="https://login.example.org/realms/other"), "Wrong issuer"),
    "alg none": (alg_none, "'none' are not accepted"),
    "tampered payload": (tampered, "Bad signature"),
    "signed by another key": (other_key_token, "Bad signature"),
    "unknown key id": (lambda p: p.sign(p.claims(), kid="someone-elses-key"), "Bad signature"),
    "HS256 with the public key as secret": (hs256_with_public_key, "'HS256' are not accepted"),
    "missing sub": (lambda p: p.access_token(sub=None), "'sub'"),
    "missing exp": (lambda p: p.access_token(exp=None), "'exp'"),
    "not a JWT": (lambda p: "not-a-jwt", "not a well-formed JWT"),
}


@pytest.mark.parametrize("case", BAD_TOKENS, ids=list(BAD_TOKENS))
def test_an_invalid_bearer_token_is_refused_with_a_401_problem_that_says_why(api, oidc, case):
    make, detail = BAD_TOKENS[case]

    response = get_profiles(api, make(oidc))

    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "invalid-token"
    assert body["status"] == 401
    assert detail in body["detail"], body["detail"]


def test_a_bearer_token_is_not_looked_at_while_oidc_is_disabled(api, oidc, settings):
    settings.IKO_OIDC_ENABLED = False
    requests_before = len(oidc.requests)

    response = get_profiles(api, oidc.access_token())

    assert response.status_code == 401
    assert response.json()["code"] == "not-authenticated"
    assert len(oidc.requests) == requests_before


def test_an_unreachable_identity_provider_gives_a_503_problem_not_a_500(api, oidc, settings):
    settings.IKO_OIDC_ISSUER = "http://127.0.0.1:9/realms/gone"  # nothing listens on port 9
    settings.IKO_OIDC_AUDIENCE = ["iko"]

    response = get_profiles(api, jwt.encode({"sub": "x"}, oidc.rsa_key, algorithm="RS256"))

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "identity-provider-unavailable"


def test_a_discovery_document_that_names_another_issuer_is_not_used(api, oidc):
    oidc.advertised_issuer = "https://login.example.org/realms/gemeente"
    certs = oidc.count("/certs")

    response = get_profiles(api, oidc.access_token())

    assert response.status_code == 503
    assert oidc.count("/certs") == certs  # nor are the keys it names fetched


def test_the_openapi_document_describes_the_bearer_scheme(api, oidc):
    document = api.get("/api/v1/openapi.yaml").content.decode()

    assert "oidcBearer:" in document
    assert "bearerFormat: JWT" in document


@pytest.mark.parametrize("username", ["j.jansen\r\nactor: someone-else", "j.jansen\u202e", "\u2066j.jansen"])
def test_a_token_whose_user_name_holds_line_breaks_or_bidirectional_controls_is_refused(api, oidc, username):
    response = get_profiles(api, oidc.access_token(preferred_username=username))

    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert "control or bidirectional formatting characters" in response.json()["detail"]
