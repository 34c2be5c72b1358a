"""One family of refusals: what a service declines to do, with its meaning in HTTP.

A refusal is the caller's problem (an invalid subject, no grant, no purpose, invalid criteria) or
a reason to release nothing (the processing log cannot be written); it is never a server error.
Each kind states its HTTP status, problem code and title as class attributes, so every front door
(our API, search, the Valtimo paths, the admin) renders any refusal the same way without knowing
the kinds (RFC 9457 problem details; api/service_problems.py). New kinds, such as a missing
consent or another organisation's data, subclass `Refusal` and need no change in the front doors.

The message of a refusal is written for the caller: never put personal data or internal details
in it. A refusal whose message is internal says so with `public_detail`.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Refusal(Exception):
    """Base of every refusal. `code` may be given per instance when one kind has variants."""

    status: ClassVar[int] = 400
    code: str = "refused"
    title: ClassVar[str] = "Refused"
    # What the caller is told; None: the message the refusal was raised with.
    public_detail: ClassVar[str | None] = None

    def __init__(self, detail: str = "", *, code: str | None = None):
        super().__init__(detail)
        if code is not None:
            self.code = code

    @property
    def detail(self) -> str:
        return self.public_detail if self.public_detail is not None else str(self)

    def problem_fields(self, *, subject_param: str) -> dict[str, Any]:
        """Extra members of the problem answer (`invalidParams`); `subject_param` names where the
        front door took the subject from (`subject.value`, `id`)."""
        return {}


class InvalidSubject(Refusal, ValueError):
    """The identifier is not valid for its type; the message is safe to return to the caller."""

    code = "invalid-subject"
    title = "Invalid subject"

    def __init__(self, detail: str = "", *, code: str | None = None, param: str | None = None):
        super().__init__(detail, code=code)
        # The part of the subject that is wrong beside its value (a zaak's "bronorganisatie", an
        # address's "postcode"); None: the value itself.
        self.param = param

    def _name(self, subject_param: str) -> str:
        if not self.param:
            return subject_param
        # "subject.value" -> "subject.postcode"; a front door's lone "id" -> "postcode".
        return f"{subject_param.rpartition('.')[0]}.{self.param}" if "." in subject_param else self.param

    def problem_fields(self, *, subject_param: str) -> dict[str, Any]:
        return {"invalidParams": [{"name": self._name(subject_param), "code": "invalid", "reason": str(self)}]}


class AmbiguousSubject(InvalidSubject):
    """An address given as postcode and huisnummer that names several addresses: the caller
    chooses one (`choices`, search rows each with the subject that opens its view); IKO never
    guesses."""

    code = "ambiguous-subject"
    title = "Ambiguous subject"

    def __init__(self, detail: str, *, choices: list[dict[str, Any]], columns: list[dict[str, Any]]):
        super().__init__(detail)
        self.choices, self.columns = choices, columns

    def problem_fields(self, *, subject_param: str) -> dict[str, Any]:
        return {**super().problem_fields(subject_param=subject_param), "columns": self.columns, "choices": self.choices}


class PurposeMissing(Refusal):
    """The request names no purpose and the caller has no (single) default purpose."""

    code = "purpose-missing"
    title = "Purpose missing"


class ViewDenied(Refusal):
    """No grant for this caller, profile and purpose. A denial record has been written."""

    status = 403
    code = "no-grant"
    title = "Not allowed"


class SearchInvalid(Refusal):
    """Criteria or parameters that do not pass validation; `invalid_params` says which and why."""

    code = "invalid-parameters"
    title = "Invalid request"

    def __init__(self, detail: str, invalid_params: list[dict[str, str]]):
        super().__init__(detail)
        self.invalid_params = invalid_params

    def problem_fields(self, *, subject_param: str) -> dict[str, Any]:
        return {"invalidParams": self.invalid_params}


class ProcessingLogUnavailable(Refusal):
    """The processing record could not be written, so no personal data may go out."""

    status = 503
    code = "processing-log-unavailable"
    title = "Service unavailable"
    public_detail = "The processing log cannot be written, so IKO releases no personal data."


class SubjectNotFound(Refusal):
    """An address given as postcode and huisnummer that the BAG does not know."""

    status = 404
    code = "subject-not-found"
    title = "Not found"


class SubjectUnresolved(Refusal):
    """The source that resolves an address (the BAG) gave no answer, so there is no subject to
    build a view of; the message says which source, never what was asked."""

    status = 502
    code = "subject-unresolved"
    title = "Subject not resolved"
