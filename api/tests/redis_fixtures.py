"""Fixtures for tests against the real Redis on loopback (IKO_TEST_REDIS_URL, by default
redis://127.0.0.1:6379/0). Each test gets its own key prefix and its keys are deleted afterwards,
so tests running at the same time (other processes, CI's two runs) never see each other's counts.
Import the fixtures into a test module: `from api.tests.redis_fixtures import redis_url, shared_redis`."""

from __future__ import annotations

import os
import uuid

import pytest


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
    """Settings pointing at the test Redis with a prefix of this test's own; yields a client."""
    import redis

    from iko_project.shared_store import redis_reset

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
