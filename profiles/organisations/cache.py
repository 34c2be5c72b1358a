"""A small, short-lived cache of what every request asks about organisations (the default one,
whether there are several, a token's organisation), kept as briefly as the configuration cache
(IKO_CONFIG_CACHE_SECONDS) and forgotten at once when an organisation is saved in this process.
This package lies below the configuration cache (profiles.access), so it keeps its own.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Hashable

from django.conf import settings

_lock = threading.Lock()
_cached: dict[Hashable, tuple[float, Any]] = {}


def cached_value(key: Hashable, load: Callable[[], Any]) -> Any:
    ttl = float(getattr(settings, "IKO_CONFIG_CACHE_SECONDS", 5.0))
    entry = _cached.get(key)
    if ttl > 0 and entry is not None and time.monotonic() - entry[0] < ttl:
        return entry[1]
    value = load()
    if ttl > 0:
        with _lock:
            if len(_cached) > 1000:
                _cached.clear()
            _cached[key] = (time.monotonic(), value)
    return value


def organisation_cache_clear(**_: Any) -> None:
    with _lock:
        _cached.clear()
