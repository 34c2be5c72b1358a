"""The last hour of every source, minute by minute, for the admin's source-health page.

`call_record` is called by `connectors.metrics.source_call_record` for every source call it counts
for Prometheus, so the page and `/metrics` count the same calls. Per source and per minute (UTC
wall clock) it keeps:
- how many calls were answered (`ok`, `not_found`), failed (`error`, `timeout`) or skipped (the
  circuit was open, no call made);
- the durations of the calls that were made, as counts per bucket of `LATENCY_BUCKETS` (the buckets
  of `iko_source_call_duration_seconds` too), from which `quantile` estimates p50 and p95 the way
  Prometheus' `histogram_quantile` does;
- per source, the class of the last failure and when it happened (`error_class`): never its
  detail, since a source's message may echo what it was asked.

Shared between instances: with `IKO_REDIS_URL` the counts go to one Redis hash per source and
minute (`HINCRBY`, expiring after two hours), so the page shows all instances together. A call
does not wait for Redis: each process adds up what it counted and sends it in one round trip at
most every `FLUSH_SECONDS` (when it records a call, or shows the page), so the page is a few
seconds behind for other processes, and a process that stops loses at most its last seconds.
Without Redis, or while it fails (iko_project/shared_store.py backs off; what could not be sent
is sent later), the page shows the counts of the process that served it, which every process
keeps in memory too.
"""

from __future__ import annotations

import bisect
import re
import threading
import time
from dataclasses import dataclass, field, replace

from django.core.exceptions import ImproperlyConfigured

from iko_project import shared_store

# Seconds. Most registers answer within 20 to 500 ms, so the buckets are finest there: a quantile
# is interpolated within its bucket, and a coarse bucket (0.1 to 0.25 s) would put the p50 of
# calls that all take 120 ms at 175 ms. A call is cut off at its source's timeout (at most 60 s).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.5, 5.0, 10.0, 30.0)
MINUTES = 60  # the page's window
FLUSH_SECONDS = 2.0  # how often a process sends its counts to Redis, at most
KEEP_SECONDS = 2 * 3600  # a minute's counts outlive the window, then expire
LAST_ERROR_KEEP_SECONDS = 7 * 24 * 3600

ANSWERED, FAILED, SKIPPED = "answered", "failed", "skipped"
OUTCOME_OF_STATUS = {"ok": ANSWERED, "not_found": ANSWERED, "error": FAILED, "timeout": FAILED, "skipped": SKIPPED}

# The classes a failure is put in, by what the HTTP layer and the connectors say about it
# (connectors/http.py, connectors/errors.py). Anything else is `error`.
ERROR_CLASSES = ("timeout", "connection", "tls", "redirect", "http_401_403", "http_429", "http_4xx", "http_5xx",
                 "invalid_answer", "configuration", "connector", "error")
_DETAIL_CLASSES = (
    (re.compile(r"TLS handshake"), "tls"),
    (re.compile(r"Could not connect|HTTP error talking to the source|broke off its answer"), "connection"),
    (re.compile(r"answered with a redirect"), "redirect"),
    (re.compile(r"\(HTTP 40[13]\)"), "http_401_403"),
    (re.compile(r"\(HTTP 429\)"), "http_429"),
    (re.compile(r"\(HTTP 4\d\d\)"), "http_4xx"),
    (re.compile(r"\(HTTP 5\d\d\)"), "http_5xx"),
    (re.compile(r"invalid JSON|larger than \d+ bytes"), "invalid_answer"),
    (re.compile(r"is not installed|Refused a URL outside"), "configuration"),
    (re.compile(r"failed unexpectedly"), "connector"),
)


def error_class(*, status: str, detail: str) -> str:
    """The class of a failed call: `timeout`, or what its detail says went wrong."""
    if status == "timeout":
        return "timeout"
    for pattern, name in _DETAIL_CLASSES:
        if pattern.search(detail or ""):
            return name
    return "error"


@dataclass
class Minute:
    """The counts of one source in one minute."""

    answered: int = 0
    failed: int = 0
    skipped: int = 0
    # Calls made, per bucket of LATENCY_BUCKETS and one more for longer ones (not cumulative).
    buckets: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BUCKETS) + 1))

    @property
    def calls(self) -> int:
        return self.answered + self.failed + self.skipped

    def add(self, other: Minute) -> None:
        self.answered += other.answered
        self.failed += other.failed
        self.skipped += other.skipped
        self.buckets = [a + b for a, b in zip(self.buckets, other.buckets)]


@dataclass(frozen=True)
class LastError:
    error_class: str
    at: float  # time.time()


def _bucket(seconds: float) -> int:
    return bisect.bisect_left(LATENCY_BUCKETS, seconds)


def quantile(q: float, buckets: list[int]) -> float | None:
    """Seconds below which a share `q` of the calls finished, interpolated within its bucket as
    Prometheus' histogram_quantile does; None without calls. Above the last bound: that bound."""
    total = sum(buckets)
    if total == 0:
        return None
    rank = q * total
    seen = 0
    for index, count in enumerate(buckets):
        if count and seen + count >= rank:
            if index == len(LATENCY_BUCKETS):
                return LATENCY_BUCKETS[-1]
            lower = LATENCY_BUCKETS[index - 1] if index else 0.0
            return lower + (LATENCY_BUCKETS[index] - lower) * (rank - seen) / count
        seen += count
    return LATENCY_BUCKETS[-1]


# --- in this process's memory ------------------------------------------------------------------------


class MemoryStore:
    def __init__(self):
        self._lock = threading.Lock()
        self._minutes: dict[tuple[str, int], Minute] = {}
        self._last_errors: dict[str, LastError] = {}

    def add(self, source: str, minute: int, outcome: str, bucket: int | None, last_error: LastError | None) -> None:
        with self._lock:
            counts = self._minutes.get((source, minute))
            if counts is None:
                counts = self._minutes[(source, minute)] = Minute()
                # A new minute: forget what left the window, so memory stays bounded.
                for key in [k for k in self._minutes if k[1] <= minute - MINUTES]:
                    del self._minutes[key]
            setattr(counts, outcome, getattr(counts, outcome) + 1)
            if bucket is not None:
                counts.buckets[bucket] += 1
            if last_error is not None:
                self._last_errors[source] = last_error

    def read(self, source: str, minutes: list[int]) -> tuple[list[Minute], LastError | None]:
        with self._lock:
            series = [replace(self._minutes[(source, m)], buckets=list(self._minutes[(source, m)].buckets))
                      if (source, m) in self._minutes else Minute() for m in minutes]
            return series, self._last_errors.get(source)

    def clear(self) -> None:
        with self._lock:
            self._minutes.clear()
            self._last_errors.clear()

    def drain(self) -> tuple[dict[tuple[str, int], Minute], dict[str, LastError]]:
        """Everything counted so far, leaving the store empty."""
        with self._lock:
            taken = self._minutes, self._last_errors
            self._minutes, self._last_errors = {}, {}
        return taken

    def merge(self, minutes: dict[tuple[str, int], Minute], last_errors: dict[str, LastError]) -> None:
        """Put drained counts back (they could not be sent), keeping only the window."""
        newest = max((minute for _, minute in minutes), default=0)
        with self._lock:
            for key, counts in minutes.items():
                if key[1] > newest - MINUTES:
                    self._minutes.setdefault(key, Minute()).add(counts)
            for source, last in last_errors.items():
                if source not in self._last_errors or self._last_errors[source].at < last.at:
                    self._last_errors[source] = last


memory_store = MemoryStore()  # this process's counts: the page's figures without Redis
unflushed = MemoryStore()  # counted since the last flush to Redis


# --- in Redis ----------------------------------------------------------------------------------------


def _minute_key(source: str, minute: int) -> str:
    return shared_store.redis_key("health", source, str(minute))


def _last_error_key(source: str) -> str:
    return shared_store.redis_key("health", source, "last-error")


def _redis_write(minutes: dict[tuple[str, int], Minute], last_errors: dict[str, LastError]) -> None:
    with shared_store.redis_client().pipeline(transaction=False) as pipe:
        for (source, minute), counts in minutes.items():
            key = _minute_key(source, minute)
            fields = {ANSWERED: counts.answered, FAILED: counts.failed, SKIPPED: counts.skipped,
                      **{f"b{index}": count for index, count in enumerate(counts.buckets)}}
            for name, count in fields.items():
                if count:
                    pipe.hincrby(key, name, count)
            pipe.expire(key, KEEP_SECONDS)
        for source, last in last_errors.items():
            pipe.hset(_last_error_key(source), mapping={"class": last.error_class, "at": repr(last.at)})
            pipe.expire(_last_error_key(source), LAST_ERROR_KEEP_SECONDS)
        pipe.execute()


_flush_lock = threading.Lock()
_flushed_at = 0.0  # time.monotonic() of the last flush


def flush() -> None:
    """Send what this process counted since the last flush to Redis, in one round trip."""
    global _flushed_at
    if not _flush_lock.acquire(blocking=False):
        return  # another thread is sending them
    try:
        _flushed_at = time.monotonic()
        minutes, last_errors = unflushed.drain()
        if not minutes and not last_errors:
            return
        try:
            _redis_write(minutes, last_errors)
        except shared_store.RedisError as exc:
            shared_store.redis_failed(exc, "the source-health counts")
            unflushed.merge(minutes, last_errors)
        else:
            shared_store.redis_succeeded()
    finally:
        _flush_lock.release()


def _minute_from_hash(values: dict[bytes, bytes]) -> Minute:
    counts = {key.decode(): int(value) for key, value in values.items()}
    return Minute(answered=counts.get(ANSWERED, 0), failed=counts.get(FAILED, 0), skipped=counts.get(SKIPPED, 0),
                  buckets=[counts.get(f"b{i}", 0) for i in range(len(LATENCY_BUCKETS) + 1)])


def _redis_read(sources: list[str], minutes: list[int]) -> dict[str, tuple[list[Minute], LastError | None]]:
    with shared_store.redis_client().pipeline(transaction=False) as pipe:
        for source in sources:
            for minute in minutes:
                pipe.hgetall(_minute_key(source, minute))
            pipe.hgetall(_last_error_key(source))
        answers = pipe.execute()
    found = {}
    step = len(minutes) + 1
    for index, source in enumerate(sources):
        chunk = answers[index * step:(index + 1) * step]
        last = chunk[-1]
        last_error = LastError(last[b"class"].decode(), float(last[b"at"])) if b"class" in last else None
        found[source] = ([_minute_from_hash(values) for values in chunk[:-1]], last_error)
    return found


def _redis_configured() -> bool:
    try:
        return shared_store.redis_configured()
    except ImproperlyConfigured:  # a script that records without Django settings
        return False


# --- recording and reading ---------------------------------------------------------------------------


def call_record(*, source: str, status: str, seconds: float | None, detail: str = "", now: float | None = None) -> None:
    """Count one call of `source` (a label value: connectors.metrics.label) with its status."""
    outcome = OUTCOME_OF_STATUS.get(status)
    if outcome is None:
        return
    now = time.time() if now is None else now
    minute = int(now // 60)
    bucket = _bucket(seconds) if seconds is not None else None
    last_error = LastError(error_class(status=status, detail=detail), now) if outcome == FAILED else None
    memory_store.add(source, minute, outcome, bucket, last_error)
    if _redis_configured():
        unflushed.add(source, minute, outcome, bucket, last_error)
        if time.monotonic() - _flushed_at >= FLUSH_SECONDS and shared_store.redis_usable():
            flush()


@dataclass(frozen=True)
class SourceHour:
    """One source's last hour: `minutes` oldest first, the current (unfinished) minute last."""

    source: str
    minutes: list[Minute]
    last_error: LastError | None

    @property
    def total(self) -> Minute:
        total = Minute()
        for minute in self.minutes:
            total.add(minute)
        return total

    @property
    def calls(self) -> int:
        return self.total.calls

    @property
    def availability(self) -> float | None:
        """Share of the calls IKO wanted to make that were answered (found or not found); a call
        skipped because the circuit was open counts as unavailable. None without calls."""
        total = self.total
        return total.answered / total.calls if total.calls else None

    def latency(self, q: float) -> float | None:
        return quantile(q, self.total.buckets)


def source_hours(*, sources: list[str], now: float | None = None) -> dict[str, SourceHour]:
    """The last hour of each source, from Redis when it is usable, else from this process."""
    now = time.time() if now is None else now
    last = int(now // 60)
    minutes = list(range(last - MINUTES + 1, last + 1))
    found = None
    if sources and _redis_configured() and shared_store.redis_usable():
        flush()  # this process's latest counts first
        try:
            found = _redis_read(sources, minutes)
        except shared_store.RedisError as exc:
            shared_store.redis_failed(exc, "the source-health counts")
        else:
            shared_store.redis_succeeded()
    if found is None:
        found = {source: memory_store.read(source, minutes) for source in sources}
    return {source: SourceHour(source, *found[source]) for source in sources}
