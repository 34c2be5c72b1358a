"""Fixtures of the Documenten connector tests: Open Zaak's Documenten, Zaken and Catalogi servers
with ZGW JWT auth, and sources reading the zaak's relations from either API."""

from __future__ import annotations

import pytest

from connectors.contrib.documenten import plugin  # noqa: F401  (registers the connector)
from connectors.contrib.zgw_testing import (  # noqa: F401  (the fixture applies to every test here)
    CLIENT_ID,
    SECRET,
    empty_reference_cache,
    zgw_service,
    zgw_source,
)

from .samples import CATALOGI_ROOT, DOCUMENTEN_ROOT, ZAKEN_ROOT


@pytest.fixture
def make_documenten_source(db):
    """Build a `SourceConfig` with the given options (validated as the admin would)."""
    from zgw_consumers.constants import APITypes

    service = zgw_service("openzaak-documenten", DOCUMENTEN_ROOT, APITypes.drc)
    zgw_service("openzaak-zaken", ZAKEN_ROOT, APITypes.zrc)
    zgw_service("openzaak-catalogi", CATALOGI_ROOT, APITypes.ztc)

    def make(**options):
        options = {"max_vertrouwelijkheidaanduiding": "zaakvertrouwelijk", **options}
        return zgw_source("documenten", service, options)

    return make


@pytest.fixture
def documenten_source(make_documenten_source):
    """The default: relations from the Zaken API, names from Catalogi."""
    return make_documenten_source(zaken_service="openzaak-zaken", catalogi_service="openzaak-catalogi")


@pytest.fixture
def oio_source(make_documenten_source):
    """Relations from the Documenten API's objectinformatieobjecten, no Zaken server."""
    return make_documenten_source(relations_via="documenten", catalogi_service="openzaak-catalogi")
