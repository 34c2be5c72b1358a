"""Rate limits per API client and per user: 429 problem+json with `Retry-After`.

`PrincipalRateThrottle` is DRF's default throttle (settings: REST_FRAMEWORK). It counts the
requests of the authenticated principal:

- an API client (`profiles.access.api_clients.ApiClient`) against `IKO_RATE_LIMIT_CLIENT`;
- a user against `IKO_RATE_LIMIT_USER`: the subject of an OIDC bearer token (issuer + `sub`), a
  citizen's token likewise, or a staff user with a session.

The `onBehalfOf` an API client sends is its own claim, so it does not get a limit of its own:
the client's limit covers all its users. Unauthenticated requests never get here (DRF checks
authentication and permissions first); the public schema and docs pages have no principal and the
health probes are not DRF views, so none of those is limited.

Rates read like DRF's: `600/minute`, `20/second`, `10000/hour`, or with a multiple `100/10s`;
empty switches a limit off. Counting is a sliding window (the weighted sum of the previous and
the current fixed window, as in Cloudflare's and nginx's limiters): no burst of twice the rate
at a window boundary, and two counters per principal. With `IKO_REDIS_URL` every instance counts
in Redis (INCR and EXPIRE in one MULTI/EXEC), otherwise each process in memory; if Redis fails,
the process counts in memory and logs a warning (iko_project/shared_store.py). A refused request is not
counted, so a client that waits for `Retry-After` gets through then.

Keys hold a hash of the principal, never a user name or a token subject (which may be a BSN).
"""

from __future__ import annotations

import hashlib
import math
import threading
import time

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from connectors import metrics
from iko_project.shared_store import RedisError, redis_client, redis_failed, redis_key, redis_succeeded, redis_usable
from profiles.access.api_clients import ApiClient
from profiles.access.principals import OidcPrincipal

from .rates import Rate, rate_parse


def principal_scope(principal) -> tuple[str, str] | None:
    """(scope, identity) of a request's principal: scope `client` or `user`; None: not limited."""
    if isinstance(principal, ApiClient):
        return "client", f"api-client:{principal.pk}"
    if isinstance(principal, OidcPrincipal):
        # Counted per organisation: one issuer may serve several (IKO_OIDC_ORGANISATION_CLAIM).
        # API clients and staff users belong to one organisation each already.
        tenant = f"@{principal.organisation_id}" if principal.organisation_id is not None else ""
        return "user", f"oidc:{principal.issuer}:{principal.subject}{tenant}"
    if getattr(principal, "is_authenticated", False) and getattr(principal, "pk", None) is not None:
        return "user", f"user:{principal.pk}"
    return None


def _hashed(identity: str) -> str:
    return hashlib.sha256(identity.encode()).hexdigest()[:32]


def sliding_window(*, previous: int, current: int, elapsed: float, rate: Rate) -> tuple[bool, float]:
    """May one more request go now? And if not, after how many seconds would it?

    `previous` and `current` are the counts of the previous and the current fixed window (not
    counting this request), `elapsed` the seconds since the current window began. The estimate
    of the last `period` seconds is previous * (1 - elapsed / period) + current.
    """
    period, limit = rate.period, rate.limit
    if previous * (1 - elapsed / period) + current + 1 <= limit:
        return True, 0.0
    room = limit - current - 1
    if room >= 0 and previous > 0:
        # Later in this window, enough of the previous window's share has slid out.
        wait = period * (1 - room / previous) - elapsed
        if wait < period - elapsed:
            return False, wait
    # In the next window, the current count becomes the one that slides out.
    later = period * (1 - (limit - 1) / current) if current > limit - 1 else 0.0
    return False, period - elapsed + max(0.0, later)


class MemoryCounter:
    """Sliding-window counts of this process: per key, the current window and its predecessor."""

    MAX_KEYS = 10_000

    def __init__(self):
        self._lock = threading.Lock()
        # key -> [window index, current count, previous count, last seen]
        self._windows: dict[str, list] = {}

    def hit(self, key: str, rate: Rate, now: float) -> tuple[bool, float]:
        index, elapsed = divmod(now, rate.period)
        index = int(index)
        with self._lock:
            window = self._windows.get(key)
            if window is None or window[0] < index - 1:
                window = [index, 0, 0, now]
            elif window[0] == index - 1:
                window = [index, 0, window[1], now]
            allowed, wait = sliding_window(previous=window[2], current=window[1], elapsed=elapsed, rate=rate)
            if allowed:
                window[1] += 1
            window[3] = now
            self._windows[key] = window
            if len(self._windows) > self.MAX_KEYS:
                # Principals that stopped calling: forget the half seen longest ago.
                by_age = sorted(self._windows, key=lambda k: self._windows[k][3])
                for stale in by_age[: len(by_age) // 2]:
                    del self._windows[stale]
        return allowed, wait

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()


def _redis_hit(key: str, rate: Rate, now: float) -> tuple[bool, float]:
    index, elapsed = divmod(now, rate.period)
    index = int(index)
    current_key = redis_key("rate", key, str(index))
    client = redis_client()
    with client.pipeline(transaction=True) as pipe:
        pipe.incr(current_key)
        # Kept while it can still be the previous window, plus a margin for clock skew.
        pipe.expire(current_key, 2 * rate.period + 5)
        pipe.get(redis_key("rate", key, str(index - 1)))
        count, _, previous = pipe.execute()
    allowed, wait = sliding_window(previous=int(previous or 0), current=count - 1, elapsed=elapsed, rate=rate)
    if not allowed:
        client.decr(current_key)  # a refused request does not count
    return allowed, wait


memory_counter = MemoryCounter()


def rate_hit(key: str, rate: Rate, now: float | None = None) -> tuple[bool, float]:
    """Count one request of `key` against `rate`: (allowed, seconds to wait if not)."""
    now = time.time() if now is None else now
    if redis_usable():
        try:
            result = _redis_hit(key, rate, now)
        except RedisError as exc:
            redis_failed(exc, "rate limits")
        else:
            redis_succeeded()
            return result
    return memory_counter.hit(key, rate, now)


class PrincipalRateThrottle(BaseThrottle):
    """DRF throttle: per API client (`IKO_RATE_LIMIT_CLIENT`) and per user (`IKO_RATE_LIMIT_USER`)."""

    RATE_SETTINGS = {"client": "IKO_RATE_LIMIT_CLIENT", "user": "IKO_RATE_LIMIT_USER"}

    def allow_request(self, request, view) -> bool:
        self._wait = None
        scope = principal_scope(request.user)
        if scope is None:
            return True
        rate = rate_parse(getattr(settings, self.RATE_SETTINGS[scope[0]]))
        if rate is None:
            return True
        allowed, wait = rate_hit(f"{scope[0]}:{_hashed(scope[1])}", rate)
        if not allowed:
            metrics.rate_limit_refusal_record()
            # Whole seconds, at least one: Retry-After takes an integer (RFC 9110, 10.2.3).
            self._wait = max(1, math.ceil(wait))
        return allowed

    def wait(self) -> float | None:
        return self._wait
