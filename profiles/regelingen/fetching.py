"""The steps of a view that regelingen use one by one.

Suggestions fetch a profile's data under the regelingen' purpose without releasing it to the
caller, and prefill releases a view narrowed to its attributes. Both need the steps of a view
one by one (who asks and why towards the sources, the plan narrowed to fewer fields, the fan-out
shared with identical views in flight, the sources' summary, the view itself once the grant is
checked), all public functions of their own homes: the call context in profiles.access, the
in-flight merge in profiles.engine, the view use case's steps in profiles.services.view.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from connectors.breaker import get_breaker
from connectors.registry import Registry
from profiles.access.context import call_context_build
from profiles.access.grants import GrantDecision
from profiles.access.narrowing import plan_narrow
from profiles.access.principals import Caller
from profiles.consent.prune import consent_plan_prune, consent_view_report
from profiles.definitions.fields import select_fields
from profiles.engine.execute import FAILED_STATUSES, RelationOutcome
from profiles.engine.inflight import view_execute_merged, view_key
from profiles.services.view import ViewResult, profile_plan, view_http_status, view_run, view_sources_summary
from profiles.subjects import Subject
from profiles.tracing import TraceContext


@dataclass
class Fetched:
    """A profile's data fetched for evaluation: not released to anyone by this step."""

    data: Any  # None when no source answered
    sources: dict[str, dict[str, Any]]
    relations: dict[str, RelationOutcome]
    outcome: str  # ProcessingRecord.Outcome
    complete: bool
    # Relations not called for want of the subject's consent (profiles.consent), with their source.
    consent_withheld: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def failed(self) -> dict[str, str]:
        """Relation name -> source name, for the relations that gave no answer."""
        return {name: o.source for name, o in self.relations.items() if o.status in FAILED_STATUSES}


def profile_fetch(*, profile, subject: Subject, caller: Caller, decision: GrantDecision, purpose: Any,
                  fields: tuple[str, ...] | None, trace: TraceContext, registry: Registry,
                  started: float) -> Fetched:
    """Fetch the profile's data for this subject under the decision's purpose, asking the sources
    only for `fields` (None: everything the decision allows). Writes no record: the caller does.

    As in a view, a relation that needs consent the subject has not given (in force) is not called
    at all (profiles.consent); `consent_withheld` names it and its source reports `consent_required`.
    """
    context = call_context_build(caller=caller, purpose_code=decision.purpose_code, purpose=purpose, trace=trace,
                                 decision=decision)
    transform = profile.output_transform.strip()
    narrowed = dataclasses.replace(decision, fields=fields)
    # With a profile transform the view's paths are the transform's: the plan cannot be cut.
    pruned = consent_plan_prune(plan=plan_narrow(profile_plan(profile=profile, registry=registry),
                                                 None if transform else fields),
                                profile=profile, subject=subject)
    result = view_execute_merged(
        merge_key=(*view_key(profile=profile, subject=subject, purpose_code=decision.purpose_code,
                             caller=caller, decision=narrowed), pruned.key),
        roots=pruned.plan,
        subject=subject,
        context=context,
        registry=registry,
        deadline=started + settings.IKO_VIEW_DEADLINE_SECONDS,
        breaker=get_breaker(),
        output_transform=transform,
    )
    http_status, outcome = view_http_status(result)
    data = result.data if http_status == 200 else None
    if data is not None and fields is not None:
        data = select_fields(data, fields) or {}
    sources = view_sources_summary(result.traces, result.relations)
    consent_view_report(body={"relations": {}, "sources": sources}, pruned=pruned)
    return Fetched(
        data=data,
        sources=sources,
        relations=result.relations,
        outcome=outcome,
        complete=result.complete,
        consent_withheld={name: source for name, (source, _) in pruned.withheld.items()},
    )


def view_run_narrowed(*, profile, subject: Subject, caller: Caller, decision: GrantDecision, purpose: Any,
                      record: dict[str, Any], trace: TraceContext, registry: Registry,
                      started: float) -> ViewResult:
    """A view exactly as `view_build` makes it after its grant check (narrowed by `decision`,
    logged with `record`, fail closed)."""
    view, _ = view_run(
        profile=profile, subject=subject, purpose_code=decision.purpose_code, caller=caller, trace=trace,
        record=record, registry=registry, started=started, purpose=purpose, decision=decision,
    )
    return view
