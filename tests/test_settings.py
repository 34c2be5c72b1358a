"""Production mode refuses to start without its keys, with a message that says what to do."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


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


def test_production_with_its_keys_starts_with_debug_off(tmp_path):
    result = load_settings(IKO_VAR_DIR=str(tmp_path), IKO_SECRET_KEY="x" * 50, IKO_PSEUDONYM_KEY="y" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "DEBUG False"


@pytest.mark.parametrize("value", ["staging", "prod"])
def test_an_unknown_environment_name_is_refused(tmp_path, value):
    result = load_settings(IKO_VAR_DIR=str(tmp_path), IKO_ENV=value)
    assert "IKO_ENV must be production, development or test" in result.stderr
