"""The Redis that IKO instances share, reached from the connector layer, and what to do without it.

`IKO_REDIS_URL` (e.g. redis://redis:6379/0) switches it on; keys sit under `IKO_REDIS_PREFIX`.
Redis is a helper, never a dependency: when a command fails the caller falls back to its
in-process state, calls `redis_failed`, and Redis is left alone for `IKO_REDIS_RETRY_SECONDS`,
so that a Redis that is down does not cost every call a connect timeout. The outage is logged
once, as a warning (the error's type only, never the URL, which may hold a password).

This is the bottom layer's copy of what `api/shared_store.py` offers the API (rate limits,
lookup alerts): the connectors may not import from `api`. Each keeps its own back-off, so an
outage seen by one does not silence the other's warning.
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


def redis_client() -> redis.Redis:
    """The process's client (a thread-safe connection pool; redis-py renews it after a fork)."""
    key = (settings.IKO_REDIS_URL, settings.IKO_REDIS_TIMEOUT_SECONDS)
    client = _clients.get(key)
    if client is None:
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = redis.Redis.from_url(
                    key[0], socket_timeout=key[1], socket_connect_timeout=key[1], health_check_interval=30
                )
                _clients[key] = client
    return client


def redis_key(*parts: str) -> str:
    return settings.IKO_REDIS_PREFIX + ":".join(parts)


def redis_usable() -> bool:
    """True when Redis is configured and not in its back-off after a failure."""
    return bool(settings.IKO_REDIS_URL) and time.monotonic() >= _down_until


def redis_failed(exc: Exception, what: str) -> None:
    """Note a failed Redis command: back off, and warn once per outage."""
    global _down_until, _down
    with _lock:
        _down_until = time.monotonic() + settings.IKO_REDIS_RETRY_SECONDS
        first, _down = not _down, True
    if first:
        logger.warning(
            "Redis cannot be used for %s (%s); this process keeps its own state until it is back.",
            what, type(exc).__name__,
        )


def redis_succeeded() -> None:
    global _down
    if _down:
        with _lock:
            was_down, _down = _down, False
        if was_down:
            logger.info("Redis answers again; state is shared between instances again.")


def redis_reset() -> None:
    """Forget clients and outages (tests)."""
    global _down_until, _down
    with _lock:
        for client in _clients.values():
            client.close()
        _clients.clear()
        _down_until, _down = 0.0, False
