"""The problem+json answers for what the view, search and endpoint services refuse or cannot do.

One mapping for every front door (our API, search, the Valtimo paths), so a refusal reads the same
wherever it happens (RFC 9457; ARCHITECTURE.md, section 4).
"""

from __future__ import annotations

from profiles.services.search import SearchInvalid
from profiles.services.view import ProcessingLogUnavailable, PurposeMissing, ViewDenied
from profiles.subjects import InvalidSubject

from .problems import problem_response

# What a service may raise that is the caller's or the log's problem, not a server error.
SERVICE_REFUSALS = (SearchInvalid, InvalidSubject, PurposeMissing, ViewDenied, ProcessingLogUnavailable)


def service_refusal_problem(exc: Exception, request, *, subject_param: str = "subject.value",
                            invalid_code: str = "invalid-parameters", invalid_title: str = "Invalid request"):
    """The problem answer for one of SERVICE_REFUSALS (anything else is raised again)."""
    if isinstance(exc, SearchInvalid):
        return problem_response(400, invalid_code, invalid_title, exc.detail, request,
                                invalidParams=exc.invalid_params)
    if isinstance(exc, InvalidSubject):
        return problem_response(400, "invalid-subject", "Invalid subject", str(exc), request,
                                invalidParams=[{"name": subject_param, "code": "invalid", "reason": str(exc)}])
    if isinstance(exc, PurposeMissing):
        return problem_response(400, "purpose-missing", "Purpose missing", str(exc), request)
    if isinstance(exc, ViewDenied):
        return problem_response(403, exc.code, "Not allowed", str(exc), request)
    if isinstance(exc, ProcessingLogUnavailable):
        return problem_response(
            503, "processing-log-unavailable", "Service unavailable",
            "The processing log cannot be written, so IKO releases no personal data.", request,
        )
    raise exc


def sources_failed_problem(request, *, http_status: int, sources: dict, trace_id: str,
                           detail: str = "No source gave an answer; see sources."):
    """502 (a source failed) or 504 (all timed out): no data, but each source's status."""
    return problem_response(
        http_status,
        "sources-failed" if http_status == 502 else "sources-timeout",
        "No source answered",
        detail,
        request,
        sources=sources,
        traceId=trace_id,
    )
