"""The view service: authorise, fan out to the profile's sources, minimise, log, answer.

This is steps 2 to 8 of "one view, step by step" in docs/developer/architecture.md.
The API view only authenticates and validates; everything else happens here, so the same
service serves every front door. Authorisation is `profiles.access.grants` (deny by default, purpose
binding, narrowed grants, self-service); the purpose goes to the sources in the `CallContext`
(BRP x-doelbinding and friends); the processing record follows the Logboek Dataverwerkingen
(tests/specs/README.md, "Processing logs") and is written through `profiles.processing_log.sinks`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from django.conf import settings
from django.utils import timezone as django_timezone

from connectors import metrics, telemetry
from connectors.base import ConnectorResult, Status
from connectors.breaker import get_breaker
from connectors.registry import Registry
from connectors.registry import registry as default_registry

from profiles.access.config_cache import config_cached
from profiles.access.context import call_context_build
from profiles.access.grants import GrantDecision, grant_exists, grant_resolve, purpose_get
from profiles.access.narrowing import grant_withheld_paths, plan_marker_paths, plan_narrow
from profiles.access.principals import Caller
from profiles.consent.prune import consent_plan_prune, consent_purpose_missing, consent_view_report
from profiles.definitions.fields import released_paths, select_fields
from profiles.definitions.models import Profile
from profiles.engine.execute import (
    FAILED_STATUSES, CallRecord, CallTrace, EngineResult, RelationOutcome, plan_profile, worst,
)
from profiles.organisations.selectors import organisation_scope
from profiles.engine.inflight import view_execute_merged, view_key
from profiles.processing_log.models import ProcessingRecord
from profiles.processing_log.records import elapsed_ms, processing_record_base, processing_record_deny
from profiles.processing_log.sinks import processing_record_complete, processing_record_open, processing_record_write
from profiles.refusals import InvalidSubject, PurposeMissing, ViewDenied
from profiles.subjects import Subject
from profiles.tracing import TraceContext, trace_from_header


@dataclass
class ViewResult:
    http_status: int
    body: dict[str, Any]
    # When each distinct source call ran and what it waited for (profiles.engine.CallRecord).
    calls: list[CallRecord] = field(default_factory=list)


def profile_get_active(*, name: str, organisation_id: int | None) -> Profile | None:
    """The organisation's active profile with everything the fan-out needs loaded in advance (no
    ORM later); another organisation's profile of the same name is never found.

    Cached for a few seconds (see config_cache): the instance is shared, so treat it as read-only.
    """
    organisation_id = organisation_scope(organisation_id)
    return config_cached(
        ("profile", organisation_id, name),
        lambda: Profile.objects.filter(
            organisation_id=organisation_id, name=name, status=Profile.Status.ACTIVE, draft_of__isnull=True,
        )
        .prefetch_related("relations__source__service")
        .first(),
    )


def profile_plan(*, profile: Profile, registry: Registry) -> list:
    """The profile's relation tree as plain data; built once per profile version and registry."""
    if registry is not default_registry:
        return plan_profile(profile, registry=registry)  # a test's own registry: never cached
    return config_cached(("plan", profile.pk, profile.version), lambda: plan_profile(profile, registry=registry))








def view_sources_summary(traces: list[CallTrace], relations: dict[str, RelationOutcome]) -> dict[str, dict[str, Any]]:
    """Per source: the worst status of its calls, the slowest duration, the latest retrieval."""
    by_source: dict[str, list[ConnectorResult]] = {}
    for trace in traces:
        by_source.setdefault(trace.source, []).append(trace.result)
    summary = {}
    for name, results in by_source.items():
        status = worst(r.status for r in results)
        times = [r.retrieved_at for r in results if r.retrieved_at]
        summary[name] = {
            "status": status.value,
            "durationMs": max(r.duration_ms for r in results),
            "retrievedAt": max(times).isoformat() if times else None,
            "detail": next((r.detail for r in results if r.status is status and r.detail), ""),
            "calls": len(results),
            # What must be shown with the data, e.g. that the source cannot be checked to answer
            # about the subject only (an operation marked unchecked).
            "warnings": list(dict.fromkeys(w for r in results for w in r.warnings)),
        }
    # Relations that made no call (disabled source, open circuit, failed parent) still report.
    for outcome in relations.values():
        if outcome.calls:
            continue
        current = summary.get(outcome.source)
        if current is None or worst([Status(current["status"]), outcome.status]) is not Status(current["status"]):
            summary[outcome.source] = {
                "status": outcome.status.value,
                "durationMs": current["durationMs"] if current else 0.0,
                "retrievedAt": current["retrievedAt"] if current else None,
                "detail": outcome.detail,
                "calls": current["calls"] if current else 0,
                "warnings": current["warnings"] if current else [],
            }
    return summary


def _plan_sources(roots: list) -> list[str]:
    """The names of the sources a (narrowed) plan may ask, for the pending processing record."""
    names: list[str] = []
    stack = list(roots)
    while stack:
        plan = stack.pop(0)
        if plan.source_name not in names:
            names.append(plan.source_name)
        stack.extend(plan.children)
    return names


def view_http_status(result: EngineResult) -> tuple[int, str]:
    """The HTTP status of a view with this engine result, and the processing record's outcome."""
    Outcome = ProcessingRecord.Outcome
    roots_failed = result.relations and all(
        o.status in FAILED_STATUSES for o in result.relations.values()
    )
    failed = [result.relations[name].status for name in result.failed_required]
    if result.transform_error:
        return 502, Outcome.FAILED
    if failed or roots_failed:
        statuses = failed or [o.status for o in result.relations.values()]
        return (504 if all(s is Status.TIMEOUT for s in statuses) else 502), Outcome.FAILED
    return 200, (Outcome.COMPLETE if result.complete else Outcome.PARTIAL)


def _purpose_label(purpose_code: str | None, purpose: Any) -> str:
    """The purpose as metrics and spans name it: a configured purpose's code, else a fixed word
    (a caller's unknown purpose is its own text, not a name from the configuration)."""
    if purpose is not None:
        return purpose.code
    return "unknown" if purpose_code else "none"


def _view_observed(*, record: dict[str, Any], purpose: Any, outcome: str, http_status: int, started: float) -> None:
    """Count and time a view that wrote its processing record, and name its outcome on its span.
    Admin previews are not counted: the series are about the views IKO serves."""
    if record["action"] != "view":
        return
    purpose_label = _purpose_label(record["purpose_code"], purpose)
    metrics.view_record(profile=record["profile_name"], purpose=purpose_label, outcome=outcome,
                        seconds=time.monotonic() - started)
    telemetry.request_outcome(outcome=outcome, http_status=http_status, purpose=purpose_label)


@telemetry.traced("iko.view")
def view_build(
    *,
    profile: Profile,
    subject: Subject,
    caller: Caller,
    purpose_code: str | None,
    trace: TraceContext,
    registry: Registry = default_registry,
    variables: dict[str, Any] | None = None,
) -> ViewResult:
    """`variables`: the request's JQ variables for the profile's expressions (the reference
    server's transform context; profiles/definitions/expressions.py), from the Valtimo front door."""
    started = time.monotonic()
    started_at = django_timezone.now()
    if subject.type not in profile.subject_types:
        raise InvalidSubject(
            f"Profile {profile.name} is for {', '.join(profile.subject_types)}, not {subject.type}."
        )
    # Raises PurposeMissing (400) when there is no purpose and no single default.
    decision = grant_resolve(
        principal=caller.grant_principal, profile=profile, purpose_code=purpose_code, subject=subject,
    )
    purpose = decision.purpose or purpose_get(code=decision.purpose_code, organisation_id=profile.organisation_id)
    record = processing_record_base(profile=profile, subject=subject, caller=caller,
                                    purpose_code=decision.purpose_code, purpose=purpose, trace=trace,
                                    started_at=started_at)
    if not decision.allowed:
        denied = processing_record_deny(record=record, subject=subject, decision=decision, purpose=purpose,
                                        started=started)
        _view_observed(record=record, purpose=purpose, outcome="denied", http_status=403, started=started)
        raise denied
    # Consent (profiles/consent): a purpose that needs it is refused without one, before any call.
    if missing_consent := consent_purpose_missing(purpose=purpose_get(code=decision.purpose_code, organisation_id=profile.organisation_id), subject=subject):
        processing_record_write(subject=subject, fields={
            **record, "outcome": ProcessingRecord.Outcome.DENIED, "reason": "consent-required",
            "grant_id": decision.grant_id, "http_status": 403, "duration_ms": elapsed_ms(started),
        })
        _view_observed(record=record, purpose=purpose, outcome="denied", http_status=403, started=started)
        raise ViewDenied(missing_consent, code="consent-required")

    view, _ = view_run(
        profile=profile, subject=subject, purpose_code=decision.purpose_code, caller=caller,
        trace=trace, record=record, registry=registry, started=started, purpose=purpose, decision=decision,
        variables=variables,
    )
    return view






def view_run(*, profile: Profile, subject: Subject, purpose_code: str, caller: Caller, trace: TraceContext,
             record: dict[str, Any], registry: Registry, started: float, purpose: Any = None,
             decision: GrantDecision | None = None,
             variables: dict[str, Any] | None = None) -> tuple[ViewResult, EngineResult]:
    """Fan out, assemble, log (fail closed) and shape the answer once the caller is authorised:
    shared by views, previews and the use cases that answer a view in another form (prefill).

    A narrowed grant is applied twice: the plan asks and releases fewer fields and skips the
    relations the grant does not touch (with a profile transform it cannot know which), and the
    assembled data is cut to the grant's paths, so narrowed fields never leave IKO.
    """
    context = call_context_build(caller=caller, purpose_code=purpose_code, purpose=purpose, trace=trace,
                                 decision=decision)
    narrowed = decision.fields if decision is not None else None  # None: not narrowed
    plan_fields = None if profile.output_transform.strip() else narrowed
    # Identical views in flight at the same moment share one computation (engine/inflight.py).
    merge_key = None if decision is None else view_key(
        profile=profile, subject=subject, purpose_code=purpose_code, caller=caller, decision=decision,
        variables=variables)
    # Consent (profiles/consent): relations that need it are not called at all without it.
    pruned = consent_plan_prune(plan=plan_narrow(profile_plan(profile=profile, registry=registry), plan_fields),
                                profile=profile, subject=subject)
    merge_key = merge_key and (*merge_key, pruned.key)
    roots = pruned.plan
    # Fail closed, before any source is asked: without a record, no source provides anything.
    opened = processing_record_open(
        subject=subject, fields={**record, "sources": {name: "pending" for name in _plan_sources(roots)}},
    )
    result = view_execute_merged(
        merge_key=merge_key,
        roots=roots,
        subject=subject,
        context=context,
        registry=registry,
        deadline=started + settings.IKO_VIEW_DEADLINE_SECONDS,
        breaker=get_breaker(),
        output_transform=profile.output_transform.strip(),
        variables=variables,
    )
    sources = view_sources_summary(result.traces, result.relations)
    http_status, outcome = view_http_status(result)
    data = result.data if http_status == 200 else None
    withheld: list[str] = []
    if narrowed is not None:
        # What the grant kept back: the profile's paths it does not release in full, and any
        # path the final cut removed (with a transform, only those are known).
        withheld = grant_withheld_paths(profile=profile, fields=narrowed)
        if data is not None:
            before = released_paths(data)
            data = select_fields(data, [*narrowed, *plan_marker_paths(roots)])
            if data is None:
                data = {}  # a transform's scalar output has no paths to grant: nothing of it goes out
            after = set(released_paths(data))
            withheld += [path for path in before if path not in after and path not in withheld]
    released = released_paths(data) if data else []

    # Fail closed: without a completed processing record, no personal data leaves IKO.
    processing_record_complete(
        opened,
        fields={
            "sources": {name: s["status"] for name, s in sources.items()},
            "fields_released": released,
            "fields_withheld": withheld + sorted(pruned.withheld),
            "grant_id": decision.grant_id if decision else None,
            "outcome": outcome,
            "http_status": http_status,
            "duration_ms": elapsed_ms(started),
        },
    )
    _view_observed(record=record, purpose=purpose, outcome=outcome, http_status=http_status, started=started)
    body = {
        "profile": profile.name,
        "purpose": purpose_code,
        "subject": {"type": subject.type, "value": subject.value},
        "generatedAt": datetime.now(timezone.utc).isoformat(),
        "traceId": trace.trace_id,
        "complete": result.complete,
        "data": data,
        "sources": sources,
        "relations": {
            name: {"status": o.status.value, "calls": o.calls, "detail": o.detail}
            for name, o in result.relations.items()
        },
    }
    consent_view_report(body=body, pruned=pruned)
    return ViewResult(http_status=http_status, body=body, calls=result.calls), result


def profile_preview(*, profile: Profile, subject: Subject, purpose_code: str, principal: Any, username: str,
                    registry: Registry = default_registry) -> tuple[ViewResult, EngineResult]:
    """Run a profile (live or draft) for a subject as a staff user would see it in a view.

    Exactly like a view: the staff user (`principal`: its groups, and OIDC roles as groups of the
    same name) needs a grant on the profile for the purpose, and the grant's narrowing applies; a
    draft revision uses the grants of its live profile. The admin checks its own permission
    (`profiles.preview_profile`) first. Allowed or refused, it is logged like any view (action
    `preview`, with the staff user as actor); a refusal raises ViewDenied after its record.
    """
    started = time.monotonic()
    if subject.type not in profile.subject_types:
        raise InvalidSubject(f"Profile {profile.name} is for {', '.join(profile.subject_types)}, not {subject.type}.")
    caller = Caller(api_client=None, name=f"user:{username} (admin preview)", kind="user",
                    system="admin", gebruiker=username, principal=principal)
    granted_on = profile.draft_of if profile.draft_of_id else profile
    decision = grant_resolve(principal=principal, profile=granted_on, purpose_code=purpose_code, subject=subject)
    purpose = decision.purpose or purpose_get(code=decision.purpose_code, organisation_id=profile.organisation_id)
    trace = trace_from_header(None)
    record = processing_record_base(profile=profile, subject=subject, caller=caller, purpose_code=decision.purpose_code,
                                    purpose=purpose, trace=trace, action="preview")
    if not decision.allowed:
        raise processing_record_deny(record=record, subject=subject, decision=decision, purpose=purpose,
                                     started=started)
    with telemetry.request_span("iko.preview", trace=trace, attributes={"iko.profile": profile.name}):
        return view_run(profile=profile, subject=subject, purpose_code=decision.purpose_code, caller=caller,
                        trace=trace, record=record, registry=registry, started=started, purpose=purpose,
                        decision=decision)


@telemetry.traced("iko.view")
def view_build_default_purpose(*, profile: Profile, subject: Subject, caller: Caller, trace,
                               registry: Registry = default_registry,
                               variables: dict[str, Any] | None = None) -> ViewResult:
    """`view_build` for callers that never name a purpose (Valtimo): the default purpose
    of the caller's grant. A caller without any grant on the profile is denied, and the denial is
    logged, like any other refusal; PurposeMissing remains for a caller with grants but no
    single default purpose (a configuration matter for the admin)."""
    try:
        return view_build(profile=profile, subject=subject, caller=caller, purpose_code=None,
                          trace=trace, registry=registry, variables=variables)
    except PurposeMissing:
        if grant_exists(principal=caller.grant_principal, profile=profile):
            raise
    started = time.monotonic()
    decision = GrantDecision(allowed=False, purpose_code="", reason="no-grant")
    record = processing_record_base(profile=profile, subject=subject, caller=caller, purpose_code="",
                                    purpose=None, trace=trace, started_at=datetime.now(timezone.utc))
    denied = processing_record_deny(record=record, subject=subject, decision=decision, purpose=None, started=started,
                                    detail=f"No grant to use profile {profile.name}.")
    _view_observed(record=record, purpose=None, outcome="denied", http_status=403, started=started)
    raise denied
