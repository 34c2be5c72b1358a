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

from connectors.base import CallContext, ConnectorRequest, ConnectorResult, Status
from connectors.registry import Registry
from connectors.registry import registry as default_registry
from connectors.runner import SourceCall, run_calls

from .fields import released_paths, select_fields
from .models import Grant, ProcessingRecord, Profile, Purpose
from .pseudonyms import subject_pseudonym
from .subjects import InvalidSubject, Subject
from .tracing import TraceContext

FAILED_STATUSES = {Status.ERROR, Status.TIMEOUT, Status.SKIPPED}


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
        Profile.objects.filter(name=name, status=Profile.Status.ACTIVE)
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


def _source_status(result: ConnectorResult) -> dict[str, Any]:
    return {
        "status": result.status.value,
        "durationMs": result.duration_ms,
        "retrievedAt": result.retrieved_at.isoformat() if result.retrieved_at else None,
        "detail": result.detail,
    }


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
    record = {
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

    context = CallContext(
        purpose_code=purpose_code,
        actor=caller.name,
        on_behalf_of=caller.on_behalf_of,
        trace_id=trace.trace_id,
    )
    relations = list(profile.relations.all())
    calls: list[SourceCall] = []
    results: dict[str, ConnectorResult] = {}
    for relation in relations:
        connector_class = relation.source.connector_class
        if not relation.source.enabled:
            results[relation.name] = ConnectorResult.failed(Status.SKIPPED, "Source is disabled.")
        elif connector_class is None or relation.operation not in connector_class.operations:
            results[relation.name] = ConnectorResult.failed(
                Status.ERROR, "Relation is misconfigured: unknown connector or operation."
            )
        elif subject.type not in connector_class.operations[relation.operation].subject_types:
            results[relation.name] = ConnectorResult.failed(
                Status.SKIPPED, f"{relation.operation} does not take a {subject.type}."
            )
        else:
            calls.append(
                SourceCall(
                    key=relation.name,
                    source=relation.source.to_config(),
                    request=ConnectorRequest(
                        operation=relation.operation,
                        params={subject.type: subject.value},
                        fields=tuple(relation.fields),
                        context=context,
                    ),
                )
            )
    deadline = started + settings.IKO_VIEW_DEADLINE_SECONDS
    results.update(run_calls(calls, registry=registry, deadline=deadline))

    data: dict[str, Any] = {}
    sources: dict[str, dict[str, Any]] = {}
    released: list[str] = []
    for relation in relations:
        result = results[relation.name]
        value = None
        if result.status is Status.OK:
            # Strip again whatever the source sent beyond the allowed fields.
            value = select_fields(result.data, relation.fields)
            released.extend(f"{relation.name}.{path}" for path in released_paths(value))
        data[relation.name] = value
        previous = sources.get(relation.source.name)
        if previous is None or previous["status"] in ("ok", "not_found"):
            sources[relation.source.name] = _source_status(result)

    statuses = [results[r.name].status for r in relations]
    complete = not any(s in FAILED_STATUSES for s in statuses)
    all_failed = bool(statuses) and all(s in FAILED_STATUSES for s in statuses)
    if all_failed:
        http_status = 504 if all(s is Status.TIMEOUT for s in statuses) else 502
        outcome = ProcessingRecord.Outcome.FAILED
    else:
        http_status = 200
        outcome = ProcessingRecord.Outcome.COMPLETE if complete else ProcessingRecord.Outcome.PARTIAL

    # Fail closed: without a processing record, no personal data leaves IKO.
    _record_write(
        **record,
        sources={name: s["status"] for name, s in sources.items()},
        fields_released=released,
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
        "complete": complete,
        "data": data if not all_failed else None,
        "sources": sources,
    }
    return ViewResult(http_status=http_status, body=body)
