"""Fixtures of the BAG connector tests: a server with an API key and a configured source."""

import pytest

from connectors.contrib.bag import plugin  # noqa: F401  (registers the connector)

from .examples import API_ROOT


@pytest.fixture
def bag_service(db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    return Service.objects.create(
        label="BAG", slug="bag", api_type=APITypes.orc, api_root=API_ROOT,
        auth_type=AuthTypes.api_key, header_key="X-Api-Key", header_value="bag-secret", timeout=5,
    )


@pytest.fixture
def bag_source(bag_service):
    from connectors.models import Source

    return Source.objects.create(name="bag", connector="bag", service=bag_service, options={}, timeout=2.0)
