"""Citizen logins on the self-service paths: tokens of the citizens' own issuer only, checked like
staff tokens against that issuer's keys and audience, with a minimum level of assurance; staff and
citizen tokens never pass for each other. Against two real OIDC providers on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from api.tests.citizen_fixtures import (  # noqa: F401 (fixtures)
    BASIS,
    BSN,
    KVK,
    PORTAL,
    citizen_claims,
    citizen_issuer,
    citizen_provider,
    citizen_token,
)
from api.tests.oidc_provider import oidc, oidc_provider  # noqa: F401 (fixtures)
from profiles.models import Grant, ProcessingRecord
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.services.self_service.assurance import loa_sufficient

pytestmark = pytest.mark.integration

INSIGHT = "/api/v1/self-service/insight"
REPO = Path(__file__).resolve().parents[2]


def insight(api, token: str):
    return api.get(INSIGHT, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_token_of_the_citizens_issuer_opens_the_citizens_own_insight(api, citizen_issuer):
    response = insight(api, citizen_token(citizen_issuer))

    assert response.status_code == 200, response.content
    record = ProcessingRecord.objects.get()
    assert (record.action, record.actor, record.actor_type) == ("self-service-insight", f"self-service:{PORTAL}", "self_service")
    assert record.subject_pseudonym == subject_pseudonym(subject_type="bsn", value=BSN)


def test_the_citizens_keys_come_from_the_citizens_issuer_and_never_from_the_staff_issuer(api, citizen_issuer, oidc):
    staff_certs = oidc.count("/certs")

    assert insight(api, citizen_token(citizen_issuer)).status_code == 200
    assert citizen_issuer.count("/certs") >= 1
    assert oidc.count("/certs") == staff_certs


def test_a_staff_token_on_a_self_service_path_is_refused_as_no_citizen_login_and_logged(api, citizen_issuer, oidc):
    response = insight(api, oidc.access_token())

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "citizen-token-required"
    record = ProcessingRecord.objects.get()
    assert (record.action, record.actor, record.actor_type, record.outcome, record.reason) == (
        "self-service-insight", "oidc:j.jansen", "oidc", "denied", "citizen-token-required",
    )


def test_a_staff_token_that_carries_a_bsn_claim_is_still_no_citizen_login(api, citizen_issuer, oidc):
    response = insight(api, oidc.access_token(bsn=BSN, azp=PORTAL))

    assert response.status_code == 403
    assert response.json()["code"] == "citizen-token-required"


def test_a_staff_token_naming_a_citizen_is_logged_with_its_client_and_never_its_username_or_bsn(
    api, citizen_issuer, oidc,
):
    response = insight(api, oidc.access_token(bsn=BSN, azp=PORTAL, preferred_username=BSN))

    assert response.json()["code"] == "citizen-token-required"
    record = ProcessingRecord.objects.get()
    assert (record.actor, record.actor_type, record.calling_system, record.on_behalf_of) == (
        f"oidc-client:{PORTAL}", "oidc", PORTAL, "",
    )
    assert BSN not in json.dumps([record.actor, record.on_behalf_of, record.calling_system, record.subject_pseudonym])


def test_a_staff_token_naming_a_company_is_refused_on_the_staff_paths_whatever_its_roles(api, citizen_issuer, oidc):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {oidc.access_token(kvk=KVK)}")  # the test user has role kcc

    response = api.get("/api/v1/profiles")

    assert response.status_code == 401
    assert "citizens' issuer" in response.json()["detail"]


def test_an_api_client_token_on_a_self_service_path_is_refused_and_logged(authed_api, citizen_issuer):
    response = authed_api.get(INSIGHT)

    assert response.status_code == 403
    assert response.json()["code"] == "citizen-token-required"
    assert ProcessingRecord.objects.get().actor == "api-client:Case system"


def test_a_citizen_token_on_a_staff_path_is_refused_even_with_a_self_service_grant_for_its_portal(
    api, citizen_issuer, oidc, profile, purpose,
):
    Grant.objects.create(kind="self_service", portal_client_id=PORTAL, profile=profile, purpose=purpose)

    response = api.post(
        "/api/v1/profiles/klantbeeld/view", {"subject": {"type": "bsn", "value": BSN}, "purpose": purpose.code},
        format="json", HTTP_AUTHORIZATION=f"Bearer {citizen_token(citizen_issuer)}",
    )

    assert response.status_code == 401
    assert response.json()["code"] == "invalid-token"
    assert not ProcessingRecord.objects.exists()


def test_a_citizen_token_on_a_staff_path_is_refused_when_staff_oidc_is_off_as_well(api, citizen_issuer, profile):
    response = api.get("/api/v1/profiles", HTTP_AUTHORIZATION=f"Bearer {citizen_token(citizen_issuer)}")

    assert response.status_code == 401


def test_a_token_naming_the_citizens_issuer_but_signed_with_another_key_is_refused(api, citizen_issuer, oidc):
    forged = oidc.sign(citizen_claims(citizen_issuer))  # the staff provider's key, same kid

    response = insight(api, forged)

    assert response.status_code == 401
    assert response.json()["code"] == "invalid-token"
    assert "signature" in response.json()["detail"].lower() or "signing key" in response.json()["detail"]


@pytest.mark.parametrize(
    ("claims", "words"),
    [
        ({"aud": "iko"}, "audience"),
        ({"exp": int(time.time()) - 600, "iat": int(time.time()) - 900, "nbf": int(time.time()) - 900}, "expired"),
        ({"bsn": None}, "no BSN or KVK number"),
        ({"bsn": "123456789"}, "not a valid BSN"),
        ({"sub": None}, "'sub'"),
    ],
)
def test_a_citizen_token_that_fails_a_check_is_a_401_that_says_why(api, citizen_issuer, claims, words):
    response = insight(api, citizen_issuer.sign(citizen_claims(citizen_issuer, **claims)))

    assert response.status_code == 401
    assert response.json()["code"] == "invalid-token"
    assert words in response.json()["detail"]
    assert not ProcessingRecord.objects.exists()


@pytest.mark.parametrize("acr", [BASIS, "urn:etoegang:core:assurance-class:loa2", "something-else", None])
def test_a_login_below_the_minimum_level_of_assurance_is_refused_with_loa_too_low_and_logged(api, citizen_issuer, acr):
    response = insight(api, citizen_token(citizen_issuer, acr=acr))

    assert response.status_code == 403
    assert response.json()["code"] == "loa-too-low"
    assert response.json()["requiredLevelOfAssurance"].endswith("MobileTwoFactorContract")
    record = ProcessingRecord.objects.get()
    assert (record.outcome, record.reason, record.subject_pseudonym) == (
        "denied", "loa-too-low", subject_pseudonym(subject_type="bsn", value=BSN),
    )


def test_the_level_of_assurance_claim_and_minimum_are_configurable(api, citizen_issuer, settings):
    settings.IKO_CITIZEN_LOA_CLAIM = "loa"
    settings.IKO_CITIZEN_MIN_LOA = "substantieel"

    assert insight(api, citizen_token(citizen_issuer, loa="midden")).json()["code"] == "loa-too-low"
    assert insight(api, citizen_token(citizen_issuer, acr=None, loa="hoog")).status_code == 200


def test_an_eherkenning_token_names_the_company(api, citizen_issuer):
    response = insight(api, citizen_token(citizen_issuer, bsn=None, kvk=KVK, acr="urn:etoegang:core:assurance-class:loa3"))

    assert response.status_code == 200
    assert ProcessingRecord.objects.get().subject_pseudonym == subject_pseudonym(subject_type="kvk", value=KVK)


def test_self_service_paths_answer_404_while_no_citizens_issuer_is_configured(
    authed_api, citizen_provider, settings, db,
):
    from rest_framework.test import APIClient

    settings.IKO_CITIZEN_ISSUER = ""

    assert authed_api.get(INSIGHT).json()["code"] == "self-service-off"
    # A citizen token is then nobody's: no authentication class takes it.
    assert insight(APIClient(), citizen_token(citizen_provider)).status_code == 401
    assert not ProcessingRecord.objects.exists()


@pytest.mark.parametrize(
    ("level", "minimum", "enough"),
    [
        ("urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard", "midden", True),
        ("urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport", "midden", False),
        ("urn:etoegang:core:assurance-class:loa2plus", "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract", True),
        ("urn:etoegang:core:assurance-class:loa3", "substantieel", True),
        ("http://eidas.europa.eu/LoA/low", "substantial", False),
        ("MIDDEN", "midden", True),
        ("", "basis", False),
        ("unknown", "basis", False),
    ],
)
def test_levels_of_assurance_of_digid_eherkenning_and_eidas_are_compared_on_one_scale(level, minimum, enough):
    assert loa_sufficient(level, minimum) is enough


def _load_settings(**env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("IKO_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"IKO_ENV": "test"}, **env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import iko_project.settings.base"], cwd=REPO, env=env, capture_output=True,
        text=True, timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"IKO_CITIZEN_ISSUER": "https://idp.example.org/realms/x", "IKO_OIDC_ISSUER": "https://idp.example.org/realms/x/",
          "IKO_CITIZEN_AUDIENCE": "iko-burger"}, "must differ from IKO_OIDC_ISSUER"),
        ({"IKO_CITIZEN_ISSUER": "https://broker.example.org"}, "IKO_CITIZEN_AUDIENCE is not"),
        ({"IKO_CITIZEN_ISSUER": "https://broker.example.org", "IKO_CITIZEN_AUDIENCE": "iko",
          "IKO_OIDC_AUDIENCE": "iko"}, "must not share a value"),
        ({"IKO_CITIZEN_MIN_LOA": "pretty-sure"}, "not a known level of assurance"),
    ],
)
def test_settings_that_could_confuse_staff_and_citizen_tokens_are_refused_at_start(tmp_path, env, message):
    result = _load_settings(IKO_VAR_DIR=str(tmp_path), **env)

    assert result.returncode != 0
    assert message in result.stderr


def test_each_citizen_login_has_its_own_rate_limit(api, citizen_issuer, settings):
    from api.throttling import memory_counter

    settings.IKO_RATE_LIMIT_USER = "2/minute"
    memory_counter.clear()
    try:
        answers = [insight(api, citizen_token(citizen_issuer)).status_code for _ in range(3)]
        other = insight(api, citizen_token(citizen_issuer, bsn="999993847")).status_code
    finally:
        memory_counter.clear()

    assert answers == [200, 200, 429]
    assert other == 200
