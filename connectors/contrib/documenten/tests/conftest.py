"""Fixtures of the Documenten connector tests: Open Zaak's Documenten, Zaken and Catalogi servers
with ZGW JWT auth, and sources reading the zaak's relations from either API."""

from __future__ import annotations

import pytest

from connectors.contrib.documenten import plugin  # noqa: F401  (registers the connector)
from connectors.contrib.catalogi import reference_cache

from .samples import CATALOGI_ROOT, DOCUMENTEN_ROOT, ZAKEN_ROOT

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
def make_documenten_source(db):
    """Build a `SourceConfig` with the given options (validated as the admin would)."""
    from zgw_consumers.constants import APITypes

    from connectors.models import Source

    service = _zgw_service("openzaak-documenten", DOCUMENTEN_ROOT, APITypes.drc)
    _zgw_service("openzaak-zaken", ZAKEN_ROOT, APITypes.zrc)
    _zgw_service("openzaak-catalogi", CATALOGI_ROOT, APITypes.ztc)

    def make(**options):
        options = {"max_vertrouwelijkheidaanduiding": "zaakvertrouwelijk", **options}
        source = Source(name="documenten", connector="documenten", service=service, timeout=2.0, options=options)
        source.full_clean()
        source.save()
        return source.to_config()

    return make


@pytest.fixture
def documenten_source(make_documenten_source):
    """The default: relations from the Zaken API, names from Catalogi."""
    return make_documenten_source(zaken_service="openzaak-zaken", catalogi_service="openzaak-catalogi")


@pytest.fixture
def oio_source(make_documenten_source):
    """Relations from the Documenten API's objectinformatieobjecten, no Zaken server."""
    return make_documenten_source(relations_via="documenten", catalogi_service="openzaak-catalogi")
