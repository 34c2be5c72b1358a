"""Fixtures of the Klantinteracties connector tests: an Open Klant server with a token, a source
on it, and one that also links a Contactgegevens server."""

from __future__ import annotations

import pytest

from .factories import CG_ROOT, KI_ROOT

TOKEN_HEADER = "Token ok-secret-token"


def _service(slug: str, api_root: str):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    return Service.objects.create(
        label=slug, slug=slug, api_type=APITypes.orc, api_root=api_root,
        auth_type=AuthTypes.api_key, header_key="Authorization", header_value=TOKEN_HEADER, timeout=5,
    )


@pytest.fixture
def ki_service(db):
    return _service("openklant", KI_ROOT)


@pytest.fixture
def cg_service(db):
    return _service("contactgegevens", CG_ROOT)


@pytest.fixture
def ki_source(ki_service):
    from connectors.models import Source

    return Source.objects.create(
        name="openklant", connector="klantinteracties", service=ki_service, timeout=2.0, options={"max_items": 100}
    )


@pytest.fixture
def ki_source_with_cg(ki_service, cg_service):
    from connectors.models import Source

    return Source.objects.create(
        name="openklant-cg", connector="klantinteracties", service=ki_service, timeout=2.0,
        options={"max_items": 100, "contactgegevens_service": cg_service.slug},
    )
