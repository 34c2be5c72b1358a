"""OpenTelemetry tracing: a span per view (and per search or endpoint call) and one per source
call, exported over OTLP/HTTP to the collector the operator configures; off by default.

- Off unless `IKO_OTLP_TRACES_ENDPOINT` is set (from `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or
  `OTEL_EXPORTER_OTLP_ENDPOINT` plus `/v1/traces`; iko_project/settings/metrics.py). While off,
  nothing of OpenTelemetry is imported and each function here returns at once.
- The spans continue the trace IKO keeps anyway (profiles/tracing.py, api/middleware.py): a view's
  span has the trace id and the span id of the request's `TraceContext` and the caller's
  `traceparent` span as its parent, so the processing record's `span_id`, the log lines and the
  tracing backend name the same span. A source call's span is a child of the view's (the runner
  hands the view's context to its threads); a connector that passes `traceparent` on to its
  source (the BRP) sends the source call's span instead of the view's (`traceparent_for_source`).
- Attributes hold names from the configuration and fixed words, through `connectors.metrics.label`:
  `iko.source`, `iko.operation`, `iko.status`, `iko.duration_ms` on a source call; `iko.profile`,
  `iko.purpose`, `iko.outcome`, `http.response.status_code`, `iko.duration_ms` on a view. Never a
  subject, a user, a parameter or a URL; an exception is noted by its class only (`error.type`),
  since its message may hold a BSN.
- Spans leave in batches from a background thread (the SDK's `BatchSpanProcessor`), so a slow
  collector never slows a view; the SDK flushes what is left when the process exits.
"""

from __future__ import annotations

import contextvars
import functools
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from django.conf import settings

from .base import ConnectorResult, Status
from .metrics import label

_lock = threading.Lock()
_endpoint = ""  # the endpoint the current provider exports to
_provider: Any = None  # opentelemetry.sdk.trace.TracerProvider while tracing is on
_tracer: Any = None
_forced = False  # a test installed its own exporter (`tracing_start`)
# (trace id, span id) the next span must get: a view's span takes the request's ids.
_preset_ids: contextvars.ContextVar[tuple[int, int] | None] = contextvars.ContextVar("iko_preset_ids", default=None)

FAILED = (Status.ERROR, Status.TIMEOUT)


def _provider_make(exporter: Any, *, batch: bool) -> Any:
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    from opentelemetry.sdk.trace.id_generator import RandomIdGenerator

    class PresetIds(RandomIdGenerator):
        """Random ids, except for a span that must carry the ids IKO already gave its request."""

        def generate_trace_id(self) -> int:
            preset = _preset_ids.get()
            return preset[0] if preset else super().generate_trace_id()

        def generate_span_id(self) -> int:
            preset = _preset_ids.get()
            return preset[1] if preset else super().generate_span_id()

    provider = TracerProvider(
        resource=Resource.create({"service.name": getattr(settings, "IKO_OTEL_SERVICE_NAME", "iko")}),
        id_generator=PresetIds(),
    )
    provider.add_span_processor(BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter))
    return provider


def _install(provider: Any, endpoint: str) -> None:
    global _provider, _tracer, _endpoint
    old, _provider, _endpoint = _provider, provider, endpoint
    _tracer = provider.get_tracer("iko") if provider is not None else None
    if old is not None:
        old.shutdown()  # exports what it still holds


def _current_tracer() -> Any:
    """The tracer, or None while tracing is off; follows a changed endpoint setting."""
    if _forced:
        return _tracer
    endpoint = getattr(settings, "IKO_OTLP_TRACES_ENDPOINT", "")
    if endpoint == _endpoint:
        return _tracer
    with _lock:
        if endpoint != _endpoint:
            provider = None
            if endpoint:
                from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

                provider = _provider_make(OTLPSpanExporter(endpoint=endpoint), batch=True)
            _install(provider, endpoint)
    return _tracer


def tracing_start(exporter: Any) -> Any:
    """Trace into `exporter`, whatever the settings, each span exported as it ends (tests)."""
    global _forced
    with _lock:
        _install(_provider_make(exporter, batch=False), "")
        _forced = True
    return _provider


def tracing_stop() -> None:
    """Export what is left and switch tracing off until the settings say otherwise."""
    global _forced
    with _lock:
        _forced = False
        _install(None, "")


def tracing_flush() -> None:
    if _provider is not None:
        _provider.force_flush()


def _remote_parent(trace_id: str, span_id: str) -> Any:
    """A context whose current span is another system's (a caller's, from its `traceparent`)."""
    from opentelemetry import trace
    from opentelemetry.context import Context

    if not span_id:
        return Context()  # a new trace: the span is a root
    parent = trace.SpanContext(trace_id=int(trace_id, 16), span_id=int(span_id, 16), is_remote=True,
                               trace_flags=trace.TraceFlags(trace.TraceFlags.SAMPLED))
    return trace.set_span_in_context(trace.NonRecordingSpan(parent), Context())


def _failed(span: Any, exc: BaseException) -> None:
    from opentelemetry.trace import Status as SpanStatus, StatusCode

    span.set_attribute("error.type", type(exc).__name__)
    status = getattr(exc, "status", None)  # a refusal (profiles.refusals) carries its HTTP status
    if isinstance(status, int):
        span.set_attribute("http.response.status_code", status)
    if not isinstance(status, int) or status >= 500:
        span.set_status(SpanStatus(StatusCode.ERROR, type(exc).__name__))


@contextmanager
def request_span(name: str, *, trace: Any, attributes: dict[str, str] | None = None) -> Iterator[None]:
    """The span of one request to a service, with the ids of its `TraceContext` (`trace`)."""
    tracer = _current_tracer()
    if tracer is None:
        yield
        return
    from opentelemetry import trace as otel
    from opentelemetry.trace import SpanKind

    trace_id, span_id = int(trace.trace_id, 16), int(trace.span_id, 16)
    if otel.get_current_span().get_span_context().span_id == span_id:
        yield  # a service calling another for the same request: the outer span is the request's
        return
    token = _preset_ids.set((trace_id, span_id))
    try:
        span = tracer.start_span(name, context=_remote_parent(trace.trace_id, trace.parent_span_id),
                                 kind=SpanKind.SERVER, record_exception=False, set_status_on_exception=False,
                                 attributes={key: label(value) for key, value in (attributes or {}).items()})
    finally:
        _preset_ids.reset(token)
    started = time.monotonic()
    with otel.use_span(span, end_on_exit=True, record_exception=False, set_status_on_exception=False):
        try:
            yield
        except BaseException as exc:
            _failed(span, exc)
            raise
        finally:
            span.set_attribute("iko.duration_ms", round((time.monotonic() - started) * 1000, 1))


def traced(name: str) -> Callable:
    """Run a service function in its request's span: its keyword argument `trace` gives the ids,
    `profile` and `source` (objects with a configured `name`) and `operation_name` the attributes."""

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            if _current_tracer() is None:
                return function(*args, **kwargs)
            attributes = {f"iko.{key}": kwargs[key].name for key in ("profile", "source") if kwargs.get(key)}
            if kwargs.get("operation_name"):
                attributes["iko.operation"] = kwargs["operation_name"]
            with request_span(name, trace=kwargs["trace"], attributes=attributes):
                return function(*args, **kwargs)

        return run

    return decorate


def request_outcome(*, outcome: str, http_status: int, purpose: str = "") -> None:
    """Name the outcome (the processing record's) on the current request's span."""
    if _current_tracer() is None:
        return
    from opentelemetry import trace as otel

    span = otel.get_current_span()
    span.set_attribute("iko.outcome", label(outcome))
    span.set_attribute("http.response.status_code", http_status)
    if purpose:
        span.set_attribute("iko.purpose", label(purpose))


def source_call_traced(*, source: str, operation: str, traceparent: str,
                       run: Callable[[], ConnectorResult]) -> ConnectorResult:
    """`run()` (one source call) in a span of its own, a child of the view's span; without a
    current span (a call outside a traced request), a child of the call's `traceparent`."""
    tracer = _current_tracer()
    if tracer is None:
        return run()
    from opentelemetry import trace as otel
    from opentelemetry.trace import SpanKind, Status as SpanStatus, StatusCode

    context = None
    parts = traceparent.split("-")
    if not otel.get_current_span().get_span_context().is_valid and len(parts) == 4:
        context = _remote_parent(parts[1], parts[2])
    with tracer.start_as_current_span(
        "iko.source_call", context=context, kind=SpanKind.CLIENT, record_exception=False,
        set_status_on_exception=False, attributes={"iko.source": label(source), "iko.operation": label(operation)},
    ) as span:
        try:
            result = run()
        except BaseException as exc:  # Connector.run turns failures into results; this is the last resort
            _failed(span, exc)
            raise
        span.set_attribute("iko.status", label(result.status))
        span.set_attribute("iko.duration_ms", result.duration_ms)
        if result.status in FAILED:
            span.set_status(SpanStatus(StatusCode.ERROR, result.status.value))
        return result


def traceparent_for_source(headers: dict[str, str] | None) -> dict[str, str] | None:
    """Headers for a source: a `traceparent` a connector passes on names the current source
    call's span, so the source's own spans hang below it. Other headers are left as they are."""
    if not headers or "traceparent" not in headers or _current_tracer() is None:
        return headers
    from opentelemetry import trace as otel

    context = otel.get_current_span().get_span_context()
    if not context.is_valid:
        return headers
    sampled = int(context.trace_flags) & 1
    return {**headers, "traceparent": f"00-{context.trace_id:032x}-{context.span_id:016x}-{sampled:02x}"}
