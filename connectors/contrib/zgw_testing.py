"""Test support shared by the tests of the ZGW connectors (Zaken, Documenten, Besluiten): Open Zaak's
servers as an admin configures them (ZGW JWT auth), sources validated as the admin validates them,
and an empty Catalogi reference cache around each test (a cached name would hide a lookup)."""

from __future__ import annotations

import pytest

from .catalogi import reference_cache

CLIENT_ID = "iko-test"
SECRET = "zgw-test-secret-of-at-least-32-bytes!"


def zgw_service(slug: str, api_root: str, api_type: str):
    """A zgw-consumers Service with ZGW JWT credentials."""
    from zgw_consumers.constants import AuthTypes
    from zgw_consumers.models import Service

    return Service.objects.create(
        label=slug, slug=slug, api_type=api_type, api_root=api_root, auth_type=AuthTypes.zgw,
        client_id=CLIENT_ID, secret=SECRET, user_id="iko", user_representation="IKO", timeout=5,
    )


def zgw_source(connector: str, service, options: dict):
    """A saved source of `connector` on `service` (named after the connector), as its SourceConfig."""
    from connectors.models import Source

    source = Source(name=connector, connector=connector, service=service, timeout=2.0, options=options)
    source.full_clean()
    source.save()
    return source.to_config()


@pytest.fixture(autouse=True)
def empty_reference_cache():
    reference_cache.clear()
    yield
    reference_cache.clear()
