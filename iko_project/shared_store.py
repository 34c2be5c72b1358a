"""The Redis that IKO instances share for rate limits and lookup alerts, and what to do without it.

Redis holds what instances must share (rate limits, breaker state, lookup alerts).
`IKO_REDIS_URL` (e.g. redis://redis:6379/0) switches it on; without it every process counts for
itself, in memory. Redis is a helper, never a dependency: a failing Redis must not fail the API.
When a command fails, the caller falls back to its in-memory counting (`redis_failed`), and Redis
is left alone for `IKO_REDIS_RETRY_SECONDS`, so that a Redis that is down does not cost every
request a connect timeout. The outage is logged once, as a warning, and its end once, as info.
"""

from __future__ import annotations

import logging
import threading
import time

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

RedisError = redis.RedisError

_lock = threading.Lock()
_clients: dict[tuple[str, float], redis.Redis] = {}
_down_until = 0.0
_down = False


def redis_configured() -> bool:
    return bool(settings.IKO_REDIS_URL)


def redis_client() -> redis.Redis:
    """The process's client (a thread-safe connection pool; redis-py renews it after a fork)."""
    key = (settings.IKO_REDIS_URL, settings.IKO_REDIS_TIMEOUT_SECONDS)
    client = _clients.get(key)
    if client is None:
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = redis.Redis.from_url(
                    key[0],
                    socket_timeout=key[1],
                    socket_connect_timeout=key[1],
                    health_check_interval=30,
                )
                _clients[key] = client
    return client


def redis_key(*parts: str) -> str:
    """A key under `IKO_REDIS_PREFIX`, so IKO can share a Redis (or a database of it) with others."""
    return settings.IKO_REDIS_PREFIX + ":".join(parts)


def redis_usable() -> bool:
    """True when Redis is configured and not in its back-off after a failure."""
    return redis_configured() and time.monotonic() >= _down_until


def redis_failed(exc: Exception, what: str) -> None:
    """Note a failed Redis command: back off, and warn once per outage (type only, no URL)."""
    global _down_until, _down
    with _lock:
        _down_until = time.monotonic() + settings.IKO_REDIS_RETRY_SECONDS
        first = not _down
        _down = True
    if first:
        logger.warning(
            "Redis cannot be used for %s (%s); counting in this process's memory until it is back.",
            what, type(exc).__name__,
        )


def redis_succeeded() -> None:
    global _down
    if _down:
        with _lock:
            was_down, _down = _down, False
        if was_down:
            logger.info("Redis answers again; counts are shared between instances again.")


def redis_reset() -> None:
    """Forget clients and outages (tests)."""
    global _down_until, _down
    with _lock:
        for client in _clients.values():
            client.close()
        _clients.clear()
        _down_until = 0.0
        _down = False
