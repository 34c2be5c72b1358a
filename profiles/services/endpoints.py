"""Endpoint calls: one operation of one source, for the Valtimo front door (`/endpoints/...`).

An endpoint call (`endpoint_call`) runs one operation of one source with the parameters the
operation declares, checked against the operation's parameter schema (`connectors.params`)
before anything else: a caller's mistake is a 400 naming the parameter, never a source failure. It is allowed only through a profile: the caller needs a grant (for its
default purpose) on an active profile that uses that source operation, and the answer holds only
the fields those profiles release.

A caller's parameter never stands in for the relation tree: in a profile, an object's id (a
zaak's URL, a BAG nummeraanduiding, a partij's contactgegevens) comes from the parent's data
through the input expression, and the front door does not let a caller name one instead. So an
operation is reachable here in one of two ways only (`endpoint_route`):
- **about the subject**: the call names one subject of a type the operation takes (`bsn`, `kvk`,
  or an object subject type whose id *is* the subject), and the connector checks every item that
  comes back against that subject. That subject is the one the processing record names. An
  operation whose answers cannot be checked (`Operation.unchecked`) is refused;
- **as a search action**: the parameters include the (required) criteria of a search action of a
  granted profile on this operation (other parameters of the operation may narrow that search),
  and the answer holds that action's columns.
Anything else is refused with 403 (`not-subject-bound`) and the refusal is logged.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any, Mapping, Sequence

from connectors import telemetry
from connectors.base import Operation, Status
from connectors.params import params_validate
from connectors.registry import Registry
from connectors.registry import registry as default_registry
from profiles.access.context import call_context_build
from profiles.access.grants import GrantDecision
from profiles.access.principals import Caller
from profiles.definitions.expressions import ExpressionError, evaluate_one
from profiles.definitions.fields import fields_within, markers_pass_on, released_paths, select_fields
from profiles.definitions.models import Profile, SearchAction
from profiles.processing_log.records import (
    elapsed_ms,
    processing_record_base,
    processing_record_deny,
    processing_record_subject,
)
from profiles.processing_log.sinks import processing_record_complete, processing_record_open, processing_record_write
from profiles.refusals import InvalidSubject, PurposeMissing, SearchInvalid, ViewDenied
from profiles.services.source_calls import (
    SearchResult,
    caller_decision,
    source_call_run,
    source_fields_narrowed,
    source_http_status,
    source_operation,
    source_status,
)
from profiles.subjects import SUBJECT_TYPES, Subject, subject_parse

# Operation parameters that carry a subject identifier (beside the subject types themselves).
SUBJECT_PARAMS = {"bsn": "bsn", "burgerservicenummer": "bsn", "kvk": "kvk", "kvkNummer": "kvk"}


def operation_accepted_params(operation: Operation) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*operation.subject_types, *operation.params]))


def _identifier_param(operation: Operation, identifier: str) -> tuple[str, Subject | None]:
    """Which parameter the `{id}` of `/endpoints/.../{id}` fills, and the subject it names."""
    for subject_type in operation.subject_types:
        try:
            return subject_type, subject_parse(subject_type=subject_type, value=identifier)
        except InvalidSubject:
            continue
    if operation.params:
        return operation.params[0], None
    kinds = " or ".join(str(SUBJECT_TYPES[t].label) for t in operation.subject_types if t in SUBJECT_TYPES)
    raise SearchInvalid(
        f"The identifier is not valid for {operation.name}" + (f": give a {kinds}." if kinds else "."),
        [{"name": "id", "code": "invalid", "reason": "not a valid identifier for this operation"}],
    )


def endpoint_params_clean(*, operation: Operation, query: Mapping[str, list[str]]) -> dict[str, Any]:
    """Query parameters as the operation allows them; unknown names are refused (a misspelt
    filter must not turn into a search for everyone)."""
    accepted = operation_accepted_params(operation)
    problems = []
    params: dict[str, Any] = {}
    for name, raw_values in query.items():
        values = []
        for raw in raw_values:
            text = raw.strip()
            if text.startswith("[") and text.endswith("]"):
                values.extend(v.strip() for v in text[1:-1].split(",") if v.strip())
            elif text:
                values.append(text)
        if name == "type" and "type" not in accepted and values in ([operation.name], []):
            continue  # the search type Valtimo may send beside the operation in the path
        if name not in accepted:
            problems.append({"name": name, "code": "unknown",
                             "reason": f"{operation.name} takes {list(accepted) or 'no parameters'}."})
            continue
        if not values:
            continue
        if name in SUBJECT_PARAMS:
            for value in values:
                try:
                    subject_parse(subject_type=SUBJECT_PARAMS[name], value=value)
                except InvalidSubject as exc:
                    problems.append({"name": name, "code": "invalid", "reason": str(exc)})
        params[name] = values[0] if len(values) == 1 else values
    if problems:
        raise SearchInvalid("The query parameters are invalid; see invalidParams.", problems)
    return params


def endpoint_profiles(*, source, operation: Operation) -> list[tuple[Profile, list[str]]]:
    """Active profiles that use this source operation, with the source fields each releases."""
    found: dict[int, tuple[Profile, list[str]]] = {}
    candidates = Profile.objects.filter(
        organisation_id=source.organisation_id, status=Profile.Status.ACTIVE, draft_of__isnull=True,
    )
    for profile in candidates.filter(relations__source=source, relations__operation=operation.name).distinct():
        fields = [
            f for r in profile.relations.filter(source=source, operation=operation.name)
            for f in r.allowed_release_fields
        ]
        found[profile.pk] = (profile, fields)
    for action in SearchAction.objects.filter(
        source=source, operation=operation.name, profile__in=candidates
    ).select_related("profile"):
        profile, fields = found.get(action.profile_id, (action.profile, []))
        found[action.profile_id] = (profile, fields + action.column_fields)
    return list(found.values())


@dataclass(frozen=True)
class EndpointRoute:
    """How an endpoint call is reachable: whom it is about (the processing record's subject) and
    the profiles it may go through, with the source fields each releases."""

    subject: Subject
    profiles: list[tuple[Profile, list[str]]]


@dataclass(frozen=True)
class Unreachable:
    """Why an endpoint call is not reachable: the processing record's reason and the caller's detail."""

    subject: Subject
    reason: str
    detail: str


def _search_subject(params: Mapping[str, Any], kinds: Mapping[str, str]) -> Subject:
    """Whom a search is about: a BSN or KVK number criterion, else the criteria as a whole
    (only ever recorded as a keyed pseudonym)."""
    for name, value in params.items():
        if kinds.get(name) in SUBJECT_TYPES and isinstance(value, str):
            return subject_parse(subject_type=kinds[name], value=value)
    return Subject("search", json.dumps(params, sort_keys=True, separators=(",", ":"), default=str))


def endpoint_route(*, source, operation: Operation, params: Mapping[str, Any]) -> EndpointRoute | Unreachable:
    """Whether (and how) the front door may make this call; see the module docstring."""
    given = [t for t in operation.subject_types if t in params]
    if len(given) > 1:
        raise SearchInvalid(
            "Give one subject.", [{"name": t, "code": "multiple", "reason": "one subject per call"} for t in given],
        )
    if given:
        value = params[given[0]]
        if not isinstance(value, str):
            raise SearchInvalid(
                f"Give one {given[0]}.", [{"name": given[0], "code": "multiple", "reason": "one subject per call"}],
            )
        subject = subject_parse(subject_type=given[0], value=value)
        if getattr(operation, "unchecked", ""):
            return Unreachable(
                subject, "source-unchecked",
                f"{operation.name} of source {source.name} cannot check that its answers belong to the "
                "subject, so the front door does not offer it.",
            )
        return EndpointRoute(subject, endpoint_profiles(source=source, operation=operation))

    # Not about a subject: only as the search of a search action whose criteria take these names.
    candidates = Profile.objects.filter(
        organisation_id=source.organisation_id, status=Profile.Status.ACTIVE, draft_of__isnull=True,
    )
    found: dict[int, tuple[Profile, list[str]]] = {}
    kinds: dict[str, str] = {}
    for action in SearchAction.objects.filter(
        source=source, operation=operation.name, profile__in=candidates
    ).select_related("profile"):
        criteria = {c.get("param") or c["name"]: c for c in action.criteria if isinstance(c, dict) and "name" in c}
        required = {name for name, c in criteria.items() if c.get("required")}
        # This action's search: its required criteria, or at least one of its criteria, are given;
        # other parameters of the operation may narrow it (KVK's `type`), never replace it.
        if not (required <= set(params) and set(criteria) & set(params)):
            continue
        profile, fields = found.get(action.profile_id, (action.profile, []))
        identifier = [c["field"] for c in action.columns if c.get("name") == action.identifier_column]
        found[action.profile_id] = (profile, fields + action.column_fields + identifier)
        kinds.update({name: criteria[name].get("type", "") for name in params if name in criteria})
    if not found:
        takes = " or ".join(operation.subject_types) or "no subject"
        return Unreachable(
            _search_subject(params, {}), "not-subject-bound",
            f"{operation.name} is not offered with the parameters {sorted(params)}: the front door "
            f"answers only about the subject ({takes}) or with the criteria of a search action; an "
            "object's id comes from the profile's relations, so use the profile's view.",
        )
    return EndpointRoute(_search_subject(params, kinds), list(found.values()))


@telemetry.traced("iko.endpoint")
def endpoint_call(
    *,
    source,
    operation_name: str,
    query: Mapping[str, list[str]],
    identifier: str | None,
    caller: Caller,
    trace,
    registry: Registry = default_registry,
    requested_fields: Sequence[str] | None = None,
    result_transform: str = "",
) -> SearchResult:
    """Call one operation of one source as a profile would, answering its (minimised) data.

    `requested_fields` (a front-door alias's `fields`) narrows the fields asked and released to
    those of them the caller's grant releases; `result_transform` (JQ) shapes each released item
    (profiles/services/aliases.py)."""
    started = time.monotonic()
    started_at = datetime.now(timezone.utc)
    operation = source_operation(source=source, name=operation_name, registry=registry)
    if operation is None:
        raise LookupError(operation_name)
    params = endpoint_params_clean(operation=operation, query=query)
    if identifier is not None:
        param, _ = _identifier_param(operation, identifier)
        if param in params:
            raise SearchInvalid(
                f"Give {param} either in the path or as a query parameter, not both.",
                [{"name": param, "code": "duplicate", "reason": "given twice"}],
            )
        params[param] = identifier.strip()
    if not params:
        raise SearchInvalid(
            f"Give the parameters of {operation.name}: {list(operation_accepted_params(operation))}.",
            [{"name": "query", "code": "required", "reason": "no parameters given"}],
        )
    # The operation's parameter schema first: a caller's mistake is a 400 naming the parameter,
    # never a failing source, and nothing is sent.
    problems = params_validate(operation=operation, params=params)
    if problems:
        raise SearchInvalid("The query parameters are invalid; see invalidParams.", [p.as_dict() for p in problems])
    endpoint_name = f"{source.connector}/{source.name}/{operation.name}"
    route = endpoint_route(source=source, operation=operation, params=params)
    subject = route.subject
    if isinstance(route, Unreachable):
        record = processing_record_base(
            profile=SimpleNamespace(name=endpoint_name[:100], version=None, organisation_id=source.organisation_id), subject=subject, caller=caller,
            purpose_code="", purpose=None, trace=trace, started_at=started_at, action="endpoint",
        )
        processing_record_write(
            subject=processing_record_subject(subject),
            fields={**record, "outcome": "denied", "reason": route.reason, "http_status": 403,
                    "duration_ms": elapsed_ms(started)},
        )
        raise ViewDenied(route.detail, code=route.reason)

    # Allowed through any granted profile that uses this source operation; the fields add up.
    allowed_fields: list[str] = []
    pass_markers = False
    chosen: tuple[Profile, GrantDecision, Any] | None = None
    denied: tuple[Profile, GrantDecision, Any] | None = None
    for profile, fields in route.profiles:
        try:
            decision, purpose = caller_decision(caller=caller, profile=profile, purpose_code=None, subject=subject)
        except PurposeMissing:
            continue
        if not decision.allowed:
            denied = denied or (profile, decision, purpose)
            continue
        # A narrowed grant keeps only what one of the profile's relations on this source would
        # release under it (search action columns included).
        narrowed = source_fields_narrowed(fields, decision_fields=decision.fields, profile=profile, source=source)
        allowed_fields.extend(f for f in narrowed if f not in allowed_fields)
        pass_markers = pass_markers or bool(getattr(profile, "always_pass_markers", False))
        chosen = chosen or (profile, decision, purpose)
    if requested_fields is not None:
        allowed_fields = fields_within(allowed_fields, requested_fields)
    if chosen is None or not allowed_fields:
        profile, decision, purpose = denied or chosen or (
            SimpleNamespace(name=endpoint_name[:100], version=None, organisation_id=source.organisation_id),
            GrantDecision(allowed=False, purpose_code="", reason="no-grant"),
            None,
        )
        record = processing_record_base(
            profile=profile, subject=subject, caller=caller, purpose_code=decision.purpose_code,
            purpose=purpose, trace=trace, started_at=started_at, action="endpoint",
        )
        raise processing_record_deny(
            record=record, subject=subject, decision=decision, purpose=purpose or profile, started=started,
            detail=f"No grant (for your default purpose) on a profile that uses {endpoint_name}."
            if chosen is None else f"None of the fields you asked for is released to you from {endpoint_name}.",
        )

    profile, decision, purpose = chosen
    record = processing_record_base(
        profile=profile, subject=subject, caller=caller, purpose_code=decision.purpose_code,
        purpose=purpose, trace=trace, started_at=started_at, action="endpoint",
    )
    context = call_context_build(caller=caller, purpose_code=decision.purpose_code, purpose=purpose, trace=trace,
                                 decision=decision)
    # Fail closed, before the source is asked: without a record, no source provides anything.
    opened = processing_record_open(
        subject=processing_record_subject(subject),
        fields={**record, "grant_id": decision.grant_id, "sources": {source.name: "pending"}},
    )
    result = source_call_run(
        source=source, operation=operation, params=params, fields=allowed_fields, context=context,
        registry=registry, started=started,
    )
    http_status, outcome = source_http_status(result)
    data = select_fields(result.data, allowed_fields) if result.status is Status.OK else None
    if data is not None and pass_markers:
        data = markers_pass_on(result.data, data, operation.markers)  # as a profile's view passes them on
    released = released_paths(data) if data else []
    transform_error = ""
    if result_transform and data is not None:
        try:
            data = ([evaluate_one(result_transform, item) for item in data] if isinstance(data, list)
                    else evaluate_one(result_transform, data))
        except ExpressionError as exc:
            data, released = None, []
            transform_error = f"The result transform of this operation alias failed: {exc}"
            http_status, outcome = 502, "failed"
    processing_record_complete(
        opened,
        fields={
            "grant_id": decision.grant_id,
            "sources": {source.name: result.status.value},
            "fields_released": released,
            "outcome": outcome,
            "http_status": http_status,
            "duration_ms": elapsed_ms(started),
        },
    )
    sources = source_status(result, source.name)
    if transform_error:
        sources[source.name]["detail"] = transform_error
    detail_call = identifier is not None and not operation.many
    if detail_call:
        body: Any = data if isinstance(data, dict) else {}
    else:
        items = data if isinstance(data, list) else ([data] if isinstance(data, dict) else [])
        body = {"type": operation.name, "results": items, "totalElements": len(items)}
    return SearchResult(http_status=http_status, body=body, sources=sources)
