"""A small in-memory, per-process cache of Catalogi reference data (zaaktypen, statustypen,
besluittypen, informatieobjecttypen).

The architecture allows brief in-memory caching of reference data without personal
data; zaaktypen and statustypen are exactly that, and caching them saves one Catalogi call per
zaaktype per view. Entries are keyed by the server they came from (its slug) and the resource
URL, so a source never reads what was fetched with another server's credentials. Each reader
passes its own maximum age (the source option `zaaktype_cache_seconds`), so one cache serves
sources with different TTLs. Only the few keys the connector uses are stored.

Thread-safe: the runner calls connectors from a pool of threads. Two threads that miss at the
same moment may both fetch; that costs one extra call and is not worth a lock around I/O.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any, Hashable

MAX_ENTRIES = 2000


class ReferenceCache:
    def __init__(self, max_entries: int = MAX_ENTRIES, clock=time.monotonic) -> None:
        self._max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    def get(self, key: Hashable, max_age: float) -> Any | None:
        """The value stored under `key` if it is at most `max_age` seconds old, else None."""
        if max_age <= 0:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            stored_at, value = entry
            if self._clock() - stored_at > max_age:
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = (self._clock(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


# The one cache of this process (each gunicorn worker has its own).
reference_cache = ReferenceCache()
