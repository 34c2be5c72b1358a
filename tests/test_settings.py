"""Settings: production refuses to start without its keys (with a message that says what to do),
and installs no demo; the development and test settings do."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SECRETS_KEY = "dGVzdC1vbmx5LWtleS1mb3ItdGhlLXNldHRpbmdzLTE="  # 32 bytes, URL-safe Base64: a Fernet key


def load_settings(**env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKO_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import iko_project.settings.base as s; print('DEBUG', s.DEBUG)"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )


def test_production_without_a_secret_key_fails_with_a_clear_message(tmp_path):
    result = load_settings(IKO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "IKO_SECRET_KEY is not set" in result.stderr


def test_production_without_a_pseudonym_key_fails_with_a_clear_message(tmp_path):
    result = load_settings(IKO_VAR_DIR=str(tmp_path), IKO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "IKO_PSEUDONYM_KEY is not set" in result.stderr


def test_production_without_a_key_for_the_servers_credentials_fails_with_a_clear_message(tmp_path):
    result = load_settings(IKO_VAR_DIR=str(tmp_path), IKO_SECRET_KEY="x" * 50, IKO_PSEUDONYM_KEY="y" * 50)
    assert result.returncode != 0
    assert "IKO_SECRETS_KEY is not set" in result.stderr


def test_a_secrets_key_that_is_no_fernet_key_is_refused_without_repeating_it(tmp_path):
    result = load_settings(IKO_VAR_DIR=str(tmp_path), IKO_SECRET_KEY="x" * 50, IKO_PSEUDONYM_KEY="y" * 50,
                           IKO_SECRETS_KEY=f"{SECRETS_KEY},not-a-key-at-all")
    assert result.returncode != 0
    assert "IKO_SECRETS_KEY: key 2 is not a Fernet key" in result.stderr and "not-a-key-at-all" not in result.stderr


def test_production_with_its_keys_starts_with_debug_off(tmp_path):
    result = load_settings(IKO_VAR_DIR=str(tmp_path), IKO_SECRET_KEY="x" * 50, IKO_PSEUDONYM_KEY="y" * 50,
                           IKO_SECRETS_KEY=SECRETS_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DEBUG False"


@pytest.mark.parametrize("value", ["staging", "prod"])
def test_an_unknown_environment_name_is_refused(tmp_path, value):
    result = load_settings(IKO_VAR_DIR=str(tmp_path), IKO_ENV=value)
    assert "IKO_ENV must be production, development or test" in result.stderr


def test_production_settings_neither_install_nor_need_the_demo(tmp_path):
    # The demo package is made unimportable: the production settings, URLs and checks must not care.
    script = (
        "import sys; sys.modules['demo'] = None\n"
        "import django; django.setup()\n"
        "from django.conf import settings; from django.core.management import call_command\n"
        "from django.urls import get_resolver; get_resolver().url_patterns\n"
        "call_command('check')\n"
        "print('demo' in settings.INSTALLED_APPS)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKO_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(DJANGO_SETTINGS_MODULE="iko_project.settings.base", IKO_VAR_DIR=str(tmp_path),
               IKO_SECRET_KEY="x" * 50, IKO_PSEUDONYM_KEY="y" * 50, IKO_SECRETS_KEY=SECRETS_KEY)
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("settings_module", ["iko_project.settings.development", "iko_project.settings.test"])
def test_development_and_test_settings_install_the_demo(settings_module, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKO_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(IKO_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", f"import {settings_module} as s; print('demo' in s.INSTALLED_APPS)"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
