"""Fixtures of the Besluiten connector tests: Open Zaak's Besluiten and Catalogi servers with ZGW
JWT auth, and sources with and without the Catalogi server."""

from __future__ import annotations

import pytest

from connectors.contrib.besluiten import plugin  # noqa: F401  (registers the connector)
from connectors.contrib.catalogi import reference_cache

from .samples import BESLUITEN_ROOT, CATALOGI_ROOT

CLIENT_ID = "iko-test"
SECRET = "zgw-test-secret-of-at-least-32-bytes!"


def _zgw_service(slug: str, api_root: str, api_type: str):
    from zgw_consumers.constants import AuthTypes
    from zgw_consumers.models import Service

    return Service.objects.create(
        label=slug, slug=slug, api_type=api_type, api_root=api_root, auth_type=AuthTypes.zgw,
        client_id=CLIENT_ID, secret=SECRET, user_id="iko", user_representation="IKO", timeout=5,
    )


@pytest.fixture(autouse=True)
def empty_reference_cache():
    reference_cache.clear()
    yield
    reference_cache.clear()


@pytest.fixture
def make_besluiten_source(db):
    """Build a `SourceConfig` with the given options (validated as the admin would)."""
    from zgw_consumers.constants import APITypes

    from connectors.models import Source

    service = _zgw_service("openzaak-besluiten", BESLUITEN_ROOT, APITypes.orc)
    _zgw_service("openzaak-catalogi", CATALOGI_ROOT, APITypes.ztc)

    def make(**options):
        source = Source(name="besluiten", connector="besluiten", service=service, timeout=2.0, options=options)
        source.full_clean()
        source.save()
        return source.to_config()

    return make


@pytest.fixture
def besluiten_source(make_besluiten_source):
    return make_besluiten_source(catalogi_service="openzaak-catalogi")
