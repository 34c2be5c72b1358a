"""Who may use self-service at all: a citizen's login of high enough assurance, and nothing else.

Checked first on every self-service path, before anything is looked up or called; each refusal is
written to the processing log (about the citizen's own subject when the login names one).
"""

from __future__ import annotations

import time

from django.conf import settings

from profiles.processing_log.models import ProcessingRecord
from profiles.services.self_service.assurance import loa_sufficient
from profiles.services.self_service.citizen import Citizen
from profiles.services.self_service.records import self_service_record
from profiles.services.self_service.refusals import CitizenTokenRequired, LoaTooLow
from profiles.tracing import TraceContext


def citizen_admit(*, citizen: Citizen, action: str, trace: TraceContext) -> None:
    """Refuse (logged) a login below `IKO_CITIZEN_MIN_LOA`; raises LoaTooLow."""
    minimum = settings.IKO_CITIZEN_MIN_LOA
    if loa_sufficient(citizen.level_of_assurance, minimum):
        return
    self_service_record(
        citizen=citizen, subject=citizen.subjects[0], action=action, trace=trace, started=time.monotonic(),
        outcome=ProcessingRecord.Outcome.DENIED, http_status=LoaTooLow.status, reason=LoaTooLow.code,
    )
    shown = citizen.level_of_assurance or "none"
    raise LoaTooLow(
        f"This login's level of assurance ({shown}) is below the {minimum} that self-service needs: "
        "log in again at that level or higher.",
        requiredLevelOfAssurance=minimum,
    )


def non_citizen_refuse(*, actor: str, actor_type: str, calling_system: str, action: str, trace: TraceContext) -> None:
    """Refuse (logged) a staff or API-client credential on a self-service path; raises."""
    self_service_record(
        citizen=None, subject=None, action=action, trace=trace, started=time.monotonic(),
        outcome=ProcessingRecord.Outcome.DENIED, http_status=CitizenTokenRequired.status,
        reason=CitizenTokenRequired.code, actor=actor, actor_type=actor_type, calling_system=calling_system,
        on_behalf_of="",
    )
    raise CitizenTokenRequired(
        "Self-service paths take only a citizen's or company's login (a token of the citizens' issuer, "
        "passed on by the portal); staff tokens and API-client tokens are refused here."
    )
