"""Prefill attributes for forms: a view in the flat form a form engine reads.

    {"attributes": {"inkomen.brutoJaar": {"value": 18012.0, "source": "inkomensregister",
                                          "retrievedAt": "2026-12-07T10:00:00+00:00"}}}

The attribute names are configured per profile (`PrefillAttribute`: name -> path in the view ->
source), so a form can show "known to the municipality (source, date)" and leave the field out.

A prefill is a view: the same grant resolution and consent, the same processing record (action `prefill`),
fail closed. It is narrowed to the attributes' paths, so the sources are asked only for what the
form needs and the record lists only what was released. What a form shows is shown to the person
filling it in, so only a self-service grant (a citizen's own data, through the portal that passes
on the citizen's token) or a staff grant (an employee's session or token, through its groups or
roles) will do: a system's own API-client grant is refused.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

from django.utils import timezone as django_timezone

from connectors.registry import Registry
from connectors.registry import registry as default_registry
from profiles.access.config_cache import config_cached
from profiles.access.grants import grant_resolve, purpose_get
from profiles.access.principals import Caller
from profiles.consent.prune import consent_purpose_missing
from profiles.processing_log.models import ProcessingRecord
from profiles.processing_log.records import elapsed_ms, processing_record_base
from profiles.processing_log.sinks import processing_record_write
from profiles.refusals import InvalidSubject, ViewDenied
from profiles.services.source_calls import value_at
from profiles.services.view import ViewResult
from profiles.subjects import Subject
from profiles.tracing import TraceContext

from .fetching import view_run_narrowed
from .models import PrefillAttribute
from .paths import covered, paths_intersect

# Principals whose grants may prefill a form: a person fills it in (see the module docstring).
PREFILL_PRINCIPALS = ("self_service", "user", "oidc")


class NoPrefillAttributes(Exception):
    """The profile has no prefill attributes configured."""


@dataclass(frozen=True)
class AttributeSpec:
    name: str
    path: str
    source: str


def prefill_attributes(*, profile) -> tuple[AttributeSpec, ...]:
    """The profile's attributes (cached for a few seconds with the rest of the configuration)."""
    return config_cached(
        ("prefill-attributes", profile.pk),
        lambda: tuple(
            AttributeSpec(name=a.name, path=a.path, source=a.source.name if a.source_id else "")
            for a in PrefillAttribute.objects.filter(profile_id=profile.pk).select_related("source")
            .order_by("order", "name")
        ),
    )


def prefill_build(*, profile, subject: Subject, caller: Caller, purpose_code: str | None, trace: TraceContext,
                  registry: Registry = default_registry) -> ViewResult:
    """The prefill answer (HTTP status and body). Raises InvalidSubject, PurposeMissing,
    NoPrefillAttributes, ViewDenied (after a denial record) or ProcessingLogUnavailable."""
    started, started_at = time.monotonic(), django_timezone.now()
    if subject.type not in profile.subject_types:
        raise InvalidSubject(f"Profile {profile.name} is for {', '.join(profile.subject_types)}, not {subject.type}.")
    attributes = prefill_attributes(profile=profile)
    if not attributes:
        raise NoPrefillAttributes(f"Profile {profile.name} has no prefill attributes.")
    if caller.kind not in PREFILL_PRINCIPALS:
        purpose = purpose_get(code=purpose_code, organisation_id=profile.organisation_id) if purpose_code else None
        _refuse(profile=profile, subject=subject, caller=caller, purpose_code=purpose_code or "", purpose=purpose,
                trace=trace, started=started, reason="prefill-needs-person", grant_id=None)
        raise ViewDenied("A form is prefilled only with a self-service grant (the citizen's own data) or a "
                         "staff grant, never with a system's own API-client grant.", code="prefill-needs-person")
    decision = grant_resolve(principal=caller.grant_principal, profile=profile, purpose_code=purpose_code,
                             subject=subject)
    purpose = decision.purpose or purpose_get(code=decision.purpose_code, organisation_id=profile.organisation_id)
    if not decision.allowed:
        _refuse(profile=profile, subject=subject, caller=caller, purpose_code=decision.purpose_code, purpose=purpose,
                trace=trace, started=started, reason=decision.reason if purpose is not None else "unknown-purpose",
                grant_id=decision.grant_id)
        mismatch = decision.reason == "self-service-subject-mismatch"
        raise ViewDenied(decision.detail, code="not-own-subject" if mismatch else "no-grant")
    # As for views: a purpose that needs consent is refused without one, before any call.
    if missing_consent := consent_purpose_missing(purpose=purpose_get(code=decision.purpose_code, organisation_id=profile.organisation_id), subject=subject):
        _refuse(profile=profile, subject=subject, caller=caller, purpose_code=decision.purpose_code, purpose=purpose,
                trace=trace, started=started, reason="consent-required", grant_id=decision.grant_id)
        raise ViewDenied(missing_consent, code="consent-required")
    record = processing_record_base(profile=profile, subject=subject, caller=caller,
                                    purpose_code=decision.purpose_code, purpose=purpose, trace=trace,
                                    action="prefill", started_at=started_at)
    narrowed = dataclasses.replace(
        decision, fields=paths_intersect([a.path for a in attributes], decision.fields),
    )
    view = view_run_narrowed(profile=profile, subject=subject, caller=caller, decision=narrowed, purpose=purpose,
                             record=record, trace=trace, registry=registry, started=started)
    if view.http_status != 200:
        return view
    body = view.body
    found: dict[str, Any] = {}
    missing: dict[str, dict[str, str]] = {}
    for attribute in attributes:
        value = value_at(body["data"] or {}, attribute.path)
        source = body["sources"].get(attribute.source, {})
        if value is None:
            if narrowed.fields is not None and not covered(attribute.path, narrowed.fields):
                status = "withheld"  # the grant does not release it
            else:
                status = source.get("status", "not_found")
                status = "not_found" if status == "ok" else status
            missing[attribute.name] = {"source": attribute.source, "status": status}
            continue
        found[attribute.name] = {"value": value, "source": attribute.source,
                                 "retrievedAt": source.get("retrievedAt")}
    return ViewResult(http_status=200, body={
        "profile": body["profile"], "purpose": body["purpose"], "subject": body["subject"],
        "generatedAt": body["generatedAt"], "traceId": body["traceId"], "complete": body["complete"],
        "attributes": found, "missing": missing, "sources": body["sources"],
    })


def _refuse(*, profile, subject: Subject, caller: Caller, purpose_code: str, purpose: Any, trace: TraceContext,
            started: float, reason: str, grant_id: int | None) -> None:
    record = processing_record_base(profile=profile, subject=subject, caller=caller, purpose_code=purpose_code,
                                    purpose=purpose, trace=trace, action="prefill")
    processing_record_write(subject=subject, fields={
        **record, "outcome": ProcessingRecord.Outcome.DENIED, "reason": reason, "grant_id": grant_id,
        "http_status": 403, "duration_ms": elapsed_ms(started),
    })
