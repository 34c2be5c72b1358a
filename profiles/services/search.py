"""Search: find the subject before opening its view, with a profile's search actions; and direct
calls of one source operation for the Valtimo front door (`/endpoints/...`).

Issue 6 ("Search, and a Valtimo-compatible front door"); ARCHITECTURE.md, sections 3 and 4.

A search action (`profiles.models.SearchAction`) names typed criteria, one source operation
(BRP `ZoekMet...`, KVK Zoeken, BAG by postcode and huisnummer, ...), the columns of a row and the
column that identifies the subject. A search runs like a view: the purpose (or the caller's
default purpose) and a grant on the profile are required (deny by default, a denial is logged),
the source is asked for the column fields only, and every search leaves one processing record
(`action="search"`). Its subject is the BSN or KVK number searched for, as a keyed pseudonym;
a search by other criteria (a name, an address) is recorded as subject type "search" with a
keyed pseudonym of the criteria, so the log never holds them in plain text either.

An endpoint call (`endpoint_call`) runs one operation of one source with the parameters the
operation declares. It is allowed only through a profile: the caller needs a grant (for its
default purpose) on an active profile that uses that source operation, in a relation or a
search action, and the answer holds only the fields those profiles release.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from types import SimpleNamespace
from typing import Any, Iterable, Mapping

from django.conf import settings

from connectors.base import CallContext, ConnectorRequest, ConnectorResult, Operation, Status
from connectors.breaker import get_breaker
from connectors.registry import Registry
from connectors.registry import registry as default_registry
from connectors.runner import SourceCall, run_calls

from profiles.services import view as services
from profiles.definitions.fields import released_paths, select_fields
from profiles.access.grants import GrantDecision, grant_exists
from profiles.definitions.models import Profile, SearchAction
from profiles.refusals import InvalidSubject, PurposeMissing, SearchInvalid, ViewDenied
from profiles.subjects import SUBJECT_TYPES, Subject, is_valid_bsn, subject_parse

# Operation parameters that carry a subject identifier (beside the subject types themselves).
SUBJECT_PARAMS = {"bsn": "bsn", "burgerservicenummer": "bsn", "kvk": "kvk", "kvkNummer": "kvk"}
DEFAULT_MAX_LENGTH = 200
POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Za-z]{2})$")
FAILED = (Status.ERROR, Status.TIMEOUT, Status.SKIPPED)



@dataclass
class SearchResult:
    http_status: int
    body: dict[str, Any]
    # The endpoint call's answer for Valtimo: the source's (minimised) JSON.
    sources: dict[str, Any] = field(default_factory=dict)


# --- describing ---------------------------------------------------------------------------------
def search_actions_of(*, profile: Profile) -> list[SearchAction]:
    return list(profile.search_actions.select_related("source").all())


def search_action_get(*, profile: Profile, name: str) -> SearchAction | None:
    return profile.search_actions.select_related("source", "source__service").filter(name=name).first()


def search_action_describe(action: SearchAction) -> dict[str, Any]:
    """What a client needs to build the search form and the result table."""
    criteria = []
    for criterion in action.criteria:
        item = {
            "name": criterion["name"],
            "label": criterion.get("label") or criterion["name"],
            "type": criterion["type"],
            "required": bool(criterion.get("required", False)),
        }
        if criterion.get("help"):
            item["help"] = criterion["help"]
        validation = dict(criterion.get("validation") or {})
        if validation:
            item["validation"] = validation
        criteria.append(item)
    return {
        "name": action.name,
        "title": action.title,
        "description": action.description,
        "criteria": criteria,
        "columns": [
            {"name": c["name"], "label": c.get("label") or c["name"], "field": c["field"]}
            for c in action.columns
        ],
        "identifier": (
            {"column": action.identifier_column, "subjectType": action.identifier_type}
            if action.identifier_column else None
        ),
        "maxResults": action.max_results,
    }


# --- criteria -----------------------------------------------------------------------------------
def _invalid(name: str, code: str, reason: str) -> dict[str, str]:
    return {"name": f"criteria.{name}", "code": code, "reason": reason}


def _clean_value(criterion: Mapping[str, Any], value: Any) -> Any:
    """One criterion's value, normalised; ValueError with a reason that never repeats the value."""
    kind = criterion["type"]
    validation = criterion.get("validation") or {}
    if isinstance(value, (dict, list)):
        raise ValueError("give a single value")
    if kind == "integer":
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,9}\s*", value))
        ):
            raise ValueError("must be a whole number")
        number = int(value)
        if "minimum" in validation and number < validation["minimum"]:
            raise ValueError(f"must be at least {validation['minimum']}")
        if "maximum" in validation and number > validation["maximum"]:
            raise ValueError(f"must be at most {validation['maximum']}")
        return number
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise ValueError("must be true or false")
    if not isinstance(value, str):
        raise ValueError("must be a text")
    text = value.strip()
    if kind == "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            date.fromisoformat(text)
        except ValueError:
            raise ValueError("must be a date as YYYY-MM-DD") from None
        return text
    if kind == "postcode":
        match = POSTCODE.match(text)
        if not match:
            raise ValueError("must be a postcode: four digits (not starting with 0) and two letters")
        return match.group(1) + match.group(2).upper()
    if kind == "bsn":
        if not is_valid_bsn(text):
            raise ValueError("must be a BSN: 9 digits that pass the eleven test")
        return text
    if kind == "kvk":
        if not re.fullmatch(r"[0-9]{8}", text):
            raise ValueError("must be a KVK number: 8 digits")
        return text
    if kind == "choice":
        if text not in validation.get("choices", []):
            raise ValueError(f"must be one of {validation.get('choices', [])}")
        return text
    # string
    max_length = validation.get("maxLength", DEFAULT_MAX_LENGTH)
    if len(text) > max_length:
        raise ValueError(f"may be at most {max_length} characters")
    if len(text) < validation.get("minLength", 1):
        raise ValueError(f"must be at least {validation.get('minLength', 1)} characters")
    if "pattern" in validation and not re.fullmatch(validation["pattern"], text):
        raise ValueError("does not have the expected form")
    return text


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def search_criteria_clean(*, action: SearchAction, criteria: Any) -> dict[str, Any]:
    """The criteria as values by criterion name; SearchInvalid lists every problem at once."""
    if not isinstance(criteria, Mapping):
        raise SearchInvalid("Give the criteria as an object.", [_invalid("", "invalid", "must be an object")])
    declared = {c["name"]: c for c in action.criteria}
    problems = [
        _invalid(name, "unknown", f"{action.name} has no criterion {name!r}; it takes {sorted(declared)}.")
        for name in criteria
        if name not in declared
    ]
    values: dict[str, Any] = {}
    for name, criterion in declared.items():
        value = criteria.get(name)
        if not _present(value):
            if criterion.get("required"):
                problems.append(_invalid(name, "required", "is required."))
            continue
        try:
            values[name] = _clean_value(criterion, value)
        except ValueError as exc:
            problems.append(_invalid(name, "invalid", f"{exc}."))
    if not problems and not values:
        problems.append(_invalid("", "required", "give at least one criterion."))
    if problems:
        raise SearchInvalid("The search criteria are invalid; see invalidParams.", problems)
    return values


def _subject_of(values: Mapping[str, Any], kinds: Mapping[str, str]) -> Subject:
    """Whom the search is about, for the processing log: a BSN or KVK number when one is given,
    else the criteria as a whole (recorded only as a keyed pseudonym)."""
    for name, value in values.items():
        subject_type = kinds.get(name)
        if subject_type in SUBJECT_TYPES:
            return Subject(subject_type, str(value))
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    return Subject("search", canonical)


# --- authorisation and the record --------------------------------------------------------------
def _decide(*, caller: services.Caller, profile: Profile, purpose_code: str | None,
            subject: Subject) -> tuple[GrantDecision, Any]:
    """The grant decision a view gets for this caller, profile and purpose, and the purpose.

    Without a purpose, the caller's default applies. A caller without any grant on the profile
    has no default either: that is a denial (logged), not a missing purpose. PurposeMissing is
    raised only when the caller has grants but no single default purpose.
    """
    try:
        decision = services.grant_resolve(
            principal=caller.grant_principal, profile=profile, purpose_code=purpose_code,
            # Self-service: only a search for the citizen's own number can match its grant.
            subject=subject if subject.type in SUBJECT_TYPES else None,
        )
    except PurposeMissing:
        if grant_exists(principal=caller.grant_principal, profile=profile):
            raise
        decision = GrantDecision(
            allowed=False, purpose_code="", reason="no-grant",
            detail=f"No grant to use profile {profile.name}.",
        )
    return decision, decision.purpose or services.purpose_get(code=decision.purpose_code)


def _log_subject(subject: Subject) -> Subject | None:
    """The subject as the external processing log may see it: a BSN or KVK number, never the
    criteria of a search by name or address."""
    return subject if subject.type in SUBJECT_TYPES else None


def _deny(*, record: dict[str, Any], subject: Subject, decision: GrantDecision, purpose: Any,
          started: float, detail: str = "") -> None:
    reason = decision.reason if purpose is not None or not decision.purpose_code else "unknown-purpose"
    services._record_write(
        subject=_log_subject(subject),
        **record,
        outcome="denied",
        reason=reason or "no-grant",
        grant_id=decision.grant_id,
        http_status=403,
        duration_ms=round((time.monotonic() - started) * 1000, 1),
    )
    code = "not-own-subject" if reason == "self-service-subject-mismatch" else "no-grant"
    raise ViewDenied(detail or decision.detail or "Not allowed.", code=code)


def _context(*, caller: services.Caller, decision: GrantDecision, purpose: Any, trace,
             doelbinding: str = "") -> CallContext:
    context = services._context_build(caller=caller, purpose_code=decision.purpose_code, purpose=purpose, trace=trace)
    if doelbinding:
        # The search action's own doelbinding counts for whichever BRP query it makes.
        context = dataclasses.replace(context, doelbinding_consult=doelbinding, doelbinding_search=doelbinding)
    return context


def _source_status(result: ConnectorResult, source_name: str) -> dict[str, Any]:
    return {
        source_name: {
            "status": result.status.value,
            "durationMs": result.duration_ms,
            "retrievedAt": result.retrieved_at.isoformat() if result.retrieved_at else None,
            "detail": result.detail,
            "calls": 1,
        }
    }


def _http_status(result: ConnectorResult) -> tuple[int, str]:
    if result.status in FAILED:
        return (504 if result.status is Status.TIMEOUT else 502), "failed"
    return 200, "complete"


def _run_one(*, source, operation: Operation, params: dict[str, Any], fields: Iterable[str],
             context: CallContext, registry: Registry, started: float) -> ConnectorResult:
    if not source.enabled:
        return ConnectorResult.failed(Status.SKIPPED, "Source is disabled.")
    call = SourceCall(
        key="search",
        source=source.to_config(),
        request=ConnectorRequest(operation.name, params, tuple(dict.fromkeys(fields)), context),
    )
    results = run_calls(
        [call], registry=registry, deadline=started + settings.IKO_VIEW_DEADLINE_SECONDS,
        breaker=get_breaker(),
    )
    return results["search"]


def _items(result: ConnectorResult, operation: Operation) -> list[Any]:
    if result.status is not Status.OK or result.data is None:
        return []
    data = result.data
    if isinstance(data, list):
        return [item for item in data if isinstance(item, dict)]
    return [data] if isinstance(data, dict) else []


def value_at(item: Any, path: str) -> Any:
    """The value at a dot path; through a list, the list of values found in its elements."""
    current = item
    for part in path.split("."):
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list):
            found = [v.get(part) for v in current if isinstance(v, dict) and v.get(part) is not None]
            current = found or None
        else:
            return None
        if current is None:
            return None
    return current


def _relation_paths_for(profile: Profile, source) -> list[str]:
    """The view paths (relation names, parents first) of the relations that read the same
    register as `source`: the same source, or another source on the same server."""
    paths = []
    relations = list(profile.relations.all())
    by_id = {r.pk: r for r in relations}
    for relation in relations:
        if relation.source_id != source.pk and relation.source.service_id != source.service_id:
            continue
        names, current = [], relation
        while current is not None:
            names.insert(0, current.name)
            current = by_id.get(current.parent_id)
        paths.append(".".join(names))
    return paths


def _narrowed(fields: Iterable[str], *, decision_fields: tuple[str, ...] | None, profile: Profile,
              source) -> list[str]:
    """The source fields a narrowed grant still allows. A grant names view paths
    (`persoon.naam`), so a source field counts when a relation of the profile that reads the same
    register would release it under such a path."""
    fields = list(fields)
    if decision_fields is None:
        return fields
    prefixes = _relation_paths_for(profile, source)
    allowed = []
    for field_path in fields:
        for prefix in prefixes:
            full = f"{prefix}.{field_path}"
            if any(full == g or full.startswith(g + ".") for g in decision_fields):
                allowed.append(field_path)
                break
    return allowed


# --- a search with a search action ---------------------------------------------------------------
def search_run(
    *,
    profile: Profile,
    action: SearchAction,
    criteria: Any,
    caller: services.Caller,
    purpose_code: str | None,
    trace,
    registry: Registry = default_registry,
) -> SearchResult:
    started = time.monotonic()
    started_at = datetime.now(timezone.utc)
    values = search_criteria_clean(action=action, criteria=criteria)
    kinds = {c["name"]: c["type"] for c in action.criteria}
    subject = _subject_of(values, kinds)
    decision, purpose = _decide(caller=caller, profile=profile, purpose_code=purpose_code, subject=subject)
    record = services._record_base(
        profile=profile, subject=subject, caller=caller, purpose_code=decision.purpose_code,
        purpose=purpose, trace=trace, started_at=started_at, action="search",
    )
    if not decision.allowed:
        _deny(record=record, subject=subject, decision=decision, purpose=purpose, started=started)

    source = action.source
    operation = source_operation(source=source, name=action.operation, registry=registry)
    if operation is None:
        raise SearchInvalid(
            f"Search action {action.name} is misconfigured: its operation is not available.",
            [{"name": "action", "code": "misconfigured", "reason": "unknown operation"}],
        )
    params_by_criterion = action.criterion_params()
    params = {params_by_criterion[name]: value for name, value in values.items()}
    columns = [c for c in action.columns]
    allowed_fields = _narrowed(
        [c["field"] for c in columns], decision_fields=decision.fields, profile=profile, source=source,
    )
    shown = [c for c in columns if c["field"] in allowed_fields]
    identifier = next((c for c in columns if c["name"] == action.identifier_column), None)
    asked = [c["field"] for c in shown] + ([identifier["field"]] if identifier else [])
    context = _context(caller=caller, decision=decision, purpose=purpose, trace=trace,
                       doelbinding=action.brp_doelbinding)
    result = _run_one(
        source=source, operation=operation, params=params, fields=asked, context=context,
        registry=registry, started=started,
    )
    http_status, outcome = _http_status(result)
    items = _items(result, operation)
    truncated = len(items) > action.max_results
    rows = []
    for item in items[: action.max_results]:
        released = select_fields(item, asked) or {}
        row_subject = None
        if identifier is not None:
            raw = value_at(released, identifier["field"])
            if isinstance(raw, (str, int)) and not isinstance(raw, bool):
                try:
                    parsed = subject_parse(subject_type=action.identifier_type, value=str(raw))
                    row_subject = {"type": parsed.type, "value": parsed.value}
                except InvalidSubject:
                    row_subject = None
        rows.append({
            "subject": row_subject,
            "values": {c["name"]: value_at(released, c["field"]) for c in shown},
        })
    sources = _source_status(result, source.name)
    released_names = sorted({
        c["field"] for c in shown for row in rows if row["values"].get(c["name"]) is not None
    } | ({identifier["field"]} if identifier and any(r["subject"] for r in rows) else set()))
    services._record_write(
        subject=_log_subject(subject),
        **record,
        grant_id=decision.grant_id,
        sources={source.name: result.status.value},
        fields_released=released_names if http_status == 200 else [],
        fields_withheld=[c["field"] for c in columns if c not in shown],
        outcome=outcome,
        http_status=http_status,
        duration_ms=round((time.monotonic() - started) * 1000, 1),
    )
    body = {
        "profile": profile.name,
        "action": action.name,
        "purpose": decision.purpose_code,
        "generatedAt": datetime.now(timezone.utc).isoformat(),
        "traceId": trace.trace_id,
        "complete": http_status == 200,
        "columns": [
            {"name": c["name"], "label": c.get("label") or c["name"], "field": c["field"]} for c in shown
        ],
        "rows": rows if http_status == 200 else [],
        "total": len(items),
        "truncated": truncated,
        "sources": sources,
    }
    return SearchResult(http_status=http_status, body=body, sources=sources)


# --- one source operation (the Valtimo front door's /endpoints) ---------------------------------
def source_operation(*, source, name: str, registry: Registry = default_registry) -> Operation | None:
    """The operation `name` of this source, as its connector (in this registry) declares it."""
    if source.connector not in registry:
        return None
    return registry[source.connector].operations_for(source.options or {}).get(name)


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
    caller: services.Caller,
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
            decision, purpose = _decide(caller=caller, profile=profile, purpose_code=None, subject=subject)
        except PurposeMissing:
            continue
        if not decision.allowed:
            denied = denied or (profile, decision, purpose)
            continue
        # A narrowed grant keeps only what one of the profile's relations on this source would
        # release under it (search action columns included).
        narrowed = _narrowed(fields, decision_fields=decision.fields, profile=profile, source=source)
        allowed_fields.extend(f for f in narrowed if f not in allowed_fields)
        chosen = chosen or (profile, decision, purpose)
    endpoint_name = f"{source.connector}/{source.name}/{operation.name}"
    if chosen is None or not allowed_fields:
        profile, decision, purpose = denied or chosen or (
            SimpleNamespace(name=endpoint_name[:100], version=None),
            GrantDecision(allowed=False, purpose_code="", reason="no-grant"),
            None,
        )
        record = services._record_base(
            profile=profile, subject=subject, caller=caller, purpose_code=decision.purpose_code,
            purpose=purpose, trace=trace, started_at=started_at, action="endpoint",
        )
        _deny(record=record, subject=subject, decision=decision, purpose=purpose or profile, started=started,
              detail=f"No grant (for your default purpose) on a profile that uses {endpoint_name}.")

    profile, decision, purpose = chosen
    record = services._record_base(
        profile=profile, subject=subject, caller=caller, purpose_code=decision.purpose_code,
        purpose=purpose, trace=trace, started_at=started_at, action="endpoint",
    )
    context = _context(caller=caller, decision=decision, purpose=purpose, trace=trace)
    result = _run_one(
        source=source, operation=operation, params=params, fields=allowed_fields, context=context,
        registry=registry, started=started,
    )
    http_status, outcome = _http_status(result)
    data = select_fields(result.data, allowed_fields) if result.status is Status.OK else None
    services._record_write(
        subject=_log_subject(subject),
        **record,
        grant_id=decision.grant_id,
        sources={source.name: result.status.value},
        fields_released=released_paths(data) if data else [],
        outcome=outcome,
        http_status=http_status,
        duration_ms=round((time.monotonic() - started) * 1000, 1),
    )
    sources = _source_status(result, source.name)
    detail_call = identifier is not None and not operation.many
    if detail_call:
        body: Any = data if isinstance(data, dict) else {}
    else:
        items = data if isinstance(data, list) else ([data] if isinstance(data, dict) else [])
        body = {"type": operation.name, "results": items, "totalElements": len(items)}
    return SearchResult(http_status=http_status, body=body, sources=sources)


# --- a view through the front door -------------------------------------------------------------
def view_build_default_purpose(*, profile: Profile, subject: Subject, caller: services.Caller, trace,
                               registry: Registry = default_registry) -> services.ViewResult:
    """`services.view_build` for callers that never name a purpose (Valtimo): the default purpose
    of the caller's grant. A caller without any grant on the profile is denied, and the denial is
    logged, like any other refusal; PurposeMissing remains for a caller with grants but no
    single default purpose (a configuration matter for the admin)."""
    try:
        return services.view_build(profile=profile, subject=subject, caller=caller, purpose_code=None,
                                   trace=trace, registry=registry)
    except PurposeMissing:
        if grant_exists(principal=caller.grant_principal, profile=profile):
            raise
    started = time.monotonic()
    decision = GrantDecision(allowed=False, purpose_code="", reason="no-grant")
    record = services._record_base(profile=profile, subject=subject, caller=caller, purpose_code="",
                                   purpose=None, trace=trace, started_at=datetime.now(timezone.utc))
    _deny(record=record, subject=subject, decision=decision, purpose=None, started=started,
          detail=f"No grant to use profile {profile.name}.")
    raise AssertionError("unreachable")  # _deny raises ViewDenied
