"""The problem+json answers for what the view, search and endpoint services refuse or cannot do.

One rendering for every front door (our API, search, the Valtimo paths), so a refusal reads the
same wherever it happens (RFC 9457; docs/integrator/index.md). A refusal carries its own HTTP
status, code and title (profiles/refusals.py), so a new kind of refusal needs no change here.
"""

from __future__ import annotations

from collections.abc import Mapping

from profiles.refusals import Refusal

from .problems import problem_response


def service_refusal_problem(exc: Refusal, request, *, subject_param: str = "subject.value",
                            renamed: Mapping[str, tuple[str, str]] | None = None):
    """The problem answer for a refusal. `subject_param` names where this front door took the
    subject from; `renamed` lets a front door give a refusal code its own code and title (search
    calls invalid parameters "invalid-criteria")."""
    code, title = (renamed or {}).get(exc.code, (exc.code, exc.title))
    return problem_response(exc.status, code, title, exc.detail, request,
                            **exc.problem_fields(subject_param=subject_param))


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
