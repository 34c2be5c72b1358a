"""Middleware of the API: the `API-Version` header, the trace context of log lines, the body limit.

- `ApiVersionMiddleware`: the `API-Version` header the Dutch API Design Rules require on every
  answer under /api/.
- `TraceContextMiddleware`: continues the caller's W3C `traceparent`
  (https://www.w3.org/TR/trace-context/, parsed by profiles/tracing.py) or starts a trace, and
  puts its ids in the context variables that the log formatters read (iko_project/logging.py).
  When the caller sent no valid `traceparent`, the request gets the one started here, so that the
  view, its processing record, the calls to the sources and every log line share one trace id.
  A request from the FSC inway also continues its `Fsc-Transaction-Id` (api/fsc.py).
- `RequestSizeLimitMiddleware`: refuses a body larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` with 413
  problem+json before anything reads it. Django enforces that setting only for form data and
  `request.body`; DRF's JSON parser reads the stream itself, so without this a JSON body of any
  size would be parsed. A path and query string longer than `IKO_MAX_URL_BYTES` gets 414
  problem+json (Django itself has no such limit; gunicorn's, above it, answers in the same form:
  iko_project/gunicorn_errors.py).
"""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.core.signals import request_finished
from django.http import JsonResponse

from iko_project.logging import fsc_transaction_id_var, span_id_var, trace_id_var
from profiles.tracing import trace_from_header

from .fsc import fsc_transaction_id_of

from .problems import CONTENT_TYPE, problem


class ApiVersionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = settings.IKO_API_VERSION
        return response


class TraceContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get("HTTP_TRACEPARENT", "")
        trace = trace_from_header(header)
        # A request through the FSC inway continues its FSC transaction (api/fsc.py).
        fsc_transaction_id = fsc_transaction_id_of(request)
        if fsc_transaction_id:
            trace = replace(trace, fsc_transaction_id=fsc_transaction_id)
        # The request's span: views pass it to the services (api.tracing.request_trace), so log
        # lines, the answer's traceId and the processing record name the same trace.
        request.trace = trace
        # Not reset when the middleware returns: Django logs 4xx and 5xx answers (django.request)
        # after the whole middleware chain, and those lines should carry the trace id too. It is
        # cleared when the response is closed (request_finished), and each request sets its own.
        trace_id_var.set(trace.trace_id)
        span_id_var.set(trace.span_id)
        fsc_transaction_id_var.set(trace.fsc_transaction_id)
        return self.get_response(request)


def _trace_context_clear(**kwargs) -> None:
    trace_id_var.set("")
    span_id_var.set("")
    fsc_transaction_id_var.set("")


request_finished.connect(_trace_context_clear, dispatch_uid="api.middleware.trace_context_clear")


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        url_limit = settings.IKO_MAX_URL_BYTES
        url_length = len(request.get_full_path().encode())
        if url_length > url_limit:
            return JsonResponse(
                problem(
                    status_code=414, code="uri-too-long", title="URI too long",
                    detail=f"The path and query string are {url_length} bytes; IKO takes at most {url_limit}. "
                    "Send fewer or shorter parameters, or use the POST API, which takes them in the body.",
                ),
                status=414,
                content_type=CONTENT_TYPE,
            )
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django then reads no body at all
        if limit is not None and length > limit:
            return JsonResponse(
                problem(
                    status_code=413, code="request-too-large", title="Request too large",
                    detail=f"The request body is {length} bytes; IKO accepts at most {limit}.",
                    request=request,
                ),
                status=413,
                content_type=CONTENT_TYPE,
            )
        return self.get_response(request)
