"""A short-lived, in-process cache of configuration read on every view: profiles with their plans,
purposes, API clients by token hash.

Configuration changes rarely; views are many. Reading a profile with its relation tree, sources
and servers costs several queries and about ten milliseconds per view, which is most of IKO's own
budget (ARCHITECTURE.md, section 6). So each process keeps what it read for at most
`IKO_CONFIG_CACHE_SECONDS`:
- a change saved in this process (the admin, an import) clears the cache at once (signals below);
- a change saved by another instance reaches this one within that time, which is the promise
  the README makes to operators. Set it to 0 to read the database on every view.

Only configuration is cached here: never source data and never anything about a subject.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Hashable

from django.conf import settings
from django.db.models.signals import post_delete, post_save

_lock = threading.Lock()
_entries: dict[Hashable, tuple[float, Any]] = {}
_MISSING = object()


def config_cached(key: Hashable, load: Callable[[], Any]) -> Any:
    """`load()`'s value for `key`, reused while it is younger than the configured time."""
    ttl = settings.IKO_CONFIG_CACHE_SECONDS
    if ttl <= 0:
        return load()
    now = time.monotonic()
    entry = _entries.get(key, _MISSING)
    if entry is not _MISSING and now - entry[0] < ttl:
        return entry[1]
    # Loading outside the lock: two threads may both load once, which is cheaper than making
    # every view wait behind one slow query.
    value = load()
    with _lock:
        _entries[key] = (now, value)
    return value


def config_cache_clear(**_: Any) -> None:
    """Forget everything (a configuration model changed, or a test starts)."""
    with _lock:
        _entries.clear()


# Every model a view's configuration is read from. By label, so this module imports no models.
WATCHED_MODELS = {
    "profiles.profile",
    "profiles.relation",
    "profiles.purpose",
    "api.apiclient",
    "connectors.source",
    "zgw_consumers.service",
    "zgw_consumers.nlxconfig",
    "simple_certmanager.certificate",
}


def _on_change(sender, **kwargs: Any) -> None:
    if sender._meta.label_lower in WATCHED_MODELS:
        config_cache_clear()


post_save.connect(_on_change, dispatch_uid="iko-config-cache-save")
post_delete.connect(_on_change, dispatch_uid="iko-config-cache-delete")
