"""The purpose-binding and processing-log settings as an operator sets them: defaults, and clear
refusals of values that cannot work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
PRINT = (
    "import json, iko_project.settings.base as s; print(json.dumps({"
    "'grant_cache': s.IKO_GRANT_CACHE_SECONDS, 'sink': s.IKO_PROCESSING_LOG_SINK, "
    "'retention': s.IKO_PROCESSING_LOG_RETENTION_DAYS, 'oin': s.IKO_ORGANISATION_OIN, "
    "'bsn_claim': s.IKO_OIDC_CITIZEN_BSN_CLAIM, 'kvk_claim': s.IKO_OIDC_CITIZEN_KVK_CLAIM}))"
)


def load(tmp_path, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKO_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(IKO_VAR_DIR=str(tmp_path), IKO_SECRET_KEY="x" * 50, IKO_PSEUDONYM_KEY="y" * 50,
               IKO_SECRETS_KEY="dGVzdC1vbmx5LWtleS1mb3ItdGhlLXNldHRpbmdzLTE=")
    env.update(env_overrides)
    result = subprocess.run([sys.executable, "-c", PRINT], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    return result, (json.loads(result.stdout) if result.returncode == 0 else None)


def test_the_defaults_keep_records_in_the_database_for_twenty_years_and_grants_five_seconds(tmp_path):
    result, values = load(tmp_path)

    assert result.returncode == 0, result.stderr
    assert values == {
        "grant_cache": 5.0, "sink": "database", "retention": 7305, "oin": "",
        "bsn_claim": "bsn", "kvk_claim": "kvk",
    }


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"IKO_PROCESSING_LOG_SINK": "kafka"}, "database, verwerkingenlogging or both"),
        ({"IKO_PROCESSING_LOG_SINK": "both"}, "IKO_VERWERKINGENLOGGING_SERVICE"),
        ({"IKO_PROCESSING_LOG_RETENTION_DAYS": "0"}, "at least 1"),
        ({"IKO_ORGANISATION_OIN": "1234"}, "20 digits"),
    ],
)
def test_settings_that_cannot_work_are_refused_at_start_up(tmp_path, env, message):
    result, _ = load(tmp_path, **env)

    assert result.returncode != 0
    assert message in result.stderr


def test_an_external_sink_with_its_server_is_accepted(tmp_path):
    result, values = load(
        tmp_path, IKO_PROCESSING_LOG_SINK="verwerkingenlogging", IKO_VERWERKINGENLOGGING_SERVICE="vlog",
        IKO_ORGANISATION_OIN="00000001234567890000", IKO_GRANT_CACHE_SECONDS="1.5",
    )

    assert result.returncode == 0, result.stderr
    assert (values["sink"], values["oin"], values["grant_cache"]) == ("verwerkingenlogging", "00000001234567890000", 1.5)
