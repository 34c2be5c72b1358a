"""The demo citizen issuer: a real loopback broker whose tokens IKO's self-service authentication
accepts, for the demo's logins only."""

from __future__ import annotations

import pytest
import requests

from api.citizen_auth import citizen_from_token
from demo.servers.citizen_issuer import AUDIENCE, PORTAL, start_citizen_issuer
from demo.universe import GEZAGHOUDER, MINOR_CHILD, PERSONS
from profiles.subjects import Subject

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def issuer():
    server = start_citizen_issuer(0)
    yield server
    server.stop()


@pytest.fixture
def configured(issuer, settings):
    from api.oidc import oidc_caches_clear

    settings.IKO_CITIZEN_ISSUER = issuer.issuer
    settings.IKO_CITIZEN_AUDIENCE = [AUDIENCE]
    oidc_caches_clear()
    yield issuer
    oidc_caches_clear()


def token(issuer, **query) -> requests.Response:
    return requests.get(f"{issuer.issuer}/token", params=query, timeout=5)


@pytest.mark.parametrize("bsn", [p["bsn"] for p in PERSONS] + [GEZAGHOUDER["bsn"], MINOR_CHILD["bsn"]])
def test_every_demo_person_gets_a_digid_token_that_iko_accepts(configured, bsn):
    answer = token(configured, bsn=bsn)

    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    principal = citizen_from_token(answer.json()["access_token"])
    assert principal.citizen.subjects == (Subject("bsn", bsn),)
    assert principal.citizen.portal == PORTAL
    assert principal.citizen.level_of_assurance.endswith("MobileTwoFactorContract")


def test_the_demo_company_gets_an_eherkenning_token_and_a_weaker_login_can_be_asked_for(configured):
    company = citizen_from_token(token(configured, kvk="90004760").json()["access_token"])
    weak = citizen_from_token(token(configured, bsn=PERSONS[0]["bsn"], loa="basis").json()["access_token"])

    assert company.citizen.subjects == (Subject("kvk", "90004760"),)
    assert company.citizen.level_of_assurance == "urn:etoegang:core:assurance-class:loa3"
    assert weak.citizen.level_of_assurance.endswith("PasswordProtectedTransport")


@pytest.mark.parametrize("query", [{"bsn": "111222333"}, {"kvk": "12345678"}, {}, {"bsn": "999993653", "loa": "top"}])
def test_nobody_outside_the_demo_cast_gets_a_token(issuer, query):
    answer = token(issuer, **query)

    assert answer.status_code == 404
    assert answer.headers["Content-Type"].startswith("application/problem+json")


def test_discovery_names_the_issuer_and_its_keys(issuer):
    document = requests.get(f"{issuer.issuer}/.well-known/openid-configuration", timeout=5).json()
    keys = requests.get(document["jwks_uri"], timeout=5).json()["keys"]

    assert document["issuer"] == issuer.issuer
    assert [(k["kty"], k["alg"]) for k in keys] == [("RSA", "RS256")]
    assert "d" not in keys[0]  # the public key only
