"""Endpoint calls: one operation of one source, for the Valtimo front door (`/endpoints/...`).

An endpoint call (`endpoint_call`) runs one operation of one source with the parameters the
operation declares. It is allowed only through a profile: the caller needs a grant (for its
default purpose) on an active profile that uses that source operation, in a relation or a
search action, and the answer holds only the fields those profiles release.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any, Mapping

from connectors.base import Operation, Status
from connectors.registry import Registry
from connectors.registry import registry as default_registry
from profiles.access.context import call_context_build
from profiles.access.grants import GrantDecision
from profiles.access.principals import Caller
from profiles.definitions.fields import released_paths, select_fields
from profiles.definitions.models import Profile, SearchAction
from profiles.processing_log.records import (
    elapsed_ms,
    processing_record_base,
    processing_record_deny,
    processing_record_subject,
)
from profiles.processing_log.sinks import processing_record_complete, processing_record_open
from profiles.refusals import InvalidSubject, PurposeMissing, SearchInvalid
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
    kinds = " or ".join(SUBJECT_TYPES[t].label for t in operation.subject_types if t in SUBJECT_TYPES)
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
    candidates = Profile.objects.filter(status=Profile.Status.ACTIVE, draft_of__isnull=True)
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


def endpoint_call(
    *,
    source,
    operation_name: str,
    query: Mapping[str, list[str]],
    identifier: str | None,
    caller: Caller,
    trace,
    registry: Registry = default_registry,
) -> SearchResult:
    """Call one operation of one source as a profile would, answering its (minimised) data."""
    started = time.monotonic()
    started_at = datetime.now(timezone.utc)
    operation = source_operation(source=source, name=operation_name, registry=registry)
    if operation is None:
        raise LookupError(operation_name)
    params = endpoint_params_clean(operation=operation, query=query)
    subject: Subject | None = None
    if identifier is not None:
        param, subject = _identifier_param(operation, identifier)
        if param in params:
            raise SearchInvalid(
                f"Give {param} either in the path or as a query parameter, not both.",
                [{"name": param, "code": "duplicate", "reason": "given twice"}],
            )
        params[param] = subject.value if subject else identifier
    if subject is None:
        for name, value in params.items():
            if name in SUBJECT_PARAMS and isinstance(value, str):
                subject = Subject(SUBJECT_PARAMS[name], value)
                break
    if subject is None:
        canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
        subject = Subject("search", canonical)
    if not params:
        raise SearchInvalid(
            f"Give the parameters of {operation.name}: {list(operation_accepted_params(operation))}.",
            [{"name": "query", "code": "required", "reason": "no parameters given"}],
        )

    # Allowed through any granted profile that uses this source operation; the fields add up.
    allowed_fields: list[str] = []
    chosen: tuple[Profile, GrantDecision, Any] | None = None
    denied: tuple[Profile, GrantDecision, Any] | None = None
    for profile, fields in endpoint_profiles(source=source, operation=operation):
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
        chosen = chosen or (profile, decision, purpose)
    endpoint_name = f"{source.connector}/{source.name}/{operation.name}"
    if chosen is None or not allowed_fields:
        profile, decision, purpose = denied or chosen or (
            SimpleNamespace(name=endpoint_name[:100], version=None),
            GrantDecision(allowed=False, purpose_code="", reason="no-grant"),
            None,
        )
        record = processing_record_base(
            profile=profile, subject=subject, caller=caller, purpose_code=decision.purpose_code,
            purpose=purpose, trace=trace, started_at=started_at, action="endpoint",
        )
        raise processing_record_deny(
            record=record, subject=subject, decision=decision, purpose=purpose or profile, started=started,
            detail=f"No grant (for your default purpose) on a profile that uses {endpoint_name}.",
        )

    profile, decision, purpose = chosen
    record = processing_record_base(
        profile=profile, subject=subject, caller=caller, purpose_code=decision.purpose_code,
        purpose=purpose, trace=trace, started_at=started_at, action="endpoint",
    )
    context = call_context_build(caller=caller, purpose_code=decision.purpose_code, purpose=purpose, trace=trace)
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
    processing_record_complete(
        opened,
        fields={
            "grant_id": decision.grant_id,
            "sources": {source.name: result.status.value},
            "fields_released": released_paths(data) if data else [],
            "outcome": outcome,
            "http_status": http_status,
            "duration_ms": elapsed_ms(started),
        },
    )
    sources = source_status(result, source.name)
    detail_call = identifier is not None and not operation.many
    if detail_call:
        body: Any = data if isinstance(data, dict) else {}
    else:
        items = data if isinstance(data, list) else ([data] if isinstance(data, dict) else [])
        body = {"type": operation.name, "results": items, "totalElements": len(items)}
    return SearchResult(http_status=http_status, body=body, sources=sources)
