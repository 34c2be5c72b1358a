"""Fixtures of the self-service tests: a second real OIDC provider on 127.0.0.1 as the citizens'
issuer (the DigiD/eHerkenning broker), beside the staff issuer of `oidc_provider.py`, with its own
keys, issuer and audience; and a citizen token maker. Import the fixtures into a test module.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from api.tests.oidc_provider import OidcProvider

PORTAL = "mijn-gemeente-portaal"
CITIZEN_AUDIENCE = "iko-self-service"
MIDDEN = "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract"
BASIS = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
BSN = "999993653"  # Suzanne Moulin
OTHER_BSN = "999993847"  # Merel Kooyman
PARENT_BSN = "999999126"  # Manon Maasland
CHILD_BSN = "999970021"  # Maya Maasland
KVK = "90004760"


def citizen_claims(provider: OidcProvider, *, bsn: str | None = BSN, kvk: str | None = None, acr: str | None = MIDDEN,
                   azp: str = PORTAL, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": provider.issuer, "aud": CITIZEN_AUDIENCE, "azp": azp, "sub": f"pairwise-{bsn or kvk}",
        "iat": now, "nbf": now, "exp": now + 300, "acr": acr, "bsn": bsn, "kvk": kvk,
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def citizen_token(provider: OidcProvider, **kwargs: Any) -> str:
    return provider.sign(citizen_claims(provider, **kwargs))


@pytest.fixture(scope="session")
def citizen_provider():
    provider = OidcProvider(client_id=CITIZEN_AUDIENCE, client_secret="unused", realm="burgers").start()
    yield provider
    provider.stop()


@pytest.fixture
def citizen_issuer(settings, citizen_provider, db):
    """IKO configured for the citizens' issuer, as an operator would with IKO_CITIZEN_* variables."""
    from api.oidc import oidc_caches_clear

    settings.IKO_CITIZEN_ISSUER = citizen_provider.issuer
    settings.IKO_CITIZEN_AUDIENCE = [CITIZEN_AUDIENCE]
    settings.IKO_CITIZEN_JWKS_URI = ""
    settings.IKO_CITIZEN_MIN_LOA = MIDDEN
    oidc_caches_clear()
    yield citizen_provider
    oidc_caches_clear()
