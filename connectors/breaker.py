"""A circuit breaker per source: stop calling a source that keeps failing, then try it again.

Closed: calls go through. After `failure_threshold` consecutive failures the circuit opens: calls
are skipped at once (the view answers without that source instead of waiting for its timeout).
After `reset_seconds` it is half open: one trial call goes through; success closes it, failure
opens it again.

`CircuitBreaker` keeps the state in this process. `SharedCircuitBreaker` (the one `get_breaker`
returns) keeps it in Redis when `IKO_REDIS_URL` is set, so that a source that fails is skipped by
every instance behind the load balancer, and one trial call is made for all of them. Redis time
stamps are wall-clock seconds (instances share no monotonic clock); keys expire on their own.
When Redis fails, the breaker falls back to this process's state and uses Redis again after the
back-off of `iko_project/shared_store.py`, the Redis store that rate limits use too.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

from iko_project import shared_store

from . import metrics

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"
logger = logging.getLogger("iko.sources")  # see connectors/runner.py


@dataclass
class _Circuit:
    failures: int = 0
    opened_at: float | None = None
    trial_in_flight: bool = False


class CircuitBreaker:
    def __init__(self, *, failure_threshold: int, reset_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self.clock = clock
        self._circuits: dict[str, _Circuit] = {}
        self._lock = threading.Lock()
        self._charted: set[str] = set()  # sources whose state this process has put in the gauge

    def _chart_first_sight(self, key: str, state: str) -> None:
        """Chart a source from its first call on, in the state it is in then; later, changes."""
        if key not in self._charted:
            self._charted.add(key)
            metrics.circuit_state_set(source=key, state=state)

    def state(self, key: str) -> str:
        with self._lock:
            return self._state(self._circuits.get(key) or _Circuit())

    def _state(self, circuit: _Circuit) -> str:
        if circuit.opened_at is None:
            return CLOSED
        if self.clock() - circuit.opened_at >= self.reset_seconds:
            return HALF_OPEN
        return OPEN

    def allow(self, key: str) -> bool:
        """May a call to this source go out now? In half-open state only one trial at a time."""
        with self._lock:
            circuit = self._circuits.setdefault(key, _Circuit())
            state = self._state(circuit)
            self._chart_first_sight(key, state)
            if state == CLOSED:
                return True
            if state == HALF_OPEN and not circuit.trial_in_flight:
                circuit.trial_in_flight = True
                metrics.circuit_state_set(source=key, state=HALF_OPEN)
                return True
            return False

    def record(self, key: str, *, success: bool) -> None:
        with self._lock:
            circuit = self._circuits.setdefault(key, _Circuit())
            was_open, was_trial = circuit.opened_at is not None, circuit.trial_in_flight
            circuit.trial_in_flight = False
            if success:
                circuit.failures = 0
                circuit.opened_at = None
                changed = CLOSED if was_open else None
            else:
                circuit.failures += 1
                if circuit.opened_at is not None or circuit.failures >= self.failure_threshold:
                    circuit.opened_at = self.clock()
                # Opened now, or again after a failed trial; a straggler failing while open is no change.
                changed = OPEN if circuit.opened_at is not None and (not was_open or was_trial) else None
            failures = circuit.failures
        self._changed(key, changed, failures)

    def _changed(self, key: str, changed: str | None, failures: int) -> None:
        """Report a circuit that opened or closed: the metric and one log line for operators."""
        if not changed:
            return
        metrics.circuit_state_set(source=key, state=changed)
        fields = {"event": f"circuit_{'opened' if changed == OPEN else 'closed'}", "source": key,
                  "consecutiveFailures": failures}
        if changed == OPEN:
            logger.warning("Circuit of %s opened after %d consecutive failures: calls are skipped for %g s.",
                           key, failures, self.reset_seconds, extra={"log_fields": fields})
        else:
            logger.warning("Circuit of %s closed: the source answers again.", key, extra={"log_fields": fields})

    def reset(self) -> None:
        with self._lock:
            self._circuits.clear()
            self._charted.clear()


# One failure, atomically: count it, open (or re-open) the circuit when due, end the trial; returns
# the failures, whether it was open and a trial in flight before, and whether it is open now.
_RECORD_FAILURE = """
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local opened = redis.call('HGET', KEYS[1], 'opened_at')
local trial = redis.call('EXISTS', KEYS[2])
local now_open = 0
if opened or failures >= tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'opened_at', ARGV[2])
  now_open = 1
end
redis.call('DEL', KEYS[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {failures, opened and 1 or 0, trial, now_open}
"""


class SharedCircuitBreaker(CircuitBreaker):
    """The breaker with its state in Redis when Redis is configured and answers."""

    def __init__(self, *, failure_threshold: int, reset_seconds: float,
                 clock: Callable[[], float] = time.monotonic, wall_clock: Callable[[], float] = time.time):
        super().__init__(failure_threshold=failure_threshold, reset_seconds=reset_seconds, clock=clock)
        self.wall_clock = wall_clock
        self._scripts: dict[int, object] = {}

    # --- Redis keys: a hash with failures and opened_at, and the half-open trial's marker ------
    def _keys(self, key: str) -> tuple[str, str]:
        return shared_store.redis_key("breaker", key), shared_store.redis_key("breaker", key, "trial")

    @property
    def _expiry_ms(self) -> int:
        """How long a circuit's record outlives its last failure (long after it could matter)."""
        return int(max(self.reset_seconds * 10, 3600) * 1000)

    def _shared(self, what: str, action: Callable[[object], object], fallback: Callable[[], object]):
        if not shared_store.redis_usable():
            return fallback()
        try:
            result = action(shared_store.redis_client())
        except shared_store.RedisError as exc:
            shared_store.redis_failed(exc, what)
            return fallback()
        shared_store.redis_succeeded()
        return result

    def _opened_at(self, client, key: str) -> float | None:
        value = client.hget(self._keys(key)[0], "opened_at")
        return float(value) if value is not None else None

    def state(self, key: str) -> str:
        def shared(client) -> str:
            opened_at = self._opened_at(client, key)
            if opened_at is None:
                return CLOSED
            return HALF_OPEN if self.wall_clock() - opened_at >= self.reset_seconds else OPEN

        return self._shared("the circuit breaker", shared, lambda: super(SharedCircuitBreaker, self).state(key))

    def allow(self, key: str) -> bool:
        def shared(client) -> bool:
            opened_at = self._opened_at(client, key)
            if opened_at is None:
                self._chart_first_sight(key, CLOSED)
                return True
            if self.wall_clock() - opened_at < self.reset_seconds:
                self._chart_first_sight(key, OPEN)
                return False
            # Half open: the first instance to set the marker makes the one trial call; the
            # marker expires in case that call's outcome is never recorded.
            trial_ms = int(max(self.reset_seconds, 1.0) * 1000)
            if not client.set(self._keys(key)[1], b"1", nx=True, px=trial_ms):
                self._chart_first_sight(key, HALF_OPEN)
                return False
            self._charted.add(key)
            metrics.circuit_state_set(source=key, state=HALF_OPEN)
            return True

        return self._shared("the circuit breaker", shared, lambda: super(SharedCircuitBreaker, self).allow(key))

    def record(self, key: str, *, success: bool) -> None:
        def shared(client) -> None:
            circuit, trial = self._keys(key)
            if success:
                pipeline = client.pipeline()
                pipeline.hget(circuit, "opened_at")
                pipeline.delete(circuit, trial)
                was_open, _ = pipeline.execute()
                self._changed(key, CLOSED if was_open is not None else None, 0)
                return
            script = self._scripts.get(id(client))
            if script is None:
                script = self._scripts[id(client)] = client.register_script(_RECORD_FAILURE)
            failures, was_open, was_trial, now_open = script(
                keys=[circuit, trial], args=[self.failure_threshold, repr(self.wall_clock()), self._expiry_ms]
            )
            # Opened now, or again after a failed trial (as the in-process breaker reports it).
            self._changed(key, OPEN if now_open and (not was_open or was_trial) else None, int(failures))

        self._shared("the circuit breaker", shared, lambda: super(SharedCircuitBreaker, self).record(key, success=success))

    def reset(self) -> None:
        """Forget every circuit, here and (when used) in Redis."""
        super().reset()

        def shared(client) -> None:
            for name in client.scan_iter(match=shared_store.redis_key("breaker", "*")):
                client.delete(name)

        self._shared("the circuit breaker", shared, lambda: None)


_breaker: SharedCircuitBreaker | None = None


def get_breaker() -> SharedCircuitBreaker:
    """The process-wide breaker, configured from the settings; shared through Redis when set."""
    global _breaker
    if _breaker is None:
        from django.conf import settings

        _breaker = SharedCircuitBreaker(
            failure_threshold=settings.IKO_BREAKER_FAILURES, reset_seconds=settings.IKO_BREAKER_RESET_SECONDS
        )
    return _breaker
