"""Fixtures of the connector framework's tests: servers as an admin would configure them, and the
real Redis on loopback with a key prefix of each test's own (the suite's shared Redis fixtures)."""

from __future__ import annotations

import pytest

from api.tests.redis_fixtures import redis_url, shared_redis  # noqa: F401  (fixtures)


@pytest.fixture
def make_server(db):
    from zgw_consumers.constants import APITypes, AuthTypes
    from zgw_consumers.models import Service

    def make(slug="register", **values):
        values.setdefault("label", slug.title())
        values.setdefault("api_type", APITypes.orc)
        values.setdefault("api_root", f"https://{slug}.example.org/api/v1/")
        values.setdefault("auth_type", AuthTypes.no_auth)
        values.setdefault("timeout", 5)
        return Service.objects.create(slug=slug, **values)

    return make
