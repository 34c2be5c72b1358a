"""The subject of a request, as the caller gives it: an identifier, or an address by postcode and
huisnummer that is resolved to its BAG nummeraanduiding first.

Spec: BAG API Individuele Bevragingen 2.6.0 (`bevraagAdressen` with `exacteMatch`), through the
profile's own search action on its BAG source (a search action with identifier type `adres`
whose criteria fill `postcode` and `huisnummer`). So the resolution is a search like any other: it
needs a grant on the profile, leaves its own processing record (subject type "search", the
criteria as a keyed pseudonym) and asks the BAG only for the search action's columns. Then:

- the address exactly as given (with `exacteMatch`: no huisletter or toevoeging when none was
  given): its nummeraanduiding id is the subject (validated like one given directly);
- no exact match: a second search without `exacteMatch`, which also finds the addresses with a
  huisletter or toevoeging the caller left out (31A, 31-2). Any found: 400 (`AmbiguousSubject`)
  listing them as the search's rows, each with the subject that opens its view; IKO never picks
  one, not even the only one. None: 404 (`SubjectNotFound`).

Everything else (a BSN, a zaak, a BAG id) is validated by `profiles.subjects.subject_parse`
before anything is sent.
"""

from __future__ import annotations

from typing import Any, Mapping

from profiles.access.principals import Caller
from profiles.definitions.models import Profile, SearchAction
from profiles.refusals import AmbiguousSubject, InvalidSubject, SearchInvalid, SubjectNotFound, SubjectUnresolved
from profiles.services.search import search_actions_of, search_run
from profiles.services.source_calls import source_operation
from profiles.subjects import Subject, subject_parse

ADDRESS_PARTS = ("postcode", "huisnummer", "huisletter", "huisnummertoevoeging")
QUALIFIERS = ("bronorganisatie", "server")


def subject_from_request(*, profile: Profile, given: Mapping[str, Any], caller: Caller, purpose_code: str | None,
                         trace) -> Subject:
    """The subject of a view request's `subject` object (type, value, qualifiers or address parts)."""
    parts = {name: given[name] for name in ADDRESS_PARTS if given.get(name) not in (None, "")}
    qualifiers = {name: given[name] for name in QUALIFIERS if name in given}
    if parts and (given.get("type") != "adres" or "value" in given):
        raise InvalidSubject(
            "Postcode and huisnummer name an adres subject given without a value.", param=next(iter(parts))
        )
    if not parts:
        return subject_parse(subject_type=given["type"], value=given.get("value", ""), qualifiers=qualifiers)
    if qualifiers:
        raise InvalidSubject("An address takes no bronorganisatie or server.", param=next(iter(qualifiers)))
    return address_resolve(profile=profile, parts=parts, caller=caller, purpose_code=purpose_code, trace=trace)


def address_search_action(profile: Profile) -> SearchAction | None:
    """The profile's first search action that finds addresses (identifier type `adres`) by
    postcode and huisnummer, with an operation that can leave out the exact match (the BAG's
    `adres_zoeken`)."""
    for action in search_actions_of(profile=profile):
        params = set(action.criterion_params().values())
        operation = source_operation(source=action.source, name=action.operation)
        if (action.identifier_type == "adres" and {"postcode", "huisnummer"} <= params
                and operation is not None and "exacteMatch" in operation.params):
            return action
    return None


def address_resolve(*, profile: Profile, parts: Mapping[str, Any], caller: Caller, purpose_code: str | None,
                    trace) -> Subject:
    if "postcode" not in parts or "huisnummer" not in parts:
        missing = "postcode" if "postcode" not in parts else "huisnummer"
        raise InvalidSubject("An address without a value needs both postcode and huisnummer.", param=missing)
    action = address_search_action(profile)
    if action is None:
        raise InvalidSubject(
            f"Profile {profile.name} has no search action that finds an address by postcode and huisnummer: "
            "give the address's nummeraanduiding identificatie as value."
        )
    criterion_of = {param: name for name, param in action.criterion_params().items()}
    unknown = [name for name in parts if name not in criterion_of]
    if unknown:
        raise InvalidSubject(f"The address search of profile {profile.name} takes no {unknown[0]}.", param=unknown[0])
    criteria = {criterion_of[name]: value for name, value in parts.items()}
    exact = _search(action, profile=profile, criteria=criteria, caller=caller, purpose_code=purpose_code,
                    trace=trace, exact=True)
    if len({row["subject"]["value"] for row in exact["rows"]}) == 1:
        return subject_parse(subject_type="adres", value=exact["rows"][0]["subject"]["value"])
    found = exact if exact["rows"] else _search(
        action, profile=profile, criteria=criteria, caller=caller, purpose_code=purpose_code, trace=trace, exact=False,
    )
    if not found["rows"]:
        raise SubjectNotFound("There is no address with this postcode and huisnummer.")
    raise AmbiguousSubject(
        f"This postcode and huisnummer do not name one address exactly; {len(found['rows'])} address(es) come "
        "close (choices). Give one's nummeraanduiding identificatie as value, or add its huisletter or "
        "huisnummertoevoeging.",
        choices=found["rows"], columns=found["columns"],
    )


def _search(action: SearchAction, *, profile: Profile, criteria: dict[str, Any], caller: Caller,
            purpose_code: str | None, trace, exact: bool) -> dict[str, Any]:
    """The search's answer, with only the rows that open a view."""
    try:
        result = search_run(
            profile=profile, action=action, criteria=criteria, caller=caller, purpose_code=purpose_code, trace=trace,
            fixed_params={"exacteMatch": exact},
        )
    except SearchInvalid as exc:
        # The criteria are the subject's parts: name them as the caller gave them.
        first = exc.invalid_params[0] if exc.invalid_params else {}
        name = str(first.get("name", "")).removeprefix("criteria.")
        param = action.criterion_params().get(name, name) or None
        reason = str(first.get("reason") or exc)
        if param and not reason.startswith(param):
            reason = f"The {param} {reason}"
        raise InvalidSubject(reason, param=param) from None
    if result.http_status != 200:
        raise SubjectUnresolved(
            f"The address could not be resolved: source {action.source.name} gave no answer."
        )
    return {"rows": [row for row in result.body["rows"] if row.get("subject")], "columns": result.body["columns"]}
