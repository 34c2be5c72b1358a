"""Front-door calls by the names a case system knows: source tags, operation aliases, `fields`.

The reference IKO Server's path `/endpoints/{connectorTag}/{instanceTag}/{operation}` names a
source by its tags (`Source.front_door_tags`: by default the connector id and the source's name)
and an operation by its own name or by one of the source's aliases (connectors/aliases.py). This
module turns such a call into an endpoint call (`profiles.services.endpoints.endpoint_call`) of one
of the source's operations, with the operation's parameter names:

- the alias's selector (`type=ZoekMetGeslachtsnaamEnGeboortedatum`) picks the operation; without
  one, the first of the alias's operations whose required parameters the call gives is run;
- the caller's parameter names become the operation's (`burgerservicenummer` -> `bsn`), fixed
  values are added, names mapped to null are dropped;
- the fields the caller lists (`fields=naam,geboorte`) narrow what is asked and released, always
  within what the caller's grant releases (`profiles.definitions.fields.fields_within`): asking
  for more is not an error, it just does not come back;
- a problem with a parameter names it as the caller wrote it (400 problem, `invalidParams`).

Grants, field minimisation, the subject check and the processing record are those of the endpoint
call itself: an alias is a name, never a way around them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from connectors.aliases import OperationAlias
from connectors.base import Operation
from connectors.models import Source, sources_by_tags
from connectors.registry import Registry
from connectors.registry import registry as default_registry
from profiles.access.principals import Caller
from profiles.refusals import InvalidSubject, SearchInvalid
from profiles.services.endpoints import endpoint_call
from profiles.services.source_calls import SearchResult


@dataclass(frozen=True)
class FrontDoorCall:
    """One front-door call in the operation's own terms."""

    operation: Operation
    query: dict[str, list[str]]
    requested_fields: tuple[str, ...] | None = None
    result_transform: str = ""
    # Operation parameter -> the name the caller gave it, for problems the caller can act on.
    names: dict[str, str] = field(default_factory=dict)


def source_for_front_door(*, connector_tag: str, instance_tag: str, organisation_id: int | None) -> Source | None:
    """The organisation's source answering on these tags (never another organisation's)."""
    return (
        sources_by_tags(connector_tag, instance_tag, organisation_id=organisation_id)
        .select_related("service").order_by("name").first()
    )


def front_door_target(*, source: Source, name: str) -> Operation | OperationAlias | None:
    """The source's operation of this name, else its alias of this name, else None."""
    operation = source.operations.get(name)
    if operation is not None:
        return operation
    return source.aliases.filter(name=name).first()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _given(values: list[str]) -> list[str]:
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _runnable(operation: Operation, given: set[str], identifier: str | None, *, strict: bool) -> bool:
    """Whether the call gives what the operation needs (and, `strict`, nothing it does not take)."""
    accepted = {*operation.subject_types, *operation.params}
    if strict and not given <= accepted:
        return False
    if identifier is not None:
        return bool(accepted)
    if given & set(operation.subject_types):
        return True
    required = {p.name for p in operation.parameters if p.required}
    if required:
        return required <= given
    return bool(given & set(operation.params))


def alias_resolve(*, alias: OperationAlias, source: Source, query: Mapping[str, list[str]],
                  identifier: str | None = None) -> FrontDoorCall:
    """The operation and parameters a call of `alias` stands for; SearchInvalid names every
    problem with the caller's own parameter names."""
    offered = source.operations
    problems: list[dict[str, str]] = []
    selected: str | None = None
    selector = alias.selector_param
    if selector and selector in query:
        given = _given(query[selector])
        if len(given) > 1:
            problems.append({"name": selector, "code": "multiple", "reason": f"{selector} takes one value."})
        elif given:
            selected = alias.operation_for(given[0])
            if selected is None or selected not in offered:
                choices = [o for o in alias.operations if o in offered] + sorted(alias.selector_values or {})
                problems.append({"name": selector, "code": "enum",
                                 "reason": f"{selector} must be one of: {', '.join(dict.fromkeys(choices))}."})
                selected = None
    requested: tuple[str, ...] | None = None
    if alias.fields_param and alias.fields_param in query:
        listed = [f.strip() for v in query[alias.fields_param] for f in v.strip().strip("[]").split(",")]
        requested = tuple(dict.fromkeys(f for f in listed if f)) or None
    mapped: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    renames = alias.params or {}
    for key, raw in query.items():
        if key in (selector, alias.fields_param):
            continue
        target = renames.get(key, key)
        if target is None:
            continue  # accepted and not passed on
        if target in mapped:
            if _given(mapped[target]) != _given(raw):
                problems.append({"name": key, "code": "duplicate",
                                 "reason": f"{key} and {names[target]} give the same parameter; give it once."})
            continue
        mapped[target] = list(raw)
        names[target] = key
    for target, value in (alias.fixed_params or {}).items():
        text = _text(value)
        if target in mapped and _given(mapped[target]) not in ([], [text]):
            problems.append({"name": names[target], "code": "fixed",
                             "reason": f"{names[target]} is fixed for {alias.name}; leave it out."})
            continue
        mapped[target] = [text]
        names.setdefault(target, target)
    if problems:
        raise SearchInvalid("The query parameters are invalid; see invalidParams.", problems)
    if selected is None:
        given = {name for name, values in mapped.items() if _given(values)}
        candidates = [offered[o] for o in alias.operations if o in offered]
        if not candidates:
            raise LookupError(alias.name)
        selected = next(
            (o.name for strict in (True, False) for o in candidates if _runnable(o, given, identifier, strict=strict)),
            candidates[0].name,
        )
    return FrontDoorCall(operation=offered[selected], query=mapped, requested_fields=requested,
                         result_transform=(alias.result_transform or "").strip(), names=names)


def _renamed(exc: SearchInvalid, names: Mapping[str, str]) -> SearchInvalid:
    params = [{**p, "name": names.get(p.get("name", ""), p.get("name", ""))} for p in exc.invalid_params]
    return SearchInvalid(str(exc), params)


def endpoint_front_door_call(*, source: Source, name: str, query: Mapping[str, list[str]], identifier: str | None,
                             caller: Caller, trace, registry: Registry = default_registry
                             ) -> tuple[SearchResult, Operation] | None:
    """Run `name` (an operation or an alias of the source) as the front door asked; None when the
    source has neither by that name."""
    target = front_door_target(source=source, name=name)
    if target is None:
        return None
    if isinstance(target, OperationAlias):
        try:
            call = alias_resolve(alias=target, source=source, query=query, identifier=identifier)
        except LookupError:
            return None  # the alias names none of the source's operations any more
    else:
        call = FrontDoorCall(operation=target, query=dict(query))
    try:
        result = endpoint_call(
            source=source, operation_name=call.operation.name, query=call.query, identifier=identifier,
            caller=caller, trace=trace, registry=registry, requested_fields=call.requested_fields,
            result_transform=call.result_transform,
        )
    except SearchInvalid as exc:
        raise _renamed(exc, call.names) from None
    except InvalidSubject as exc:
        given = [t for t in call.operation.subject_types if t in call.query]
        param = call.names.get(given[0], given[0]) if given else "id"
        raise SearchInvalid(str(exc), [{"name": param, "code": "invalid", "reason": str(exc)}]) from None
    return result, call.operation
