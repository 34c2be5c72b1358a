"""Prometheus metrics of IKO: every series, its labels, and the one place they are defined.

The contract with dashboards and alerts is `deploy/grafana/README.md`; `/metrics`
(iko_project/metrics_view.py) serves these series to the networks or the token the operator
configured. This module sits in `connectors/`, the bottom layer, so every layer can record into
it; of IKO's it imports only connectors/source_health.py.

- Label values are names from the configuration (a source's, profile's or purpose's slug, an
  operation a connector declares) or fixed words (a status, an outcome): never a subject, a user,
  a URL or a parameter. `label` enforces it as a last line of defence: a value that is not a short
  name, or that holds a run of eight or more digits (a BSN has nine, a KVK number eight), is
  replaced by `redacted`.
- Several gunicorn workers: when `PROMETHEUS_MULTIPROC_DIR` is set (before this module is first
  imported), prometheus-client writes each process's values to its own files in that directory
  and `/metrics` adds them up (`registry_for_scrape`); a series appears there once a process has
  recorded it. gunicorn empties the directory when it starts and marks a worker's gauges dead when
  the worker exits (`on_starting`, `child_exit` in iko_project/gunicorn_conf.py). Without it,
  each process serves its own values (one process: `manage.py runserver`, tests).
- Every source call recorded here is also counted per minute for the admin's source-health page
  (connectors/source_health.py, shared between instances through Redis), with the same latency
  buckets, so that page and Prometheus count the same calls.
"""

from __future__ import annotations

import os
import re

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client import multiprocess

from connectors import source_health

MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if MULTIPROC_DIR:
    # A management command may record before gunicorn ever made the directory.
    os.makedirs(MULTIPROC_DIR, exist_ok=True)

# Seconds. A source call is cut off at its source's timeout (at most 60 s); a view at the view
# deadline (10 s by default). The health page estimates its p50 and p95 from the same buckets.
CALL_BUCKETS = source_health.LATENCY_BUCKETS
VIEW_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
WRITE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0)

# Circuit states as gauge values: a dashboard maps them to colours.
CIRCUIT_STATE_VALUES = {"closed": 0, "half_open": 1, "open": 2}

SOURCE_CALLS = Counter(
    "iko_source_calls", "Source calls by source, operation and status (ok, not_found, error, timeout, skipped).",
    ["source", "operation", "status"],
)
SOURCE_CALL_DURATION = Histogram(
    "iko_source_call_duration_seconds", "Duration of the source calls that were made (skipped calls are not).",
    ["source", "operation"], buckets=CALL_BUCKETS,
)
SOURCE_CIRCUIT_STATE = Gauge(
    "iko_source_circuit_state", "Circuit breaker state per source: 0 closed, 1 half-open (a trial call), 2 open.",
    ["source"], multiprocess_mode="livemax",  # one worker with an open circuit shows the source as open
)
VIEWS = Counter(
    "iko_views", "Views by profile, purpose and outcome (the processing record's: complete, partial, failed, denied).",
    ["profile", "purpose", "outcome"],
)
VIEW_DURATION = Histogram(
    "iko_view_duration_seconds", "Duration of a view from the request to the answer.", ["profile"],
    buckets=VIEW_BUCKETS,
)
PROCESSING_LOG_WRITE_DURATION = Histogram(
    "iko_processing_log_write_duration_seconds", "Duration of writing one processing record to every sink.",
    buckets=WRITE_BUCKETS,
)
PROCESSING_LOG_WRITE_FAILURES = Counter(
    "iko_processing_log_write_failures", "Processing records that could not be written (the view was refused).",
)
RATE_LIMIT_REFUSALS = Counter("iko_rate_limit_refusals", "Requests refused by a rate limit (429).")
INFLIGHT_MERGES = Counter(
    "iko_inflight_merges", "Views answered from an identical view already in flight instead of their own fan-out.",
)
POOL_QUEUE_LENGTH = Gauge(
    "iko_pool_queue_length", "Source calls waiting for a thread of the source pool.",
    multiprocess_mode="livesum",
)

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")
_IDENTIFIER_LIKE = re.compile(r"[0-9]{8}")
REDACTED = "redacted"


def label(value: object) -> str:
    """A label value: a short configuration name or fixed word, else `redacted`."""
    text = getattr(value, "value", value)  # enum members (connectors.base.Status) by their value
    text = str(text)
    if not _NAME.match(text) or _IDENTIFIER_LIKE.search(text):
        return REDACTED
    return text


def source_call_record(*, source: str, operation: str, status: object, seconds: float | None,
                       detail: str = "") -> None:
    """One source call's outcome; `seconds` None for a call that was not made (skipped).

    `detail` (the result's) only tells the health page the class of a failure; it is never kept.
    """
    source, operation = label(source), label(operation)
    status = label(status)
    SOURCE_CALLS.labels(source=source, operation=operation, status=status).inc()
    if seconds is not None:
        SOURCE_CALL_DURATION.labels(source=source, operation=operation).observe(seconds)
    source_health.call_record(source=source, status=status, seconds=seconds, detail=detail)


def view_record(*, profile: str, purpose: str, outcome: object, seconds: float) -> None:
    """One view's outcome (the processing record's) and duration."""
    VIEWS.labels(profile=label(profile), purpose=label(purpose), outcome=label(outcome)).inc()
    VIEW_DURATION.labels(profile=label(profile)).observe(seconds)


def processing_log_write_record(*, seconds: float, failed: bool) -> None:
    """One attempt to write a processing record to every sink, and whether it failed."""
    PROCESSING_LOG_WRITE_DURATION.observe(seconds)
    if failed:
        PROCESSING_LOG_WRITE_FAILURES.inc()


def rate_limit_refusal_record() -> None:
    RATE_LIMIT_REFUSALS.inc()


def inflight_merge_record() -> None:
    """A view that got the result of an identical view in flight, without a fan-out of its own."""
    INFLIGHT_MERGES.inc()


def circuit_state_set(*, source: str, state: str) -> None:
    SOURCE_CIRCUIT_STATE.labels(source=label(source)).set(CIRCUIT_STATE_VALUES[state])


def pool_queue_length_set(pool) -> None:
    """Source calls queued in a `ThreadPoolExecutor` and not yet started."""
    queue = getattr(pool, "_work_queue", None)
    if queue is not None:
        POOL_QUEUE_LENGTH.set(queue.qsize())


def registry_for_scrape() -> CollectorRegistry:
    """What `/metrics` serves: every process's values in multiprocess mode, else this process's."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if not directory:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)
    return registry
