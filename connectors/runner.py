"""The parallel runner: source calls on one process-wide bounded thread pool.

`CallSet` holds the calls of one view. The engine starts each call the moment its input is
known, and the set reports each outcome as soon as it is there. Each call has its own timeout
(its source's, counted from its own start), all of them the view's deadline, and the set never
waits for a straggler: a call that has not started when its time is up is cancelled; one that has
started stops by itself, because `SourceHttp` bounds connect, read and total body time. Identical
calls run once per view, and identical GET requests that connectors make within one view are
made once (`connectors.http.SharedGets`). `run_calls` runs a fixed batch (searches).
`run_together` lets one call make its independent requests at the same time, on the same pool.
Workers get plain data only, so they never touch the ORM (docs/developer/architecture.md, step 6).
"""

from __future__ import annotations

import contextvars
import json
import logging
import queue
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from django.conf import settings

from . import metrics, telemetry
from .base import ConnectorError, ConnectorRequest, ConnectorResult, SourceConfig, Status
from .breaker import CircuitBreaker
from .http import SharedGets, share_gets
from .registry import Registry

# Operators' lines about sources (iko_project/logging.py, `log_fields`): names, statuses and
# durations only, never a URL, a parameter or data.
logger = logging.getLogger("iko.sources")

# A call is cut off this long after its source's timeout: the HTTP layer normally reports the
# timeout itself first, with a more precise detail.
CUTOFF_GRACE_SECONDS = 0.02

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def get_pool() -> ThreadPoolExecutor:
    """The one pool of this process, created on first use (after gunicorn has forked)."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(
                    max_workers=settings.IKO_SOURCE_POOL_SIZE, thread_name_prefix="iko-source"
                )
    return _pool


@dataclass(frozen=True)
class SourceCall:
    """One call to run: `key` names it in the results (a view uses the relation's name)."""

    key: str
    source: SourceConfig
    request: ConnectorRequest

    def signature(self) -> str:
        """Calls with the same signature are the same call, so they run once."""
        return json.dumps(
            [
                self.source.circuit_key,
                self.request.operation,
                self.request.params,
                sorted(self.request.fields),
            ],
            sort_keys=True,
            default=str,
        )


def _execute(registry: Registry, call: SourceCall, cutoff: float, shared: SharedGets | None) -> ConnectorResult:
    # Runs in a copy of the view's context: what is set here is seen by this call (and by what
    # it runs together, see `run_together`), never by the request thread or another call.
    _call_cutoff.set(cutoff)
    if shared is not None:
        share_gets(shared)
    connector_class = registry[call.source.connector_id]
    return telemetry.source_call_traced(source=call.source.name, operation=call.request.operation,
                                        traceparent=call.request.context.traceparent,
                                        run=lambda: connector_class(call.source).run(call.request))


@dataclass
class _Running:
    future: Future
    cutoff: float
    call: SourceCall


class CallSet:
    """The source calls of one view, started one at a time as their inputs become known.

    `start` starts a call at once on the pool, unless an identical call (same signature) has
    already been started, by this view at any moment before: then it shares that call's outcome,
    finished or still running. `wait` blocks until at least one running call has an outcome (or
    its time is up) and returns the signatures that settled. Each call is cut off at its
    source's timeout after its own start, and every call at the view's `deadline`. `breaker`
    skips sources whose circuit is open and learns from each outcome. Identical GET requests that
    connectors make while this set's calls run are made once (`connectors.http.SharedGets`).
    Only plain data goes to the workers; the ORM stays in the request thread.
    """

    def __init__(
        self,
        *,
        registry: Registry,
        deadline: float,
        pool: ThreadPoolExecutor | None = None,
        breaker: CircuitBreaker | None = None,
        memo: dict[str, ConnectorResult] | None = None,
        share_requests: bool = True,
    ):
        self.registry, self.deadline, self.breaker = registry, deadline, breaker
        self.pool = pool or get_pool()
        self.memo: dict[str, ConnectorResult] = {} if memo is None else memo
        # When each call started and settled (time.monotonic()), by signature.
        self.started_at: dict[str, float] = {}
        self.settled_at: dict[str, float] = {}
        self._running: dict[str, _Running] = {}
        self._settled: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._shared = SharedGets() if share_requests else None

    @property
    def running(self) -> int:
        return len(self._running)

    def result(self, signature: str) -> ConnectorResult | None:
        return self.memo.get(signature)

    def start(self, call: SourceCall) -> str:
        """Start the call (or join an identical one); its signature names its outcome."""
        signature = call.signature()
        if signature in self.memo or signature in self._running:
            return signature
        now = time.monotonic()
        self.started_at[signature] = now
        if call.source.connector_id not in self.registry:
            self._settle(signature, call, ConnectorResult.failed(
                Status.ERROR, f"Connector {call.source.connector_id!r} is not installed."), learn=False)
            return signature
        if self.breaker is not None and not self.breaker.allow(call.source.circuit_key):
            self._settle(signature, call, ConnectorResult.failed(
                Status.SKIPPED, f"{call.source.name} failed repeatedly; skipped until its circuit closes."), learn=False)
            metrics.source_call_record(source=call.source.circuit_key, operation=call.request.operation,
                                       status=Status.SKIPPED, seconds=None)
            return signature
        cutoff = min(now + call.source.timeout + CUTOFF_GRACE_SECONDS, self.deadline)
        if cutoff <= now:
            self._settle(signature, call, self._timed_out(call, cutoff - now))
            return signature
        # In the request's context: log lines of the call carry the request's trace id.
        context = contextvars.copy_context()
        future = self.pool.submit(context.run, _execute, self.registry, call, cutoff, self._shared)
        self._running[signature] = _Running(future, cutoff, call)
        future.add_done_callback(lambda _, signature=signature: self._settled.put(signature))
        metrics.pool_queue_length_set(self.pool)
        return signature

    def wait(self) -> list[str]:
        """Block until a running call settles or is cut off; the signatures that settled."""
        if not self._running:
            return []
        next_cutoff = min(running.cutoff for running in self._running.values())
        ready = []
        try:
            ready.append(self._settled.get(timeout=max(0.0, next_cutoff - time.monotonic())))
            while True:
                ready.append(self._settled.get_nowait())
        except queue.Empty:
            pass
        metrics.pool_queue_length_set(self.pool)
        settled = []
        for signature in ready:
            running = self._running.pop(signature, None)
            if running is None:
                continue  # already cut off; a late answer is not used
            try:
                result = running.future.result()
            except Exception as exc:  # noqa: BLE001 - Connector.run catches; this is a last resort
                result = ConnectorResult.failed(Status.ERROR, f"The call failed unexpectedly ({type(exc).__name__}).")
            self._settle(signature, running.call, result)
            settled.append(signature)
        now = time.monotonic()
        for signature, running in list(self._running.items()):
            if running.cutoff <= now:
                running.future.cancel()
                del self._running[signature]
                self._settle(signature, running.call,
                             self._timed_out(running.call, running.cutoff - self.started_at[signature]))
                settled.append(signature)
        return settled

    def abandon(self) -> list[str]:
        """Stop waiting for the calls still running (calls not started yet are dropped)."""
        abandoned = list(self._running)
        for running in self._running.values():
            running.future.cancel()
        self._running.clear()
        return abandoned

    @staticmethod
    def _timed_out(call: SourceCall, waited: float) -> ConnectorResult:
        waited = max(0.0, waited)
        return ConnectorResult(
            status=Status.TIMEOUT,
            detail=f"No answer from {call.source.name} within {waited:.2f} s.",
            duration_ms=round(waited * 1000, 1),
            fields_requested=tuple(call.request.fields),
        )

    def _settle(self, signature: str, call: SourceCall, result: ConnectorResult, learn: bool = True) -> None:
        """`learn`: the call was made (or cut off): count it, and let the breaker learn from it."""
        self.memo[signature] = result
        self.settled_at[signature] = time.monotonic()
        if not learn:
            return
        source, operation, status = call.source.circuit_key, call.request.operation, result.status.value
        metrics.source_call_record(source=source, operation=operation, status=status, seconds=result.duration_ms / 1000,
                                   detail=result.detail)
        if result.status in (Status.ERROR, Status.TIMEOUT):
            logger.warning("Source call failed: %s %s %s after %.0f ms.", source, operation, status, result.duration_ms,
                           extra={"log_fields": {"event": "source_call_failed", "source": source, "operation": operation,
                                                 "status": status, "durationMs": result.duration_ms}})
        if self.breaker is not None:
            self.breaker.record(call.source.circuit_key, success=result.status in (Status.OK, Status.NOT_FOUND))


def run_calls(
    calls: Iterable[SourceCall],
    *,
    registry: Registry,
    deadline: float,
    pool: ThreadPoolExecutor | None = None,
    breaker: CircuitBreaker | None = None,
    memo: dict[str, ConnectorResult] | None = None,
) -> dict[str, ConnectorResult]:
    """Run a batch of calls in parallel; `deadline` is a `time.monotonic()` value. Keys map to results.

    `breaker` skips sources whose circuit is open and learns from each outcome; `memo` carries
    results between batches, so a call made in an earlier batch is not made again.
    """
    running = CallSet(registry=registry, deadline=deadline, pool=pool, breaker=breaker, memo=memo)
    signatures = {call.key: running.start(call) for call in calls}
    while running.running:
        running.wait()
    return {key: running.result(signature) for key, signature in signatures.items()}


# --- independent requests inside one call ----------------------------------------------------------

# When the call that runs in this context must be done (time.monotonic()): its cutoff.
_call_cutoff: contextvars.ContextVar[float | None] = contextvars.ContextVar("iko_call_cutoff", default=None)


def call_cutoff() -> float | None:
    """When the call running in this context must be done (time.monotonic()), if in a view."""
    return _call_cutoff.get()


class _Task:
    """One of the functions given to `run_together`; whoever claims it first runs it."""

    def __init__(self, function: Callable[[], Any]):
        self.function = function
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None
        self._claimed = False
        self._lock = threading.Lock()

    def claim(self) -> bool:
        with self._lock:
            claimed, self._claimed = self._claimed, True
        return not claimed

    def run(self) -> None:
        try:
            self.value = self.function()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller of run_together
            self.error = exc
        finally:
            self.done.set()

    def run_if_unclaimed(self) -> None:
        if self.claim():
            self.run()


def run_together(*functions: Callable[[], Any], pool: ThreadPoolExecutor | None = None) -> list[Any]:
    """Run independent requests of one call at the same time; their results, in order.

    For a connector whose call makes requests that do not wait for each other (a list and the
    list that confirms it). They run on the process's one pool: the calling thread runs the
    first itself and then any that no free worker has taken up yet, so a full pool makes them
    run one after the other but never makes them wait for each other's threads. The first
    exception (in the order given) is raised once all have ended. Inside a view's call it waits
    no longer than that call's cutoff, and then raises a timeout `ConnectorError`.
    """
    tasks = [_Task(function) for function in functions]
    pool = pool or get_pool()
    for task in tasks[1:]:
        pool.submit(contextvars.copy_context().run, task.run_if_unclaimed)
    for task in tasks:
        task.run_if_unclaimed()
    cutoff = _call_cutoff.get()
    for task in tasks:
        left = None if cutoff is None else max(0.0, cutoff - time.monotonic())
        if not task.done.wait(left):
            raise ConnectorError("The source did not answer all requests of this call in time.", Status.TIMEOUT)
    for task in tasks:
        if task.error is not None:
            raise task.error
    return [task.value for task in tasks]
