"""The parallel runner: executes a batch of source calls on one process-wide bounded thread pool.

Each call has its own timeout (its source's), the batch has a deadline, and the runner returns as
soon as every call has an outcome or its time is up: it never waits for a straggler. Identical
calls in one batch run once. A call that has not started when its time is up is cancelled; one
that has started stops by itself, because `SourceHttp` bounds connect, read and total body time.
Workers get plain data only, so they never touch the ORM (docs/developer/architecture.md, step 6).
"""

from __future__ import annotations

import contextvars
import json
import logging
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Iterable

from django.conf import settings

from . import metrics, telemetry
from .base import ConnectorRequest, ConnectorResult, SourceConfig, Status
from .breaker import CircuitBreaker
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
                self.source.name,
                self.request.operation,
                self.request.params,
                sorted(self.request.fields),
            ],
            sort_keys=True,
            default=str,
        )


def _execute(registry: Registry, call: SourceCall) -> ConnectorResult:
    connector_class = registry[call.source.connector_id]
    return telemetry.source_call_traced(source=call.source.name, operation=call.request.operation,
                                        traceparent=call.request.context.traceparent,
                                        run=lambda: connector_class(call.source).run(call.request))


def run_calls(
    calls: Iterable[SourceCall],
    *,
    registry: Registry,
    deadline: float,
    pool: ThreadPoolExecutor | None = None,
    breaker: CircuitBreaker | None = None,
    memo: dict[str, ConnectorResult] | None = None,
) -> dict[str, ConnectorResult]:
    """Run the calls in parallel; `deadline` is a `time.monotonic()` value. Keys map to results.

    `breaker` skips sources whose circuit is open and learns from each outcome; `memo` carries
    results between batches of one view, so a call made in an earlier stage is not made again.
    """
    pool = pool or get_pool()
    memo = {} if memo is None else memo
    results: dict[str, ConnectorResult] = {}
    keys_by_signature: dict[str, list[str]] = {}
    pending: dict[Future, tuple[str, float, SourceCall]] = {}
    started = time.monotonic()

    for call in calls:
        if call.source.connector_id not in registry:
            results[call.key] = ConnectorResult.failed(
                Status.ERROR, f"Connector {call.source.connector_id!r} is not installed."
            )
            continue
        signature = call.signature()
        if signature in memo:
            results[call.key] = memo[signature]
            continue
        if signature in keys_by_signature:
            keys_by_signature[signature].append(call.key)
            continue
        keys_by_signature[signature] = [call.key]
        if breaker is not None and not breaker.allow(call.source.name):
            settle_now = ConnectorResult.failed(
                Status.SKIPPED, f"{call.source.name} failed repeatedly; skipped until its circuit closes."
            )
            memo[signature] = settle_now
            results[call.key] = settle_now
            metrics.source_call_record(source=call.source.name, operation=call.request.operation,
                                       status=Status.SKIPPED, seconds=None)
            continue
        cutoff = min(started + call.source.timeout + CUTOFF_GRACE_SECONDS, deadline)
        # In the request's context: log lines of the call carry the request's trace id.
        context = contextvars.copy_context()
        pending[pool.submit(context.run, _execute, registry, call)] = (signature, cutoff, call)
    metrics.pool_queue_length_set(pool)

    def settle(signature: str, call: SourceCall, result: ConnectorResult) -> None:
        memo[signature] = result
        source, operation, status = call.source.name, call.request.operation, result.status.value
        metrics.source_call_record(source=source, operation=operation, status=status, seconds=result.duration_ms / 1000,
                                   detail=result.detail)
        if result.status in (Status.ERROR, Status.TIMEOUT):
            logger.warning("Source call failed: %s %s %s after %.0f ms.", source, operation, status, result.duration_ms,
                           extra={"log_fields": {"event": "source_call_failed", "source": source, "operation": operation,
                                                 "status": status, "durationMs": result.duration_ms}})
        if breaker is not None:
            breaker.record(call.source.name, success=result.status in (Status.OK, Status.NOT_FOUND))
        for key in keys_by_signature[signature]:
            results[key] = result

    while pending:
        next_cutoff = min(cutoff for _, cutoff, _ in pending.values())
        done, _ = wait(
            pending, timeout=max(0.0, next_cutoff - time.monotonic()), return_when=FIRST_COMPLETED
        )
        for future in done:
            signature, _, call = pending.pop(future)
            settle(signature, call, future.result())
        now = time.monotonic()
        for future, (signature, cutoff, call) in list(pending.items()):
            if cutoff <= now:
                future.cancel()
                del pending[future]
                waited = cutoff - started
                settle(
                    signature,
                    call,
                    ConnectorResult(
                        status=Status.TIMEOUT,
                        detail=f"No answer from {call.source.name} within {waited:.2f} s.",
                        duration_ms=round(waited * 1000, 1),
                        fields_requested=tuple(call.request.fields),
                    ),
                )
    metrics.pool_queue_length_set(pool)
    return results
