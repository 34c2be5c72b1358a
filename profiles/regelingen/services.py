"""Suggestions: which regelingen may apply to a subject, evaluated at request time; and the admin's
preview of one regeling. Nothing of an evaluation is stored but its processing record.

How a request goes (`suggestions_build`):
1. The profile's enabled regelingen are grouped by their purpose. For each purpose the caller
   needs a grant on the profile, resolved exactly as for a view (`profiles.access.grants`): an API
   client (a portal's or the KCC's system), a staff user or role, or a self-service portal for the
   citizen's own BSN. Without any of them: 403, nothing fetched, a denial record per purpose.
   Purposes the caller has no grant for are left out of the answer.
2. A regeling that needs consent (marked so, or evaluated under a purpose marked so) is evaluated
   only when the `ConsentCheck` says consent is in force; one whose criteria read fields the grant
   narrows away is not evaluated either. Both are reported as "could not be evaluated", with the
   reason.
3. The sources are asked only for the fields the remaining criteria read (and the grant allows),
   under the regelingen' purpose (BRP doelbinding and all). The data is not released to the caller.
   As in a view, a relation that needs consent not in force is not called (profiles.consent).
4. Each regeling is evaluated (`evaluation.py`); a failed source it reads makes it "could not be
   evaluated", never "not eligible", and so does a relation not called for want of consent.
5. One processing record per purpose, with the regelingen evaluated and the counts of their
   outcomes beside it (`records.py`); fail closed.
6. Only when the caller names a `dataPurpose` is the data behind the suggestions (the fields the
   criteria read) released, and only as far as the caller's own grant for that purpose allows,
   with its own processing record. A rule may read an income the portal may not show.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from django.utils import timezone as django_timezone

from connectors.registry import Registry
from connectors.registry import registry as default_registry
from profiles.access.config_cache import config_cached
from profiles.access.grants import GrantDecision, grant_resolve, purpose_get
from profiles.access.principals import Caller, principal_of
from profiles.definitions.fields import released_paths, select_fields
from profiles.definitions.models import Profile
from profiles.processing_log.models import ProcessingRecord
from profiles.processing_log.records import elapsed_ms, processing_record_base
from profiles.processing_log.sinks import processing_record_open, processing_record_write
from profiles.refusals import InvalidSubject, ViewDenied
from profiles.subjects import Subject
from profiles.tracing import TraceContext, trace_from_header

from .consent import ConsentCheck
from .evaluation import (
    CriterionRule,
    Outcome,
    Reason,
    RegelingResult,
    RegelingRule,
    criterion_fields,
    not_evaluated,
    regeling_evaluate,
)
from .fetching import Fetched, profile_fetch
from .models import Regeling
from .paths import covered, paths_intersect, relation_paths, relations_read
from .records import suggestion_record_write


class NoRegelingen(Exception):
    """The profile has no enabled regelingen: there is nothing to suggest with it."""


# --- the catalogue, as plain data --------------------------------------------------------------


def regeling_rule(regeling: Regeling, *, paths: dict[str, str], transformed: bool) -> RegelingRule:
    criteria = tuple(
        CriterionRule(order=c.order, expression=c.expression, text=c.text, fields=tuple(c.fields_read))
        for c in regeling.criteria.all()
    )
    fields = [f for c in criteria for f in c.fields]
    return RegelingRule(
        name=regeling.name, title=regeling.title, description=regeling.description,
        product_url=regeling.product_url, upl_code=regeling.upl_code, purpose_code=regeling.purpose.code,
        needs_consent=regeling.needs_consent, criteria=criteria,
        relations=relations_read(fields, paths, transformed=transformed),
    )


def regeling_rules(*, profile) -> tuple[RegelingRule, ...]:
    """The profile's enabled regelingen with at least one criterion, in order (cached for a few
    seconds with the rest of the configuration; a change in this process clears it)."""

    def load() -> tuple[RegelingRule, ...]:
        paths = relation_paths(profile)
        transformed = bool(profile.output_transform.strip())
        regelingen = (
            Regeling.objects.filter(profile_id=profile.pk, enabled=True)
            .select_related("purpose").prefetch_related("criteria")
        )
        return tuple(
            regeling_rule(r, paths=paths, transformed=transformed) for r in regelingen if r.criteria.all()
        )

    return config_cached(("regelingen", profile.pk, profile.version), load)


# --- evaluation ----------------------------------------------------------------------------------


@dataclass
class Evaluation:
    results: list[RegelingResult]
    fetched: dict[str, Fetched]  # per purpose code
    evaluated_fields: list[str]  # what the criteria of the evaluated regelingen read


def _deny(*, profile, subject: Subject, caller: Caller, denied: list[tuple[str, GrantDecision]],
          trace: TraceContext, action: str, started: float) -> None:
    """Write a denial record per purpose and refuse (403)."""
    for code, decision in denied:
        purpose = decision.purpose or purpose_get(code=code, organisation_id=profile.organisation_id)
        record = processing_record_base(profile=profile, subject=subject, caller=caller, purpose_code=code,
                                        purpose=purpose, trace=trace, action=action)
        processing_record_write(subject=subject, fields={
            **record, "outcome": ProcessingRecord.Outcome.DENIED,
            "reason": decision.reason if purpose is not None else "unknown-purpose",
            "grant_id": decision.grant_id, "http_status": 403, "duration_ms": elapsed_ms(started),
        })
    mismatch = any(d.reason == "self-service-subject-mismatch" for _, d in denied)
    raise ViewDenied(denied[0][1].detail, code="not-own-subject" if mismatch else "no-grant")


def _granted(rule: RegelingRule, decision: GrantDecision) -> bool:
    return decision.fields is None or all(covered(f, decision.fields) for f in rule.fields)


def regelingen_evaluate(*, profile, subject: Subject, caller: Caller, rules: tuple[RegelingRule, ...],
                        trace: TraceContext, consent_check: ConsentCheck, registry: Registry = default_registry,
                        action: str = "suggestions", release_to_caller: bool = False) -> Evaluation:
    """Evaluate the rules for the subject under their purposes (steps 1 to 5 above).

    Raises ViewDenied (after writing denial records) when the caller has a grant for none of the
    purposes, ProcessingLogUnavailable when a record cannot be written. With `release_to_caller`
    (the admin's preview) the fetched data is shown to the caller, and its records say so.
    """
    started, started_at = time.monotonic(), django_timezone.now()
    groups: dict[str, list[RegelingRule]] = {}
    for rule in rules:
        groups.setdefault(rule.purpose_code, []).append(rule)
    decisions = {
        code: grant_resolve(principal=caller.grant_principal, profile=profile, purpose_code=code, subject=subject)
        for code in groups
    }
    if not any(d.allowed for d in decisions.values()):
        _deny(profile=profile, subject=subject, caller=caller, denied=list(decisions.items()), trace=trace,
              action=action, started=started)
    by_name: dict[str, RegelingResult] = {}
    fetched: dict[str, Fetched] = {}
    evaluated_fields: list[str] = []
    for code, group in groups.items():
        decision = decisions[code]
        if not decision.allowed:
            continue
        pending = []
        # As for views: a purpose marked "needs consent" needs it for every regeling evaluated under it.
        purpose_needs = bool(getattr(purpose_get(code=code, organisation_id=profile.organisation_id), "needs_consent", False))
        for rule in group:
            needs = rule.needs_consent or purpose_needs
            if needs and not consent_check(subject=subject, purpose_code=code, regeling=rule.name):
                by_name[rule.name] = not_evaluated(rule, Reason.CONSENT_REQUIRED)
            elif not _granted(rule, decision):
                by_name[rule.name] = not_evaluated(rule, Reason.FIELDS_NOT_GRANTED)
            else:
                pending.append(rule)
        record = processing_record_base(profile=profile, subject=subject, caller=caller, purpose_code=code,
                                        purpose=decision.purpose, trace=trace, action=action,
                                        started_at=started_at)
        fields_read = list(dict.fromkeys(f for rule in pending for f in rule.fields))
        result = None
        opened = None
        if pending:
            # Written before the sources are asked: without a record, no source provides anything.
            opened = processing_record_open(subject=subject, fields={**record, "grant_id": decision.grant_id})
            result = profile_fetch(
                profile=profile, subject=subject, caller=caller, decision=decision, purpose=decision.purpose,
                fields=paths_intersect(fields_read, decision.fields), trace=trace, registry=registry,
                started=started,
            )
            fetched[code] = result
            for rule in pending:
                by_name[rule.name] = regeling_evaluate(rule=rule, data=result.data, failed=result.failed,
                                                       withheld=result.consent_withheld)
            evaluated_fields.extend(f for f in fields_read if f not in evaluated_fields)
        released = released_paths(result.data) if (release_to_caller and result and result.data) else []
        suggestion_record_write(
            subject=subject,
            record={
                **record,
                "sources": {name: s["status"] for name, s in (result.sources if result else {}).items()},
                "fields_released": released,
                "grant_id": decision.grant_id,
                "outcome": result.outcome if result else ProcessingRecord.Outcome.COMPLETE,
                "http_status": 200,
                "duration_ms": elapsed_ms(started),
            },
            results=[by_name[rule.name] for rule in group],
            fields_read=fields_read,
            opened=opened,
        )
    results = [by_name[rule.name] for rule in rules if rule.name in by_name]
    return Evaluation(results=results, fetched=fetched, evaluated_fields=evaluated_fields)


# --- the answer ----------------------------------------------------------------------------------


def _merge(a: Any, b: Any) -> Any:
    """Two fetches' data as one (purposes that read different relations of the same profile)."""
    if isinstance(a, dict) and isinstance(b, dict):
        merged = dict(a)
        for key, value in b.items():
            merged[key] = _merge(a[key], value) if key in a else value
        return merged
    return a if a is not None else b


def _sources(fetched: dict[str, Fetched]) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for result in fetched.values():
        for name, summary in result.sources.items():
            merged.setdefault(name, summary)
    return merged


def _data_release(*, profile, subject: Subject, caller: Caller, purpose_code: str, evaluation: Evaluation,
                  trace: TraceContext) -> tuple[Any, str]:
    """The data behind the suggestions as far as the caller's grant for `purpose_code` allows,
    with its own processing record; (None, why not) without that grant."""
    started = time.monotonic()
    decision = grant_resolve(principal=caller.grant_principal, profile=profile, purpose_code=purpose_code,
                             subject=subject)
    purpose = decision.purpose or purpose_get(code=purpose_code, organisation_id=profile.organisation_id)
    record = processing_record_base(profile=profile, subject=subject, caller=caller, purpose_code=purpose_code,
                                    purpose=purpose, trace=trace, action="view")
    if not decision.allowed:
        processing_record_write(subject=subject, fields={
            **record, "outcome": ProcessingRecord.Outcome.DENIED,
            "reason": decision.reason if purpose is not None else "unknown-purpose",
            "grant_id": decision.grant_id, "http_status": 403, "duration_ms": elapsed_ms(started),
        })
        return None, decision.detail
    data: Any = None
    for result in evaluation.fetched.values():
        data = _merge(data, result.data)
    fields = paths_intersect(evaluation.evaluated_fields, decision.fields)
    if data is not None and fields is not None:
        data = select_fields(data, fields) or {}
    complete = all(f.complete for f in evaluation.fetched.values())
    processing_record_write(subject=subject, fields={
        **record,
        "sources": {name: s["status"] for name, s in _sources(evaluation.fetched).items()},
        "fields_released": released_paths(data) if data else [],
        "grant_id": decision.grant_id,
        "outcome": ProcessingRecord.Outcome.COMPLETE if complete else ProcessingRecord.Outcome.PARTIAL,
        "http_status": 200,
        "duration_ms": elapsed_ms(started),
    })
    return data, ""


def suggestion_describe(result: RegelingResult) -> dict[str, Any]:
    rule = result.rule
    described = {
        "regeling": rule.name, "title": rule.title, "description": rule.description,
        "productUrl": rule.product_url or None, "uplCode": rule.upl_code or None,
    }
    if result.outcome is Outcome.ELIGIBLE:
        described["why"] = [{"criterion": c.text, "fields": criterion_fields(c)} for c in result.held]
    else:
        described["reason"] = result.reason.value if result.reason else ""
        described["detail"] = result.explain()
    return described


def suggestions_build(*, profile, subject: Subject, caller: Caller, data_purpose_code: str | None,
                      trace: TraceContext, consent_check: ConsentCheck,
                      registry: Registry = default_registry) -> dict[str, Any]:
    """The suggestions answer for one subject: the regelingen that hold (with why), those that could
    not be evaluated (with why not), the counts, and the data behind them only when asked for
    with a purpose the caller holds a grant for."""
    if subject.type not in profile.subject_types:
        raise InvalidSubject(f"Profile {profile.name} is for {', '.join(profile.subject_types)}, not {subject.type}.")
    rules = regeling_rules(profile=profile)
    if not rules:
        raise NoRegelingen(f"Profile {profile.name} has no regelingen to suggest.")
    evaluation = regelingen_evaluate(profile=profile, subject=subject, caller=caller, rules=rules, trace=trace,
                                     consent_check=consent_check, registry=registry)
    body: dict[str, Any] = {
        "profile": profile.name,
        "subject": {"type": subject.type, "value": subject.value},
        "generatedAt": datetime.now(timezone.utc).isoformat(),
        "traceId": trace.trace_id,
        "complete": all(f.complete for f in evaluation.fetched.values()),
        "purposes": sorted({r.rule.purpose_code for r in evaluation.results}),
        "suggestions": [suggestion_describe(r) for r in evaluation.results if r.outcome is Outcome.ELIGIBLE],
        "couldNotBeEvaluated": [
            suggestion_describe(r) for r in evaluation.results if r.outcome is Outcome.NOT_EVALUATED
        ],
        "counts": {
            "evaluated": len(evaluation.results),
            "eligible": sum(1 for r in evaluation.results if r.outcome is Outcome.ELIGIBLE),
            "notEligible": sum(1 for r in evaluation.results if r.outcome is Outcome.NOT_ELIGIBLE),
            "couldNotBeEvaluated": sum(1 for r in evaluation.results if r.outcome is Outcome.NOT_EVALUATED),
        },
        "sources": _sources(evaluation.fetched),
        "dataPurpose": data_purpose_code or None,
        "data": None,
    }
    if data_purpose_code:
        body["data"], withheld = _data_release(profile=profile, subject=subject, caller=caller,
                                               purpose_code=data_purpose_code, evaluation=evaluation, trace=trace)
        if withheld:
            body["dataWithheld"] = withheld
    return body


# --- the admin's preview -------------------------------------------------------------------------


@dataclass
class RegelingPreview:
    result: RegelingResult
    data: Any
    sources: dict[str, dict[str, Any]]


def regeling_preview(*, regeling: Regeling, subject: Subject, user, consent_check: ConsentCheck,
                     registry: Registry = default_registry) -> RegelingPreview:
    """Evaluate one regeling (enabled or not) for a test subject, as a staff user.

    Exactly like a view: only with the user's own grant on the profile for the regeling's purpose
    (ViewDenied otherwise, with a denial record), logged with the user as actor (action preview).
    The user sees the data the criteria read, as far as that grant releases it.
    """
    profile = Profile.objects.prefetch_related("relations__source__service").get(pk=regeling.profile_id)
    if subject.type not in profile.subject_types:
        raise InvalidSubject(f"Profile {profile.name} is for {', '.join(profile.subject_types)}, not {subject.type}.")
    regeling = Regeling.objects.select_related("purpose").prefetch_related("criteria").get(pk=regeling.pk)
    rule = regeling_rule(regeling, paths=relation_paths(profile),
                         transformed=bool(profile.output_transform.strip()))
    username = user.get_username()
    caller = Caller(api_client=None, name=f"user:{username} (admin preview)", principal=principal_of(user), kind="user",
                    system="admin", gebruiker=username)
    evaluation = regelingen_evaluate(profile=profile, subject=subject, caller=caller, rules=(rule,),
                                     trace=trace_from_header(None), consent_check=consent_check,
                                     registry=registry, action="preview", release_to_caller=True)
    fetched = evaluation.fetched.get(rule.purpose_code)
    return RegelingPreview(result=evaluation.results[0], data=fetched.data if fetched else None,
                           sources=_sources(evaluation.fetched))
