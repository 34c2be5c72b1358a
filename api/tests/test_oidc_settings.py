"""The OIDC and password-login settings as an operator sets them in the environment: the
backends that result, and clear refusals of configurations that cannot work or are unsafe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
OIDC = {
    "IKO_OIDC_ENABLED": "true",
    "IKO_OIDC_ISSUER": "https://login.example.org/realms/gemeente",
    "IKO_OIDC_CLIENT_ID": "iko",
    "IKO_OIDC_CLIENT_SECRET": "s3cret",
}
PRINT = (
    "import json, iko_project.settings.base as s; print(json.dumps({"
    "'backends': s.AUTHENTICATION_BACKENDS, 'password': s.IKO_PASSWORD_LOGIN_ENABLED, "
    "'axes': s.AXES_ENABLED, 'audience': s.IKO_OIDC_AUDIENCE, 'lockout': s.AXES_LOCKOUT_PARAMETERS, "
    "'limit': s.AXES_FAILURE_LIMIT, 'middleware': s.MIDDLEWARE[-1]}))"
)


def load(tmp_path, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKO_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(IKO_VAR_DIR=str(tmp_path), IKO_SECRET_KEY="x" * 50, IKO_PSEUDONYM_KEY="y" * 50,
               IKO_SECRETS_KEY="dGVzdC1vbmx5LWtleS1mb3ItdGhlLXNldHRpbmdzLTE=")
    env.update(env_overrides)
    result = subprocess.run([sys.executable, "-c", PRINT], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    return result, (json.loads(result.stdout) if result.returncode == 0 else None)


def test_without_oidc_password_login_is_on_and_protected_by_axes(tmp_path):
    result, s = load(tmp_path)
    assert result.returncode == 0, result.stderr
    assert s["backends"] == ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
    assert s["axes"] and s["limit"] == 5 and s["lockout"] == ["username"]
    assert s["middleware"] == "axes.middleware.AxesMiddleware"


def test_in_production_with_oidc_password_login_is_off_by_default(tmp_path):
    result, s = load(tmp_path, **OIDC)
    assert result.returncode == 0, result.stderr
    assert s["backends"] == ["api.oidc.OidcBackend"]
    assert not s["password"] and not s["axes"]
    assert s["audience"] == ["iko"]


def test_password_login_can_stay_on_beside_oidc_with_axes_first(tmp_path):
    result, s = load(
        tmp_path, **OIDC, IKO_PASSWORD_LOGIN_ENABLED="true", IKO_AXES_FAILURE_LIMIT="3",
        IKO_AXES_LOCKOUT_PARAMETERS="username+ip_address",
    )
    assert result.returncode == 0, result.stderr
    assert s["backends"] == [
        "axes.backends.AxesStandaloneBackend", "api.oidc.OidcBackend", "django.contrib.auth.backends.ModelBackend",
    ]
    assert s["limit"] == 3 and s["lockout"] == [["username", "ip_address"]]


def test_outside_production_password_login_stays_on_beside_oidc(tmp_path):
    result, s = load(tmp_path, **OIDC, IKO_ENV="development")
    assert result.returncode == 0, result.stderr
    assert s["password"] and s["backends"][0] == "axes.backends.AxesStandaloneBackend"


@pytest.mark.parametrize("missing", ["IKO_OIDC_ISSUER", "IKO_OIDC_CLIENT_ID", "IKO_OIDC_CLIENT_SECRET"])
def test_enabling_oidc_without_its_settings_fails_with_a_clear_message(tmp_path, missing):
    env = {k: v for k, v in OIDC.items() if k != missing}
    result, _ = load(tmp_path, **env)
    assert result.returncode != 0
    assert f"IKO_OIDC_ENABLED is true, but {missing} is not set" in result.stderr


@pytest.mark.parametrize("algorithms", ["RS256,none", "HS256", "ES256,hs512"])
def test_symmetric_or_none_algorithms_are_refused(tmp_path, algorithms):
    result, _ = load(tmp_path, **OIDC, IKO_OIDC_ALGORITHMS=algorithms)
    assert result.returncode != 0
    assert "IKO_OIDC_ALGORITHMS may not contain" in result.stderr


def test_switching_off_password_login_without_oidc_is_refused(tmp_path):
    result, _ = load(tmp_path, IKO_PASSWORD_LOGIN_ENABLED="false")
    assert result.returncode != 0
    assert "nobody could log in" in result.stderr
