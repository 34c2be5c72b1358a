"""Whether a regeling that needs consent may be evaluated for a subject.

The evaluation asks through a `ConsentCheck`: any callable that answers, for one subject, purpose
and regeling, whether a consent is in force now. The services take it as an argument, so tests pass
their own and the consent records of the citizen's side plug in without changing the evaluation.

Until consent records exist, `regelingen_consent_check` is `consent_never_given`: deny by default,
so a regeling marked "needs consent" is reported as not evaluated (reason consent-required) and
nothing is fetched for it. Wiring in the consent records is this one assignment, with an adapter
of three lines that asks them for consent to the regeling's purpose.
"""

from __future__ import annotations

from typing import Protocol

from profiles.subjects import Subject


class ConsentCheck(Protocol):
    def __call__(self, *, subject: Subject, purpose_code: str, regeling: str) -> bool:
        """True when the subject's consent for this purpose (and regeling) is in force now."""


def consent_never_given(*, subject: Subject, purpose_code: str, regeling: str) -> bool:
    """No consent records yet: consent is never in force."""
    return False


# The check the API and the admin use.
regelingen_consent_check: ConsentCheck = consent_never_given
