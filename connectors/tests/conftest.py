"""Fixtures of the connector framework's tests: servers as an admin would configure them, and the
real Redis on loopback (IKO_TEST_REDIS_URL, by default redis://127.0.0.1:6379/0) with a key prefix
of each test's own, deleted afterwards."""

from __future__ import annotations

import os
import uuid

import pytest


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


@pytest.fixture(scope="session")
def redis_url() -> str:
    import redis

    url = os.environ.get("IKO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"No Redis at {url} ({type(exc).__name__}); set IKO_TEST_REDIS_URL.")
    finally:
        client.close()
    return url


@pytest.fixture
def shared_redis(redis_url, settings):
    """Settings pointing at the test Redis with this test's own prefix; yields a client."""
    import redis

    from connectors.shared_store import redis_reset

    prefix = f"iko-test-{uuid.uuid4().hex[:12]}:"
    settings.IKO_REDIS_URL = redis_url
    settings.IKO_REDIS_PREFIX = prefix
    redis_reset()
    client = redis.Redis.from_url(redis_url)
    yield client
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)
    client.close()
    redis_reset()
