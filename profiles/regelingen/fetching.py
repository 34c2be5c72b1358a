"""The one place where regelingen use the view service's inner steps.

Suggestions fetch a profile's data under the regelingen' purpose without releasing it to the
caller, and prefill releases a view narrowed to its attributes. Both need the steps of a view
one by one (who asks and why towards the sources, the plan narrowed to fewer fields, the fan-out
shared with identical views in flight, the sources' summary, the processing record's common
fields), so they are imported here and nowhere else in this app: when the view service moves or
names them publicly, only this module changes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from connectors.breaker import get_breaker
from connectors.registry import Registry
from profiles import services as view_service
from profiles.engine import FAILED_STATUSES, RelationOutcome
from profiles.fields import select_fields
from profiles.grants import GrantDecision, plan_narrow
from profiles.inflight import view_execute_merged, view_key
from profiles.processing_log import processing_record_write
from profiles.subjects import Subject
from profiles.tracing import TraceContext

Caller = view_service.Caller
ViewDenied = view_service.ViewDenied
ViewResult = view_service.ViewResult
ProcessingLogUnavailable = view_service.ProcessingLogUnavailable
purpose_get = view_service.purpose_get
profile_get_active = view_service.profile_get_active


@dataclass
class Fetched:
    """A profile's data fetched for evaluation: not released to anyone by this step."""

    data: Any  # None when no source answered
    sources: dict[str, dict[str, Any]]
    relations: dict[str, RelationOutcome]
    outcome: str  # ProcessingRecord.Outcome
    complete: bool

    @property
    def failed(self) -> dict[str, str]:
        """Relation name -> source name, for the relations that gave no answer."""
        return {name: o.source for name, o in self.relations.items() if o.status in FAILED_STATUSES}


def record_base(*, profile, subject: Subject, caller: Caller, purpose_code: str, purpose: Any,
                trace: TraceContext, action: str, started_at=None) -> dict[str, Any]:
    """The processing record's fields known before any source is called."""
    return view_service._record_base(
        profile=profile, subject=subject, caller=caller, purpose_code=purpose_code, purpose=purpose,
        trace=trace, started_at=started_at, action=action,
    )


def record_write(*, subject: Subject | None, fields: dict[str, Any]) -> None:
    """Write one processing record to the configured sinks, or raise ProcessingLogUnavailable."""
    processing_record_write(fields=fields, subject=subject)


def profile_fetch(*, profile, subject: Subject, caller: Caller, decision: GrantDecision, purpose: Any,
                  fields: tuple[str, ...] | None, trace: TraceContext, registry: Registry,
                  started: float) -> Fetched:
    """Fetch the profile's data for this subject under the decision's purpose, asking the sources
    only for `fields` (None: everything the decision allows). Writes no record: the caller does."""
    context = view_service._context_build(
        caller=caller, purpose_code=decision.purpose_code, purpose=purpose, trace=trace,
    )
    transform = profile.output_transform.strip()
    narrowed = dataclasses.replace(decision, fields=fields)
    result = view_execute_merged(
        merge_key=view_key(profile=profile, subject=subject, purpose_code=decision.purpose_code,
                           caller=caller, decision=narrowed),
        # With a profile transform the view's paths are the transform's: the plan cannot be cut.
        roots=plan_narrow(view_service.profile_plan(profile=profile, registry=registry),
                          None if transform else fields),
        subject=subject,
        context=context,
        registry=registry,
        deadline=started + settings.IKO_VIEW_DEADLINE_SECONDS,
        breaker=get_breaker(),
        output_transform=transform,
    )
    http_status, outcome = view_service._http_status(result)
    data = result.data if http_status == 200 else None
    if data is not None and fields is not None:
        data = select_fields(data, fields) or {}
    return Fetched(
        data=data,
        sources=view_service._sources_summary(result.traces, result.relations),
        relations=result.relations,
        outcome=outcome,
        complete=result.complete,
    )


def view_run_narrowed(*, profile, subject: Subject, caller: Caller, decision: GrantDecision, purpose: Any,
                      record: dict[str, Any], trace: TraceContext, registry: Registry,
                      started: float) -> ViewResult:
    """A view exactly as `view_build` makes it after its grant check (narrowed by `decision`,
    logged with `record`, fail closed)."""
    view, _ = view_service._view_run(
        profile=profile, subject=subject, purpose_code=decision.purpose_code, caller=caller, trace=trace,
        record=record, registry=registry, started=started, purpose=purpose, decision=decision,
    )
    return view
