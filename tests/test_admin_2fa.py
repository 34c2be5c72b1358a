"""Two-factor authentication of the admin (maykin-2fa): a password login needs the code of an
authenticator app (or a backup token), and a first login sets the app up; a login with the
organisation account (OIDC) is not asked for one, the identity provider does that; the demo and
the test settings switch it off (IKO_ADMIN_2FA_REQUIRED)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from api.tests.oidc_provider import oidc, oidc_provider  # noqa: F401 (fixtures)

LOGIN = "/admin/login/"
# What the production settings make of IKO_ADMIN_2FA_REQUIRED=true: only OIDC logins skip the factor.
REQUIRED = override_settings(MAYKIN_2FA_ALLOW_MFA_BYPASS_BACKENDS=["api.oidc.OidcBackend"])


def step(name: str, **fields: str) -> dict[str, str]:
    return {"admin_login_view-current_step": name, **{f"{name}-{k}": v for k, v in fields.items()}}


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser("beheer", "b@example.org", "correct-horse")


@pytest.fixture
def totp_device(staff):
    return TOTPDevice.objects.create(user=staff, name="default", confirmed=True)  # two_factor uses "default"


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@REQUIRED
def test_a_password_alone_does_not_open_the_admin_a_first_login_sets_up_the_app(client, staff):
    response = client.post(LOGIN, step("auth", username="beheer", password="correct-horse"))

    assert response.status_code == 302 and response["Location"] == "/admin/mfa/setup/"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    setup = client.get("/admin/mfa/setup/")
    assert setup.status_code == 200


@REQUIRED
def test_with_an_app_the_password_step_asks_for_its_code_and_the_code_opens_the_admin(client, totp_device):
    asked = client.post(LOGIN, step("auth", username="beheer", password="correct-horse"))
    assert asked.status_code == 200 and 'name="token-otp_token"' in asked.content.decode()

    wrong = client.post(LOGIN, step("token", otp_token="000000" if current_code(totp_device) != "000000" else "111111"))
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    # django-otp makes the next try wait after a wrong code (1 s, then doubling); the test does not wait.
    TOTPDevice.objects.filter(pk=totp_device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)

    done = client.post(LOGIN, step("token", otp_token=current_code(totp_device)))
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@REQUIRED
def test_a_backup_token_opens_the_admin_once(client, totp_device, staff):
    backup = StaticDevice.objects.create(user=staff, name="backup")
    backup.token_set.create(token="abcd1234")

    client.post(LOGIN, step("auth", username="beheer", password="correct-horse"))
    done = client.post(LOGIN, step("backup", otp_token="abcd1234"))

    assert done.status_code == 302 and client.get("/admin/").status_code == 200
    assert not backup.token_set.exists()


@REQUIRED
def test_a_session_without_the_second_factor_reaches_no_admin_page(client, staff):
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    for page in ("/admin/", "/admin/profiles/profile/", "/admin/source-health/"):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), page


def test_a_login_with_the_organisation_account_is_not_asked_for_a_second_factor(client, oidc, settings):  # noqa: F811
    from api.tests.test_oidc_login import log_in_with_the_provider

    settings.MAYKIN_2FA_ALLOW_MFA_BYPASS_BACKENDS = ["api.oidc.OidcBackend"]
    Group.objects.create(name="iko-beheerder")

    _, done = log_in_with_the_provider(client, oidc)

    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_switched_off_a_password_opens_the_admin_as_in_the_demo(client, staff):
    done = client.post(LOGIN, step("auth", username="beheer", password="correct-horse"))

    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@REQUIRED
def test_the_admin_links_the_staff_members_second_factor_page(client, totp_device, staff):
    client.post(LOGIN, step("auth", username="beheer", password="correct-horse"))
    client.post(LOGIN, step("token", otp_token=current_code(totp_device)))

    assert 'href="/admin/mfa/"' in client.get("/admin/").content.decode()
    assert client.get("/admin/mfa/").status_code == 200


REPO = Path(__file__).resolve().parent.parent
PRINT = ("import iko_project.settings.base as s; "
         "print(s.IKO_ADMIN_2FA_REQUIRED, sorted(s.MAYKIN_2FA_ALLOW_MFA_BYPASS_BACKENDS))")


def settings_with(tmp_path, **env) -> str:
    import os

    clean = {k: v for k, v in os.environ.items() if not k.startswith("IKO_") and k != "DJANGO_SETTINGS_MODULE"}
    clean.update(IKO_VAR_DIR=str(tmp_path), IKO_SECRET_KEY="x" * 50, IKO_PSEUDONYM_KEY="y" * 50,
                 IKO_SECRETS_KEY="dGVzdC1vbmx5LWtleS1mb3ItdGhlLXNldHRpbmdzLTE=", **env)
    result = subprocess.run([sys.executable, "-c", PRINT], cwd=REPO, env=clean, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_requires_the_second_factor_for_password_logins_only(tmp_path):
    assert settings_with(tmp_path) == "True ['api.oidc.OidcBackend']"


def test_development_and_an_explicit_false_switch_it_off(tmp_path):
    off = ("False ['api.oidc.OidcBackend', 'axes.backends.AxesStandaloneBackend', "
           "'django.contrib.auth.backends.ModelBackend']")
    assert settings_with(tmp_path, IKO_ENV="development") == off
    assert settings_with(tmp_path, IKO_ADMIN_2FA_REQUIRED="false") == off


@REQUIRED
def test_a_session_still_without_its_second_factor_is_no_login_for_the_api(client, staff):
    client.post(LOGIN, step("auth", username="beheer", password="correct-horse"))  # a first login: app not set up
    assert "_auth_user_id" in client.session

    assert client.get("/api/v1/profiles").status_code in (401, 403)


def test_a_staff_session_past_the_login_reaches_the_api(client, staff):
    client.post(LOGIN, step("auth", username="beheer", password="correct-horse"))  # 2FA off in the test settings

    assert client.get("/api/v1/profiles").status_code == 200
