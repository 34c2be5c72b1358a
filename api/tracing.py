"""The W3C trace context of an API request (https://www.w3.org/TR/trace-context/).

`TraceContextMiddleware` (api/middleware.py) reads `traceparent` once per request and keeps the
result on the request; every front door hands that same trace to the services.
"""

from __future__ import annotations

from profiles.tracing import TraceContext, trace_from_header


def request_trace(request) -> TraceContext:
    """The trace the middleware started for this request (or, outside the middleware, a new one)."""
    trace = getattr(request, "trace", None)
    if trace is None:
        trace = trace_from_header(request.headers.get("traceparent"))
        request.trace = trace
    return trace
