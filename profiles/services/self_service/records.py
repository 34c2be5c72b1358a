"""Processing records of self-service actions, written like every other through the processing log.

The actor is the portal (`self-service:<client id>`), the actor type `self_service`, the end user
`BurgerZelf`, or for a parent acting for a child `gezaghouder:<keyed pseudonym of the parent's
BSN>`: the record is about the child (its subject), and names the gezaghouder without their
number. Never a BSN, never data.
"""

from __future__ import annotations

import time
from typing import Any

from django.utils import timezone

from profiles.organisations.selectors import organisation_scope
from profiles.processing_log.pseudonyms import subject_pseudonym
from profiles.processing_log.sinks import processing_record_write
from profiles.services.self_service.citizen import SELF_SERVICE_USER, Citizen
from profiles.subjects import Subject
from profiles.tracing import TraceContext

GEZAGHOUDER_PREFIX = "gezaghouder:"


def gezaghouder_label(parent: Subject, organisation_id: int | None = None) -> str:
    """The end user of a record made by a gezaghouder for a child: the parent's pseudonym."""
    return GEZAGHOUDER_PREFIX + subject_pseudonym(subject_type=parent.type, value=parent.value,
                                                  organisation_id=organisation_id)


def self_service_record(*, citizen: Citizen | None, subject: Subject | None, action: str, trace: TraceContext,
                        started: float, outcome: str, http_status: int, purpose_code: str = "",
                        on_behalf_of: str = SELF_SERVICE_USER, actor: str = "", actor_type: str = "self_service",
                        calling_system: str = "", **fields: Any) -> None:
    """Write one record of a self-service action (raises ProcessingLogUnavailable).

    `citizen` None: a request that did not come from a citizen (a staff token on a self-service
    path); then `actor`, `actor_type` and `calling_system` say who it was. `subject` None: the
    request named nobody (the record then has no subject).
    """
    organisation_id = organisation_scope(citizen.organisation_id if citizen else None)
    processing_record_write(
        fields={
            "organisation_id": organisation_id,
            "action": action,
            "started_at": timezone.now(),
            "trace_id": trace.trace_id,
            "span_id": trace.span_id,
            "parent_span_id": trace.parent_span_id,
            "actor": citizen.actor if citizen else actor,
            "actor_type": actor_type,
            "calling_system": citizen.portal if citizen else calling_system,
            "on_behalf_of": on_behalf_of,
            "purpose_code": purpose_code,
            "subject_type": subject.type if subject else "",
            "subject_pseudonym": subject_pseudonym(
                subject_type=subject.type, value=subject.value, organisation_id=organisation_id,
            ) if subject else "",
            "outcome": outcome,
            "http_status": http_status,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
            "profile_name": "",
            **fields,
        },
        subject=subject,
    )
