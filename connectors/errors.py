"""Turns a source's error answer into a readable `ConnectorError`.

Understands `application/problem+json` (RFC 7807, as the BRP, ZGW, Open Klant, Objecten and BAG
APIs use it) and falls back to the HTTP status. Values echoed by a source are not repeated, only
its title, detail and the names of invalid parameters, cut to a readable length. An error of an
FSC outway or inway (FSC Core, "Error handling": the `Fsc-Error-Code` header, such as
`ERROR_CODE_SERVICE_NOT_FOUND`) is named as such, so that an operator looks at the contract rather
than at the register.
"""

from __future__ import annotations

import re

from .base import ConnectorError, Status
from .http import HttpResponse

MAX_DETAIL = 200
FSC_ERROR_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,79}$")


def _problem_summary(response: HttpResponse) -> str:
    if response.content_type not in {"application/problem+json", "application/json"}:
        return ""
    try:
        problem = response.json()
    except ConnectorError:
        return ""
    if not isinstance(problem, dict):
        return ""
    parts = [str(problem.get(key)) for key in ("title", "detail") if problem.get(key)]
    invalid = problem.get("invalidParams") or problem.get("invalid-params") or []
    names = [str(p.get("name")) for p in invalid if isinstance(p, dict) and p.get("name")]
    if names:
        parts.append("invalid: " + ", ".join(names))
    return "; ".join(parts)[:MAX_DETAIL]


def status_meaning(code: int) -> str:
    """What an error status says about the source, as the end of "<source> ..." sentence."""
    if code in (401, 403):
        return "refused IKO's credentials"
    if code == 429:
        return "is rate limiting IKO"
    if code >= 500:
        return "failed or is unavailable"
    return "rejected the request"


def http_error(response: HttpResponse, source_title: str) -> ConnectorError:
    """A source's error answer as an error result: its meaning, HTTP status and problem summary."""
    code = response.status_code
    summary = _problem_summary(response)
    fsc_code = response.headers.get("Fsc-Error-Code", "").strip()
    if FSC_ERROR_CODE.match(fsc_code):
        return ConnectorError(f"FSC refused the call to {source_title} (HTTP {code}, {fsc_code}).", Status.ERROR)
    detail = f"{source_title} {status_meaning(code)} (HTTP {code})" + (f": {summary}" if summary else ".")
    return ConnectorError(detail, Status.ERROR)
