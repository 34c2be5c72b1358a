"""Whether a regeling that needs consent may be evaluated for a subject.

The evaluation asks through a `ConsentCheck`: any callable that answers, for one subject, purpose
and regeling, whether a consent is in force now. The services take it as an argument, so tests pass
their own; the API and the admin pass `regelingen_consent_check`, which asks the consent records
(profiles.consent) whether the subject's consent for the regeling's purpose (`purpose:<code>`) is
in force now. Like views, it reads the database on every call: a withdrawal holds at once.

A citizen can give that consent (self-service, or staff at the counter) because regelingen tell
profiles.consent that a purpose with an enabled regeling marked "needs consent" needs consent
(`regeling_needs_consent_for`, registered when the app is ready). Without a consent in force, such
a regeling is reported as not evaluated (reason consent-required) and nothing is fetched for it.
"""

from __future__ import annotations

from typing import Protocol

from profiles.consent.scopes import ConsentScope
from profiles.consent.selectors import consent_keys_in_force
from profiles.subjects import Subject


class ConsentCheck(Protocol):
    def __call__(self, *, subject: Subject, purpose_code: str, regeling: str) -> bool:
        """True when the subject's consent for this purpose (and regeling) is in force now."""


def consent_never_given(*, subject: Subject, purpose_code: str, regeling: str) -> bool:
    """Consent is never in force (deny by default), for callers without consent records."""
    return False


def consent_for_purpose_in_force(*, subject: Subject, purpose_code: str, regeling: str) -> bool:
    """Whether the subject's consent for the regeling's purpose is in force now (one query)."""
    scope = ConsentScope.for_purpose(purpose_code)
    return scope.key in consent_keys_in_force(subject=subject, scopes=[scope])


def regeling_needs_consent_for(purpose_code: str) -> bool:
    """Whether an enabled regeling marked "needs consent" is evaluated under this purpose."""
    from .models import Regeling

    return Regeling.objects.filter(purpose__code=purpose_code, needs_consent=True, enabled=True).exists()


# The check the API and the admin use.
regelingen_consent_check: ConsentCheck = consent_for_purpose_in_force
