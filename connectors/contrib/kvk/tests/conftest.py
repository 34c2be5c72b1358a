"""Fixtures of the KVK connector tests: a KVK server (API key in the `apikey` header) and source."""

from __future__ import annotations

import pytest

# KVK's root including /api; the operations add v2/zoeken, v1/basisprofielen, v1/vestigingsprofielen.
KVK_ROOT = "https://kvk.example.org/api/"
API_KEY = "kvk-test-key"


@pytest.fixture
def kvk_service(db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    return Service.objects.create(
        label="KVK", slug="kvk", api_type=APITypes.orc, api_root=KVK_ROOT,
        auth_type=AuthTypes.api_key, header_key="apikey", header_value=API_KEY, timeout=5,
    )


@pytest.fixture
def kvk_source(kvk_service):
    from connectors.models import Source

    return Source.objects.create(name="kvk", connector="kvk", service=kvk_service, timeout=2.0)
