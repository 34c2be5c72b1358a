"""Fixtures of the Zaken connector tests: an Open Zaak with ZGW JWT auth, Zaken and Catalogi
servers as an admin would configure them, and sources in both `zaaktype_via` modes."""

from __future__ import annotations

import pytest

from connectors.contrib.zaken import plugin  # noqa: F401  (registers the connector)
from connectors.contrib.catalogi import reference_cache

from .samples import CATALOGI_ROOT, ZAKEN_ROOT

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
def zaken_service(db):
    from zgw_consumers.constants import APITypes

    return _zgw_service("openzaak-zaken", ZAKEN_ROOT, APITypes.zrc)


@pytest.fixture
def catalogi_service(db):
    from zgw_consumers.constants import APITypes

    return _zgw_service("openzaak-catalogi", CATALOGI_ROOT, APITypes.ztc)


@pytest.fixture
def make_zaken_source(zaken_service, catalogi_service):
    """Build a `SourceConfig` with the given options (validated as the admin would)."""
    from connectors.models import Source

    def make(**options):
        source = Source(name="zaken", connector="zaken", service=zaken_service, timeout=2.0, options=options)
        source.full_clean()
        source.save()
        return source.to_config()

    return make


@pytest.fixture
def zaken_source(make_zaken_source):
    """The default: names inlined with `expand`, Catalogi as fallback."""
    return make_zaken_source(catalogi_service="openzaak-catalogi")


@pytest.fixture
def catalogi_source(make_zaken_source):
    return make_zaken_source(zaaktype_via="catalogi", catalogi_service="openzaak-catalogi")
