"""What self-service refuses: refusals (profiles/refusals.py), each with the HTTP status, problem
code and title the API answers.

The code is what a portal acts on: `loa-too-low` (ask the citizen to log in again at a higher
level), `citizen-token-required` (a staff or API-client credential on a self-service path),
`no-gezag` (not the child's gezaghouder), `field-not-in-view`, `no-partij`,
`report-unavailable` / `gezag-unavailable` (try again later). Every refusal has been written to
the processing log before it is raised.
"""

from __future__ import annotations

from typing import Any

from profiles.refusals import Refusal


class SelfServiceRefused(Refusal):
    """A self-service refusal; `extra` are further members of the problem answer."""

    status = 403
    code = "not-allowed"
    title = "Not allowed"

    def __init__(self, detail: str, **extra: Any):
        super().__init__(detail)
        self.extra = extra

    def problem_fields(self, *, subject_param: str) -> dict[str, Any]:
        return dict(self.extra)


class LoaTooLow(SelfServiceRefused):
    code = "loa-too-low"
    title = "Level of assurance too low"


class CitizenTokenRequired(SelfServiceRefused):
    code = "citizen-token-required"
    title = "Citizen login required"


class NoGezag(SelfServiceRefused):
    code = "no-gezag"
    title = "No gezag over this child"


class GezagUnavailable(SelfServiceRefused):
    status = 503
    code = "gezag-unavailable"
    title = "Service unavailable"


class FieldNotInView(SelfServiceRefused):
    status = 400
    code = "field-not-in-view"
    title = "Field not in the view"


class NoPartij(SelfServiceRefused):
    status = 409
    code = "no-partij"
    title = "No customer record"


class ReportUnavailable(SelfServiceRefused):
    status = 503
    code = "report-unavailable"
    title = "Service unavailable"
