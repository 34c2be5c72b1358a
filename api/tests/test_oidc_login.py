"""Staff login to the admin: with the organisation account through a real OIDC provider on
127.0.0.1 (mozilla-django-oidc, code flow with PKCE), and the local password login beside it,
switched off or protected by django-axes."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory

from api.tests.oidc_provider import User, oidc, oidc_provider  # noqa: F401 (fixtures)

pytestmark = pytest.mark.integration

LOGIN = "/admin/login/"


def password_form(username: str, password: str, **extra: str) -> dict[str, str]:
    """The first step of the admin's two-factor login (iko_project/admin_login.py): the password."""
    return {"admin_login_view-current_step": "auth", "auth-username": username, "auth-password": password, **extra}


def log_in_with_the_provider(client, provider, next_url: str = "/admin/"):
    """Walk the browser's path: IKO -> provider (a real HTTP call) -> IKO's callback."""
    start = client.get("/oidc/authenticate/", {"next": next_url})
    assert start.status_code == 302, start.content
    authorize = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert authorize.status_code == 302, authorize.text
    callback = urlsplit(authorize.headers["Location"])
    assert (callback.netloc, callback.path) == ("testserver", "/oidc/callback/")
    return start, client.get(f"{callback.path}?{callback.query}")


def test_a_staff_member_logs_in_with_the_organisation_account_end_to_end(client, oidc):
    Group.objects.create(name="iko-beheerder")
    Group.objects.create(name="privacy")

    start, done = log_in_with_the_provider(client, oidc)

    authorize = urlsplit(start["Location"])
    params = parse_qs(authorize.query)
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == oidc.discovery()["authorization_endpoint"]
    assert params["client_id"] == ["iko"]
    assert params["redirect_uri"] == ["http://testserver/oidc/callback/"]
    assert params["code_challenge_method"] == ["S256"] and params["nonce"] and params["state"]
    token_request = oidc.token_requests[-1]
    assert token_request["grant_type"] == "authorization_code" and token_request["code_verifier"]
    assert done.status_code == 302 and done["Location"] == "/admin/"

    user = get_user_model().objects.get(username="j.jansen")
    assert (user.email, user.first_name, user.last_name) == ("j.jansen@gemeente.example.org", "Jan", "Jansen")
    assert user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    # Roles map to the groups that exist; "kcc" is not created.
    assert [g.name for g in user.groups.all()] == ["iko-beheerder"]
    assert not Group.objects.filter(name="kcc").exists()
    assert client.get("/admin/").status_code == 200


def test_the_identity_provider_decides_groups_and_staff_flags_at_every_login(client, oidc):
    Group.objects.create(name="iko-beheerder")
    Group.objects.create(name="kcc")
    oidc.user = User(roles=["iko-superuser", "kcc"])
    log_in_with_the_provider(client, oidc)
    user = get_user_model().objects.get(username="j.jansen")
    assert user.is_superuser and user.is_staff
    assert sorted(g.name for g in user.groups.all()) == ["kcc"]

    client.logout()
    oidc.user = User(roles=["kcc"])
    _, done = log_in_with_the_provider(client, oidc)

    user.refresh_from_db()
    assert not user.is_superuser and not user.is_staff
    assert sorted(g.name for g in user.groups.all()) == ["kcc"]
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 302  # logged in, but no staff role: no admin


def test_an_oidc_login_never_takes_over_a_local_password_account(client, oidc):
    get_user_model().objects.create_superuser("j.jansen", "local@example.org", "local-password")

    _, done = log_in_with_the_provider(client, oidc)

    assert done["Location"] == "/admin/login/?oidc=failed"
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.get(username="j.jansen").email == "local@example.org"


def test_a_wrong_client_secret_ends_on_the_login_page_with_a_message_not_a_500(client, oidc, settings):
    settings.OIDC_RP_CLIENT_SECRET = "not-the-secret"

    _, done = log_in_with_the_provider(client, oidc)

    assert done.status_code == 302 and done["Location"] == "/admin/login/?oidc=failed"
    assert not get_user_model().objects.filter(username="j.jansen").exists()
    page = client.get(done["Location"]).content.decode()
    assert "Logging in with your organisation account did not succeed" in page


def test_a_replayed_callback_is_refused(client, oidc):
    start = client.get("/oidc/authenticate/")
    callback = urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"])
    assert client.get(f"{callback.path}?{callback.query}")["Location"] == "/admin/"
    client.logout()

    again = client.get(f"{callback.path}?{callback.query}")

    assert again.status_code == 302 and again["Location"] == "/admin/login/?oidc=failed"
    assert "_auth_user_id" not in client.session


def test_a_code_from_another_login_attempt_is_refused(client, oidc):
    start = client.get("/oidc/authenticate/")
    other_login = client.get("/oidc/authenticate/")  # a second tab: its own state and nonce
    callback = urlsplit(requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"])
    other_state = parse_qs(urlsplit(other_login["Location"]).query)["state"][0]
    code = parse_qs(callback.query)["code"][0]

    done = client.get("/oidc/callback/", {"code": code, "state": other_state})

    assert done["Location"] == "/admin/login/?oidc=failed"
    assert "_auth_user_id" not in client.session


def test_the_login_page_offers_the_organisation_account_only_when_oidc_is_enabled(client, oidc, settings):
    page = client.get(LOGIN, {"next": "/admin/profiles/"}).content.decode()
    assert "Log in with your organisation account" in page
    assert 'href="/oidc/authenticate/?next=/admin/profiles/"' in page
    assert 'name="auth-password"' in page  # password login is on in the test settings

    settings.IKO_OIDC_ENABLED = False
    page = client.get(LOGIN).content.decode()
    assert "organisation account" not in page
    assert 'name="auth-password"' in page


def test_the_oidc_urls_do_not_exist_while_oidc_is_disabled(client, db):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404


def id_token(provider, **overrides):
    claims = {"iss": provider.issuer, "aud": "iko", "sub": "s-1", "nonce": "n-1", "exp": 2**31, "iat": 0}
    claims.update(overrides)
    return provider.sign({k: v for k, v in claims.items() if v is not None})


def test_the_id_token_is_checked_for_nonce_audience_and_authorised_party(oidc):
    from django.core.exceptions import SuspiciousOperation

    from api.oidc import OidcBackend, TokenInvalid

    backend = OidcBackend()
    assert backend.verify_token(id_token(oidc), nonce="n-1")["sub"] == "s-1"
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(id_token(oidc), nonce="n-2")
    with pytest.raises(TokenInvalid, match="Wrong audience"):
        backend.verify_token(id_token(oidc, aud="another-client"), nonce="n-1")
    with pytest.raises(TokenInvalid, match="another client"):
        backend.verify_token(id_token(oidc, aud=["iko", "x"], azp="x"), nonce="n-1")
    with pytest.raises(TokenInvalid, match="Wrong issuer"):
        backend.verify_token(id_token(oidc, iss="https://login.example.org/"), nonce="n-1")


@pytest.fixture
def password_login_off(settings, oidc):
    """What the settings make of IKO_PASSWORD_LOGIN_ENABLED=false (see test_oidc_settings)."""
    settings.IKO_PASSWORD_LOGIN_ENABLED = False
    settings.AUTHENTICATION_BACKENDS = ["api.oidc.OidcBackend"]
    settings.AXES_ENABLED = False
    return oidc


def test_with_password_login_switched_off_the_admin_refuses_a_correct_password(client, password_login_off):
    get_user_model().objects.create_superuser("beheer", "b@example.org", "correct-horse")

    page = client.get(LOGIN).content.decode()
    assert 'name="auth-password"' not in page
    assert "Log in with your organisation account" in page

    response = client.post(LOGIN, password_form("beheer", "correct-horse", next="/admin/"))
    assert response.status_code == 200
    assert "Password login is switched off" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Not just the form: no configured backend accepts a password.
    request = RequestFactory().post(LOGIN)
    assert authenticate(request, username="beheer", password="correct-horse") is None


def test_with_password_login_switched_off_oidc_login_still_works(client, password_login_off):
    Group.objects.create(name="iko-beheerder")

    _, done = log_in_with_the_provider(client, password_login_off)

    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_after_n_wrong_passwords_the_account_is_locked_and_the_right_password_fails_too(client, settings, db):
    settings.AXES_FAILURE_LIMIT = 3
    users = get_user_model().objects
    users.create_superuser("beheer", "b@example.org", "correct-horse")
    users.create_superuser("collega", "c@example.org", "other-horse")

    for _ in range(2):
        response = client.post(LOGIN, password_form("beheer", "wrong"))
        assert response.status_code == 200 and "correct username and password" in response.content.decode()
    locked = client.post(LOGIN, password_form("beheer", "wrong"))
    assert locked.status_code == 429
    assert "Account locked" in locked.content.decode()

    right = client.post(LOGIN, password_form("beheer", "correct-horse"))
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # The lock is on the account: a colleague can still log in.
    assert client.post(LOGIN, password_form("collega", "other-horse")).status_code == 302


def test_a_successful_password_login_resets_the_failure_count(client, settings, db):
    settings.AXES_FAILURE_LIMIT = 3
    get_user_model().objects.create_superuser("beheer", "b@example.org", "correct-horse")
    for _ in range(2):
        client.post(LOGIN, password_form("beheer", "wrong"))
    assert client.post(LOGIN, password_form("beheer", "correct-horse")).status_code == 302
    client.logout()

    for _ in range(2):
        assert client.post(LOGIN, password_form("beheer", "wrong")).status_code == 200
