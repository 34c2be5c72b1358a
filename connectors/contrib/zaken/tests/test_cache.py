"""Tests of the in-memory reference cache for zaaktypen and statustypen."""

from __future__ import annotations

import threading

from connectors.contrib.catalogi import ReferenceCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_returned_until_it_is_older_than_the_readers_max_age():
    clock = Clock()
    cache = ReferenceCache(clock=clock)
    cache.put("zaaktype", {"omschrijving": "Aanvraag parkeervergunning"})

    clock.now = 60
    assert cache.get("zaaktype", max_age=60) == {"omschrijving": "Aanvraag parkeervergunning"}
    assert cache.get("zaaktype", max_age=59) is None
    assert cache.get("zaaktype", max_age=0) is None


def test_the_oldest_entries_are_evicted_beyond_the_maximum_size():
    cache = ReferenceCache(max_entries=2, clock=Clock())
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a", max_age=10)  # recently used: kept
    cache.put("c", 3)

    assert len(cache) == 2
    assert cache.get("b", max_age=10) is None
    assert cache.get("a", max_age=10) == 1 and cache.get("c", max_age=10) == 3


def test_concurrent_readers_and_writers_keep_the_cache_consistent():
    cache = ReferenceCache(max_entries=50)
    errors: list[Exception] = []

    def work(worker: int) -> None:
        try:
            for i in range(2000):
                key = (worker + i) % 80
                cache.put(key, {"n": key})
                value = cache.get(key, max_age=60)
                assert value is None or value == {"n": key}
        except Exception as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(cache) == 50
