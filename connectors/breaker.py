"""A circuit breaker per source: stop calling a source that keeps failing, then try it again.

Closed: calls go through. After `failure_threshold` consecutive failures the circuit opens: calls
are skipped at once (the view answers without that source instead of waiting for its timeout).
After `reset_seconds` it is half open: one trial call goes through; success closes it, failure
opens it again. State is per process (the Redis-shared variant is for multi-instance set-ups).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

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
            circuit = self._circuits.get(key)
            if circuit is None:
                circuit = self._circuits[key] = _Circuit()
                metrics.circuit_state_set(source=key, state=CLOSED)  # charted as closed from its first call
            state = self._state(circuit)
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
        if changed:
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


_breaker: CircuitBreaker | None = None


def get_breaker() -> CircuitBreaker:
    """The process-wide breaker, configured from the settings."""
    global _breaker
    if _breaker is None:
        from django.conf import settings

        _breaker = CircuitBreaker(
            failure_threshold=settings.IKO_BREAKER_FAILURES, reset_seconds=settings.IKO_BREAKER_RESET_SECONDS
        )
    return _breaker
