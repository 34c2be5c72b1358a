"""Every error answer of the API as RFC 7807 problem details (`application/problem+json`).

DRF's exceptions go through `problem_exception_handler`; Django's own 400, 404 and 500 answers on
API paths (and the Valtimo front door's) through `handler400`/`handler404`/`handler500` in the URL
conf. Validation errors list the invalid fields in `invalidParams`, as the BRP and ZGW APIs do.
"""

from __future__ import annotations

from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_TYPE_BASE = "https://iko.example.org/problems/"
CONTENT_TYPE = "application/problem+json"


class ProblemError(exceptions.APIException):
    """An API error with its own problem type, title and HTTP status."""

    def __init__(self, *, status_code: int, code: str, title: str, detail: str):
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.title = title


def _invalid_params(detail, prefix: str = "") -> list[dict]:
    params = []
    if isinstance(detail, dict):
        for name, value in detail.items():
            params.extend(_invalid_params(value, f"{prefix}{name}."))
    elif isinstance(detail, list):
        for item in detail:
            if isinstance(item, (dict, list)):
                params.extend(_invalid_params(item, prefix))
            else:
                params.append(
                    {"name": prefix.rstrip(".") or "body", "code": getattr(item, "code", "invalid"), "reason": str(item)}
                )
    else:
        params.append({"name": prefix.rstrip(".") or "body", "code": getattr(detail, "code", "invalid"), "reason": str(detail)})
    return params


def problem(*, status_code: int, code: str, title: str, detail: str, request=None, **extra) -> dict:
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "code": code,
        "title": title,
        "status": status_code,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.path
    body.update(extra)
    return body


TITLES = {
    400: "Invalid request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    413: "Request too large",
    415: "Unsupported media type",
    429: "Too many requests",
}


def problem_exception_handler(exc, context):
    response = exception_handler(exc, context)
    request = context.get("request")
    if response is None:
        return None  # an unexpected error: Django's handler500 answers (problem+json on /api/)
    extra = {}
    if isinstance(exc, ProblemError):
        code, title, detail = exc.detail.code, exc.title, str(exc.detail)
    elif isinstance(exc, exceptions.ValidationError):
        code, title = "invalid", TITLES[400]
        detail = "The request has invalid or missing fields; see invalidParams."
        extra["invalidParams"] = _invalid_params(exc.detail)
    elif isinstance(exc, exceptions.ParseError):
        code, title, detail = "parse-error", TITLES[400], str(exc.detail)
    else:
        code = getattr(exc, "default_code", "error")
        title = TITLES.get(response.status_code, "Error")
        detail = str(getattr(exc, "detail", "")) or title
    body = problem(
        status_code=response.status_code, code=str(code).replace("_", "-"), title=title,
        detail=detail, request=request, **extra,
    )
    return Response(body, status=response.status_code, headers=dict(response.items()), content_type=CONTENT_TYPE)


# Paths that answer problem+json even for errors Django raises itself: our API and the Valtimo
# front door (whose clients parse every answer as JSON).
API_PREFIXES = ("/api/", "/aggregated-data-profiles/", "/endpoints/")


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIXES)


def _django_problem(request, status_code: int, code: str, title: str, detail: str):
    return JsonResponse(
        problem(status_code=status_code, code=code, title=title, detail=detail, request=request),
        status=status_code,
        content_type=CONTENT_TYPE,
    )


def handler400(request, exception=None):
    if _is_api(request):
        return _django_problem(request, 400, "bad-request", "Invalid request", "IKO cannot handle this request.")
    from django.views.defaults import bad_request

    return bad_request(request, exception)


def handler404(request, exception=None):
    if _is_api(request):
        return _django_problem(request, 404, "not-found", "Not found", "There is no API resource at this path.")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    if _is_api(request):
        return _django_problem(
            request, 500, "server-error", "Internal error", "IKO failed unexpectedly; the error is logged."
        )
    from django.views.defaults import server_error

    return server_error(request)


def problem_response(status_code: int, code: str, title: str, detail: str, request=None, **extra) -> Response:
    return Response(
        problem(status_code=status_code, code=code, title=title, detail=detail, request=request, **extra),
        status=status_code,
        content_type=CONTENT_TYPE,
    )


__all__ = ["ProblemError", "problem_exception_handler", "handler400", "handler404", "handler500", "problem_response", "status"]
