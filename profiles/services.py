"""The view service: authorise, fan out to the profile's sources, minimise, log, answer.

This is steps 2 to 8 of "one view, step by step" in ../shared/ARCHITECTURE.md, section 3.
The API view only authenticates and validates; everything else happens here, so the same
service serves every front door.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from django.conf import settings
from django.db import DatabaseError

from connectors.base import CallContext, ConnectorResult, Status
from connectors.breaker import get_breaker
from connectors.registry import Registry
from connectors.registry import registry as default_registry

from .engine import FAILED_STATUSES, CallTrace, EngineResult, RelationOutcome, plan_profile, profile_execute, worst
from .fields import released_paths
from .models import Grant, ProcessingRecord, Profile, Purpose
from .pseudonyms import subject_pseudonym
from .subjects import InvalidSubject, Subject
from .tracing import TraceContext, trace_from_header


class ViewDenied(Exception):
    """No grant for this caller, profile and purpose. A denial record has been written."""


class PurposeMissing(Exception):
    """The request names no purpose and the caller has no default purpose."""


class ProcessingLogUnavailable(Exception):
    """The processing record could not be written, so no personal data may go out."""


@dataclass(frozen=True)
class Caller:
    """Who asks: the API client, and the end user it acts for (if it says so)."""

    api_client: Any
    name: str
    on_behalf_of: str = ""


@dataclass
class ViewResult:
    http_status: int
    body: dict[str, Any]


def profile_get_active(*, name: str) -> Profile | None:
    """The active profile with everything the fan-out needs loaded in advance (no ORM later)."""
    return (
        Profile.objects.filter(name=name, status=Profile.Status.ACTIVE, draft_of__isnull=True)
        .prefetch_related("relations__source__service")
        .first()
    )


def _purpose_resolve(*, caller: Caller, purpose_code: str | None) -> str:
    if purpose_code:
        return purpose_code
    default = getattr(caller.api_client, "default_purpose", None)
    if default is None:
        raise PurposeMissing("Name a purpose: this API client has no default purpose.")
    return default.code


def _record_write(**fields: Any) -> None:
    try:
        ProcessingRecord.objects.create(**fields)
    except DatabaseError as exc:
        raise ProcessingLogUnavailable(str(type(exc).__name__)) from None


def _sources_summary(traces: list[CallTrace], relations: dict[str, RelationOutcome]) -> dict[str, dict[str, Any]]:
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
            }
    return summary


def _http_status(result: EngineResult) -> tuple[int, str]:
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


def view_build(
    *,
    profile: Profile,
    subject: Subject,
    caller: Caller,
    purpose_code: str | None,
    trace: TraceContext,
    registry: Registry = default_registry,
) -> ViewResult:
    started = time.monotonic()
    if subject.type not in profile.subject_types:
        raise InvalidSubject(
            f"Profile {profile.name} is for {', '.join(profile.subject_types)}, not {subject.type}."
        )
    purpose_code = _purpose_resolve(caller=caller, purpose_code=purpose_code)
    purpose = Purpose.objects.filter(code=purpose_code).first()
    record = _record_base(profile=profile, subject=subject, caller=caller, purpose_code=purpose_code,
                          purpose=purpose, trace=trace)

    granted = purpose is not None and Grant.objects.filter(
        api_client=caller.api_client, profile=profile, purpose=purpose, enabled=True
    ).exists()
    if not granted:
        _record_write(
            **record,
            outcome=ProcessingRecord.Outcome.DENIED,
            http_status=403,
            duration_ms=round((time.monotonic() - started) * 1000, 1),
        )
        raise ViewDenied(
            f"No grant to use profile {profile.name} for purpose {purpose_code}."
        )

    view, _ = _view_run(
        profile=profile, subject=subject, purpose_code=purpose_code, caller=caller,
        trace=trace, record=record, registry=registry, started=started,
    )
    return view


def _record_base(*, profile: Profile, subject: Subject, caller: Caller, purpose_code: str,
                 purpose: Purpose | None, trace: TraceContext) -> dict[str, Any]:
    return {
        "trace_id": trace.trace_id,
        "span_id": trace.span_id,
        "actor": caller.name,
        "on_behalf_of": caller.on_behalf_of,
        "purpose_code": purpose_code,
        "processing_activity_id": purpose.processing_activity_id if purpose else "",
        "profile_name": profile.name,
        "profile_version": profile.version,
        "subject_type": subject.type,
        "subject_pseudonym": subject_pseudonym(subject_type=subject.type, value=subject.value),
    }


def _view_run(*, profile: Profile, subject: Subject, purpose_code: str, caller: Caller, trace: TraceContext,
              record: dict[str, Any], registry: Registry, started: float) -> tuple[ViewResult, EngineResult]:
    """Fan out, assemble, log (fail closed) and shape the answer: shared by views and previews."""
    context = CallContext(
        purpose_code=purpose_code,
        actor=caller.name,
        on_behalf_of=caller.on_behalf_of,
        trace_id=trace.trace_id,
    )
    result = profile_execute(
        roots=plan_profile(profile, registry=registry),
        subject=subject,
        context=context,
        registry=registry,
        deadline=started + settings.IKO_VIEW_DEADLINE_SECONDS,
        breaker=get_breaker(),
        output_transform=profile.output_transform.strip(),
    )
    sources = _sources_summary(result.traces, result.relations)
    http_status, outcome = _http_status(result)
    data = result.data if http_status == 200 else None

    # Fail closed: without a processing record, no personal data leaves IKO.
    _record_write(
        **record,
        sources={name: s["status"] for name, s in sources.items()},
        fields_released=released_paths(data) if data else [],
        outcome=outcome,
        http_status=http_status,
        duration_ms=round((time.monotonic() - started) * 1000, 1),
    )
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
    return ViewResult(http_status=http_status, body=body), result


def profile_preview(*, profile: Profile, subject: Subject, purpose: Purpose, username: str,
                    registry: Registry = default_registry) -> tuple[ViewResult, EngineResult]:
    """Run a profile (live or draft) for a test subject as an admin would see it.

    No grant is needed (the admin permission is the authorisation), but the processing is real,
    so it is logged like any view, with the admin as actor.
    """
    started = time.monotonic()
    if subject.type not in profile.subject_types:
        raise InvalidSubject(f"Profile {profile.name} is for {', '.join(profile.subject_types)}, not {subject.type}.")
    caller = Caller(api_client=None, name=f"user:{username} (admin preview)")
    trace = trace_from_header(None)
    record = _record_base(profile=profile, subject=subject, caller=caller, purpose_code=purpose.code,
                          purpose=purpose, trace=trace)
    return _view_run(profile=profile, subject=subject, purpose_code=purpose.code, caller=caller, trace=trace,
                     record=record, registry=registry, started=started)

