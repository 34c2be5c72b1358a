"""Search: find the subject before opening its view, with a profile's search actions.

docs/developer/architecture.md. A search action (`profiles.definitions.models.SearchAction`)
names typed criteria, one source operation (BRP `ZoekMet...`, KVK Zoeken, BAG by postcode and
huisnummer, ...), the columns of a row and the column that identifies the subject. A search runs
like a view: the purpose (or the caller's default purpose) and a grant on the profile are
required (deny by default, a denial is logged), the source is asked for the column fields only,
and every search leaves one processing record (`action="search"`). Its subject is the BSN or KVK
number searched for, as a keyed pseudonym; a search by other criteria (a name, an address) is
recorded as subject type "search" with a keyed pseudonym of the criteria, so the log never holds
them in plain text either.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date, datetime, timezone
from typing import Any, Mapping

from connectors import telemetry
from connectors.params import params_validate
from connectors.registry import Registry
from connectors.registry import registry as default_registry
from profiles.access.context import call_context_build
from profiles.access.grants import grant_fields_union
from profiles.access.principals import Caller
from profiles.definitions.fields import select_fields
from profiles.definitions.models import Profile, SearchAction
from profiles.processing_log.records import (
    elapsed_ms,
    processing_record_base,
    processing_record_deny,
    processing_record_subject,
)
from profiles.processing_log.sinks import processing_record_complete, processing_record_open
from profiles.refusals import InvalidSubject, SearchInvalid
from profiles.services.source_calls import (
    SearchResult,
    caller_decision,
    result_items,
    source_call_run,
    source_fields_narrowed,
    source_http_status,
    source_operation,
    source_status,
    value_at,
)
from profiles.subjects import SUBJECT_TYPES, Subject, is_valid_bsn, subject_parse

DEFAULT_MAX_LENGTH = 200
POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Za-z]{2})$")


# --- describing ---------------------------------------------------------------------------------
def search_actions_of(*, profile: Profile) -> list[SearchAction]:
    return list(profile.search_actions.select_related("source").all())


def search_action_get(*, profile: Profile, name: str) -> SearchAction | None:
    return profile.search_actions.select_related("source", "source__service").filter(name=name).first()


def search_actions_describe(*, profile: Profile, principal) -> list[dict[str, Any]]:
    """The profile's search actions as this principal may use them: a narrowed grant sees only
    the columns its fields release, as its searches answer (`search_run`)."""
    fields = grant_fields_union(principal=principal, profile=profile)
    described = []
    for action in search_actions_of(profile=profile):
        allowed = source_fields_narrowed([c["field"] for c in action.columns], decision_fields=fields,
                                         profile=profile, source=action.source)
        described.append(search_action_describe(action, columns=[c for c in action.columns if c["field"] in allowed]))
    return described


def search_action_describe(action: SearchAction, *, columns: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What a client needs to build the search form and the result table (`columns`: the ones
    the caller may see; all by default)."""
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
            for c in (action.columns if columns is None else columns)
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


# --- a search with a search action ---------------------------------------------------------------
@telemetry.traced("iko.search")
def search_run(
    *,
    profile: Profile,
    action: SearchAction,
    criteria: Any,
    caller: Caller,
    purpose_code: str | None,
    trace,
    registry: Registry = default_registry,
    fixed_params: Mapping[str, Any] | None = None,
) -> SearchResult:
    """`fixed_params`: operation parameters a service adds beside the caller's criteria (the
    subject resolution's `exacteMatch`), never from the request."""
    started = time.monotonic()
    started_at = datetime.now(timezone.utc)
    values = search_criteria_clean(action=action, criteria=criteria)
    operation = source_operation(source=action.source, name=action.operation, registry=registry)
    if operation is None:
        raise SearchInvalid(
            f"Search action {action.name} is misconfigured: its operation is not available.",
            [{"name": "action", "code": "misconfigured", "reason": "unknown operation"}],
        )
    params_by_criterion = action.criterion_params()
    params = {**(fixed_params or {}), **{params_by_criterion[name]: value for name, value in values.items()}}
    # Then the operation's own parameter schema, before the grant and before any call: a value the
    # source would refuse is the caller's mistake (400 naming the criterion), never a 502.
    criterion_of = {param: name for name, param in params_by_criterion.items()}
    problems = params_validate(operation=operation, params=params)
    if problems:
        raise SearchInvalid("The search criteria are invalid; see invalidParams.", [
            _invalid(criterion_of.get(p.name, p.name), p.code, p.reason.replace(p.name, criterion_of.get(p.name, p.name)))
            for p in problems
        ])
    kinds = {c["name"]: c["type"] for c in action.criteria}
    subject = _subject_of(values, kinds)
    decision, purpose = caller_decision(caller=caller, profile=profile, purpose_code=purpose_code, subject=subject)
    record = processing_record_base(
        profile=profile, subject=subject, caller=caller, purpose_code=decision.purpose_code,
        purpose=purpose, trace=trace, started_at=started_at, action="search",
    )
    if not decision.allowed:
        raise processing_record_deny(
            record=record, subject=subject, decision=decision, purpose=purpose, started=started
        )

    source = action.source
    columns = [c for c in action.columns]
    allowed_fields = source_fields_narrowed(
        [c["field"] for c in columns], decision_fields=decision.fields, profile=profile, source=source,
    )
    shown = [c for c in columns if c["field"] in allowed_fields]
    identifier = next((c for c in columns if c["name"] == action.identifier_column), None)
    asked = [c["field"] for c in shown] + ([identifier["field"]] if identifier else [])
    context = call_context_build(caller=caller, purpose_code=decision.purpose_code, purpose=purpose, trace=trace,
                                 doelbinding=action.brp_doelbinding, decision=decision)
    # Fail closed, before the source is asked: without a record, no source provides anything.
    opened = processing_record_open(
        subject=processing_record_subject(subject),
        fields={**record, "grant_id": decision.grant_id, "sources": {source.name: "pending"}},
    )
    result = source_call_run(
        source=source, operation=operation, params=params, fields=asked, context=context,
        registry=registry, started=started,
    )
    http_status, outcome = source_http_status(result)
    items = result_items(result, operation)
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
    sources = source_status(result, source.name)
    released_names = sorted({
        c["field"] for c in shown for row in rows if row["values"].get(c["name"]) is not None
    } | ({identifier["field"]} if identifier and any(r["subject"] for r in rows) else set()))
    processing_record_complete(
        opened,
        fields={
            "grant_id": decision.grant_id,
            "sources": {source.name: result.status.value},
            "fields_released": released_names if http_status == 200 else [],
            "fields_withheld": [c["field"] for c in columns if c not in shown],
            "outcome": outcome,
            "http_status": http_status,
            "duration_ms": elapsed_ms(started),
        },
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
