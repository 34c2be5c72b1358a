"""Fixtures of the Besluiten connector tests: Open Zaak's Besluiten and Catalogi servers with ZGW
JWT auth, and sources with and without the Catalogi server."""

from __future__ import annotations

import pytest

from connectors.contrib.besluiten import plugin  # noqa: F401  (registers the connector)
from connectors.contrib.zgw_testing import (  # noqa: F401  (the fixture applies to every test here)
    CLIENT_ID,
    SECRET,
    empty_reference_cache,
    zgw_service,
    zgw_source,
)

from .samples import BESLUITEN_ROOT, CATALOGI_ROOT


@pytest.fixture
def make_besluiten_source(db):
    """Build a `SourceConfig` with the given options (validated as the admin would)."""
    from zgw_consumers.constants import APITypes

    service = zgw_service("openzaak-besluiten", BESLUITEN_ROOT, APITypes.orc)
    zgw_service("openzaak-catalogi", CATALOGI_ROOT, APITypes.ztc)

    def make(**options):
        return zgw_source("besluiten", service, options)

    return make


@pytest.fixture
def besluiten_source(make_besluiten_source):
    return make_besluiten_source(catalogi_service="openzaak-catalogi")
