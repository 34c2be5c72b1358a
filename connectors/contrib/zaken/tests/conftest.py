"""Fixtures of the Zaken connector tests: an Open Zaak with ZGW JWT auth, Zaken and Catalogi
servers as an admin would configure them, and sources in both `zaaktype_via` modes."""

from __future__ import annotations

import pytest

from connectors.contrib.zaken import plugin  # noqa: F401  (registers the connector)
from connectors.contrib.zgw_testing import (  # noqa: F401  (the fixture applies to every test here)
    CLIENT_ID,
    SECRET,
    empty_reference_cache,
    zgw_service,
    zgw_source,
)

from .samples import CATALOGI_ROOT, ZAKEN_ROOT


@pytest.fixture
def zaken_service(db):
    from zgw_consumers.constants import APITypes

    return zgw_service("openzaak-zaken", ZAKEN_ROOT, APITypes.zrc)


@pytest.fixture
def catalogi_service(db):
    from zgw_consumers.constants import APITypes

    return zgw_service("openzaak-catalogi", CATALOGI_ROOT, APITypes.ztc)


@pytest.fixture
def make_zaken_source(zaken_service, catalogi_service):
    """Build a `SourceConfig` with the given options (validated as the admin would)."""

    def make(**options):
        return zgw_source("zaken", zaken_service, options)

    return make


@pytest.fixture
def zaken_source(make_zaken_source):
    """The default: names inlined with `expand`, Catalogi as fallback."""
    return make_zaken_source(catalogi_service="openzaak-catalogi")


@pytest.fixture
def catalogi_source(make_zaken_source):
    return make_zaken_source(zaaktype_via="catalogi", catalogi_service="openzaak-catalogi")
