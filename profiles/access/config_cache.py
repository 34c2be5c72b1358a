"""A short-lived, in-process cache of configuration read on every view: profiles with their plans,
purposes, API clients by token hash.

Configuration changes rarely; views are many. Reading a profile with its relation tree, sources
and servers costs several queries and about ten milliseconds per view, which is most of IKO's own
budget (docs/developer/performance.md). So each process keeps what it read for at most
`IKO_CONFIG_CACHE_SECONDS`:
- a change saved in this process (the admin, an import) clears the cache at once (signals below);
- a change saved by another instance reaches this one within that time, which is the promise
  docs/operator/index.md makes to operators. Set it to 0 to read the database on every view.

Only configuration is cached here: never source data and never anything about a subject.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Hashable

from django.conf import settings
from django.db.models.signals import post_delete, post_save

_MISSING = object()


class ShortLivedCache:
    """Values loaded from the database, reused while younger than a setting's number of seconds.

    Shared by this module (configuration) and profiles.access.grants (grants per principal). A value
    loaded while the cache was cleared is not kept: it may predate the change that cleared it.
    The cache forgets everything when it reaches `max_entries`, so it cannot grow without bound.
    """

    def __init__(self, ttl_setting: str, *, default_ttl: float = 5.0, max_entries: int = 10_000):
        self.ttl_setting = ttl_setting
        self.default_ttl = default_ttl
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._generation = 0

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        ttl = float(getattr(settings, self.ttl_setting, self.default_ttl))
        if ttl <= 0:
            return load()
        entry = self._entries.get(key, _MISSING)
        if entry is not _MISSING and time.monotonic() - entry[0] < ttl:
            return entry[1]
        # Loading outside the lock: two threads may both load once, which is cheaper than making
        # every view wait behind one slow query.
        generation, loaded_at = self._generation, time.monotonic()
        value = load()
        with self._lock:
            if generation == self._generation:
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
                self._entries[key] = (loaded_at, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()


_config = ShortLivedCache("IKO_CONFIG_CACHE_SECONDS")


def config_cached(key: Hashable, load: Callable[[], Any]) -> Any:
    """`load()`'s value for `key`, reused while it is younger than the configured time."""
    return _config.get(key, load)


def config_cache_clear(**_: Any) -> None:
    """Forget everything (a configuration model changed, or a test starts)."""
    _config.clear()


# Every model a view's configuration is read from. By label, so this module imports no models.
WATCHED_MODELS = {
    "profiles.profile",
    "profiles.relation",
    "profiles.purpose",
    "profiles.apiclient",
    "connectors.source",
    "zgw_consumers.service",
    "zgw_consumers.nlxconfig",
    "connectors.serverfsc",
    "simple_certmanager.certificate",
}


def _on_change(sender, **kwargs: Any) -> None:
    if sender._meta.label_lower in WATCHED_MODELS:
        config_cache_clear()


post_save.connect(_on_change, dispatch_uid="iko-config-cache-save")
post_delete.connect(_on_change, dispatch_uid="iko-config-cache-delete")
