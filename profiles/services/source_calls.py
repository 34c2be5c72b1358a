"""One source operation called on behalf of a use case: the steps a search and an endpoint call
share (find the operation, run one call on the shared pool, report its status, narrow the fields
a grant allows, read values out of the items).

A view calls many operations through the engine (profiles/engine); a search or an endpoint call
makes exactly one call, through `source_call_run`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from django.conf import settings

from connectors.base import CallContext, ConnectorRequest, ConnectorResult, Operation, Status
from connectors.breaker import get_breaker
from connectors.registry import Registry
from connectors.registry import registry as default_registry
from connectors.runner import SourceCall, run_calls
from profiles.access.grants import GrantDecision, grant_decide, purpose_get
from profiles.access.principals import Caller
from profiles.definitions.models import Profile
from profiles.subjects import Subject

FAILED = (Status.ERROR, Status.TIMEOUT, Status.SKIPPED)


@dataclass
class SearchResult:
    http_status: int
    body: dict[str, Any]
    # The endpoint call's answer for Valtimo: the source's (minimised) JSON.
    sources: dict[str, Any] = field(default_factory=dict)


def caller_decision(*, caller: Caller, profile: Profile, purpose_code: str | None,
                    subject: Subject) -> tuple[GrantDecision, Any]:
    """The grant decision for this caller, profile and purpose (`grant_decide`), and the purpose."""
    decision = grant_decide(principal=caller.grant_principal, profile=profile, purpose_code=purpose_code,
                            subject=subject)
    return decision, decision.purpose or purpose_get(code=decision.purpose_code, organisation_id=profile.organisation_id)


def source_operation(*, source, name: str, registry: Registry = default_registry) -> Operation | None:
    """The operation `name` of this source, as its connector (in this registry) declares it."""
    if source.connector not in registry:
        return None
    return registry[source.connector].operations_for(source.options or {}).get(name)


def source_status(result: ConnectorResult, source_name: str) -> dict[str, Any]:
    return {
        source_name: {
            "status": result.status.value,
            "durationMs": result.duration_ms,
            "retrievedAt": result.retrieved_at.isoformat() if result.retrieved_at else None,
            "detail": result.detail,
            "calls": 1,
            "warnings": list(result.warnings),
        }
    }


def source_http_status(result: ConnectorResult) -> tuple[int, str]:
    if result.status in FAILED:
        return (504 if result.status is Status.TIMEOUT else 502), "failed"
    return 200, "complete"


def source_call_run(*, source, operation: Operation, params: dict[str, Any], fields: Iterable[str],
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


def result_items(result: ConnectorResult, operation: Operation) -> list[Any]:
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


def source_fields_narrowed(fields: Iterable[str], *, decision_fields: tuple[str, ...] | None, profile: Profile,
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
