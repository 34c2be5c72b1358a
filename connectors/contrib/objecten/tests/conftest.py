"""Fixtures of the Objecten connector tests: a server with a token and a configured source."""

import pytest

from connectors.contrib.objecten import plugin  # noqa: F401  (registers the connector)

from .examples import API_ROOT, OBJECTTYPE


@pytest.fixture
def objecten_service(db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    return Service.objects.create(
        label="Objecten", slug="objecten", api_type=APITypes.orc, api_root=API_ROOT,
        auth_type=AuthTypes.api_key, header_key="Authorization",
        header_value="Token objecten-secret", timeout=5,
    )


@pytest.fixture
def objecten_options():
    return {"objecttype": OBJECTTYPE, "data_attribute": "bsn", "max_objects": 100}


@pytest.fixture
def objecten_source(objecten_service, objecten_options):
    from connectors.models import Source

    return Source.objects.create(
        name="objecten", connector="objecten", service=objecten_service,
        options=objecten_options, timeout=2.0,
    )
