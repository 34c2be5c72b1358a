"""The options of a generic JSON/REST source: its operations, list caps and connection check.

An admin defines the operations per source, as JSON (see the plugin's docstring for an example).
`GenericOptions.parse` (and `parse_options`) checks everything at once and raises one
`ValidationError` that lists every problem with the key it concerns, e.g.
``operations.inkomens.path: ...``. The plugin parses again at call time (options can change
behind the admin's back), but only the one operation it runs.

Every operation is keyed on a subject (`subject_types`), so it must say where each answer (or
each item of a list) carries the subject's identifier: `subject_pointer`. Items without it are
dropped. A source that cannot be checked that way (its answers hold no identifier) may be marked
`"ownership": "unchecked"` instead: the admin shows that, and every result of the operation then
carries a warning that its data could not be checked to belong to the subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from django.core.exceptions import ValidationError

from ...base import Operation
from ...options import Custom, Integer, OptionInvalid, Options
from .pointers import parse_pointer
from .templates import Template, parse_path, parse_template

# Subject types the profiles know (profiles/subjects.py); a subject arrives as this parameter.
SUBJECT_TYPES = ("bsn", "kvk")
DEFAULT_MAX_ITEMS = 200
DEFAULT_MAX_PAGES = 10
LIMITS = {"max_items": (1, 10_000), "max_pages": (1, 100)}
# A source that refuses IKO or rate limits it is failing, not saying "no data": never not_found.
NOT_FOUND_REFUSED = {401, 403, 407, 429}
OPERATION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,99}")
PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
FIELD_PATH = re.compile(r"[^\s.]+(\.[^\s.]+)*")
OPERATION_KEYS = (
    "description", "path", "query", "subject_types", "params", "fields", "many",
    "items_pointer", "subject_pointer", "next_pointer", "not_found_statuses", "ownership",
)
CHECKED, UNCHECKED = "checked", "unchecked"
UNCHECKED_WARNING = (
    "This source is configured as not checkable (ownership: unchecked): IKO could not check that "
    "this data belongs to the subject."
)


@dataclass(frozen=True)
class OperationSpec:
    """One configured operation: how to build the GET and how to read its answer."""

    name: str
    description: str
    path: Template
    query: tuple[tuple[str, Template], ...]
    subject_type: str
    params: tuple[str, ...]
    fields: tuple[str, ...]
    many: bool
    items_pointer: tuple[str, ...] | None
    subject_pointer: tuple[str, ...] | None
    next_pointer: tuple[str, ...] | None
    not_found_statuses: frozenset[int]
    cleaned: dict[str, Any]
    # True when marked "ownership": "unchecked": nothing checks that answers are the subject's.
    unchecked: bool = False

    @property
    def placeholders(self) -> tuple[str, ...]:
        names = list(self.path.names)
        for _, template in self.query:
            names.extend(template.names)
        return tuple(dict.fromkeys(names))

    def as_operation(self) -> Operation:
        return Operation(
            name=self.name,
            description=self.description,
            subject_types=(self.subject_type,),
            fields=self.fields,
            params=self.params,
            many=self.many,
            unchecked=UNCHECKED_WARNING if self.unchecked else "",
        )


class _Errors:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.messages.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def _operations(raw: Any) -> dict[str, OperationSpec]:
    if not isinstance(raw, Mapping) or not raw:
        raise OptionInvalid("required")
    operations: dict[str, OperationSpec] = {}
    messages: list[str] = []
    for name, operation in raw.items():
        try:
            operations[name] = parse_operation(name, operation)
        except ValidationError as exc:
            messages.extend(exc.messages)
    if messages:
        raise OptionInvalid(messages=messages)
    return operations


def _check_path(raw: Any) -> str:
    try:
        template = parse_path(raw)
    except ValueError as exc:
        raise ValueError(f"check_path: {exc}") from None
    if template.names:
        raise ValueError("check_path: may not contain placeholders: the check asks for no personal data")
    return template.source


class GenericOptions(Options):
    """A generic source's options; `operations` holds the parsed `OperationSpec`s."""

    messages = {
        "object": 'Options must be a JSON object such as {{"operations": {{"inkomens": {{...}}}}}}.',
        "unknown": "options: unknown keys {unknown_list}; allowed: {known_list}",
        "integer": "{name}: must be a whole number from {minimum} to {maximum} (default {default})",
        "range": "{name}: must be a whole number from {minimum} to {maximum} (default {default})",
    }
    max_items = Integer(default=DEFAULT_MAX_ITEMS, minimum=LIMITS["max_items"][0], maximum=LIMITS["max_items"][1])
    max_pages = Integer(default=DEFAULT_MAX_PAGES, minimum=LIMITS["max_pages"][0], maximum=LIMITS["max_pages"][1])
    check_path = Custom(default="", clean=_check_path)
    operations = Custom(required=True, clean=_operations, messages={"required": (
        'operations: give at least one operation, as {{"<name>": {{"path": ..., "subject_types": '
        '["bsn"], "fields": [...]}}}}'
    )})

    def as_dict(self) -> dict[str, Any]:
        stored = super().as_dict()
        stored["operations"] = {name: spec.cleaned for name, spec in self.operations.items()}
        return stored

    @property
    def cleaned(self) -> dict[str, Any]:
        return self.as_dict()


def parse_options(options: Mapping[str, Any] | None) -> GenericOptions:
    """The parsed options; ValidationError listing every problem."""
    if options is None:
        raise ValidationError([GenericOptions.message(None, "object")])
    return GenericOptions.parse(options)  # type: ignore[return-value]


def parse_operation(name: Any, raw: Any) -> OperationSpec:
    """Parse one operation's options; ValidationError listing every problem."""
    where = f"operations.{name}"
    errors = _Errors()
    if not isinstance(name, str) or not OPERATION_NAME.fullmatch(name):
        errors.add(where, "an operation name starts with a letter and has at most 100 letters, digits, - or _")
    if not isinstance(raw, Mapping):
        errors.add(where, 'must be an object such as {"path": "inkomens", "subject_types": ["bsn"], ...}')
        errors.raise_if_any()
    unknown = [key for key in raw if key not in OPERATION_KEYS]
    if unknown:
        errors.add(where, f"unknown keys {unknown}; allowed: {list(OPERATION_KEYS)}")

    path = parse_template("")
    if "path" not in raw:
        errors.add(f"{where}.path", 'required: a path relative to the API root, e.g. "personen/{bsn}/uitkeringen"')
    else:
        try:
            path = parse_path(raw["path"])
        except ValueError as exc:
            errors.add(f"{where}.path", str(exc))

    query: list[tuple[str, Template]] = []
    raw_query = raw.get("query", {})
    if not isinstance(raw_query, Mapping):
        errors.add(f"{where}.query", 'must be an object of parameter -> template, e.g. {"bsn": "{bsn}"}')
        raw_query = {}
    for key, value in raw_query.items():
        if not isinstance(key, str) or not key or "{" in key or "}" in key:
            errors.add(f"{where}.query", f"{key!r} is not a query parameter name (plain text, no placeholders)")
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        try:
            query.append((key, parse_template(value)))
        except ValueError as exc:
            errors.add(f"{where}.query.{key}", str(exc))

    subject_type = ""
    raw_types = raw.get("subject_types")
    if (
        not isinstance(raw_types, list)
        or len(raw_types) != 1
        or raw_types[0] not in SUBJECT_TYPES
    ):
        errors.add(
            f"{where}.subject_types",
            f'give exactly one of {list(SUBJECT_TYPES)}, as ["bsn"] or ["kvk"]; define a second '
            "operation for the other",
        )
    else:
        subject_type = raw_types[0]

    params = _names(raw.get("params", []), f"{where}.params", errors)
    for param in params:
        if param in SUBJECT_TYPES:
            errors.add(f"{where}.params", f"{param!r} is a subject type; list it in subject_types")
    fields = _fields(raw.get("fields"), f"{where}.fields", errors)

    many = raw.get("many", False)
    if not isinstance(many, bool):
        errors.add(f"{where}.many", "must be true (the answer is a list) or false")
        many = False
    pointers = {}
    for key in ("items_pointer", "subject_pointer", "next_pointer"):
        pointers[key] = None
        if raw.get(key) is None:
            continue
        if key != "subject_pointer" and not many:
            errors.add(f"{where}.{key}", 'only applies to a list operation ("many": true)')
            continue
        try:
            pointers[key] = parse_pointer(raw[key])
        except ValueError as exc:
            errors.add(f"{where}.{key}", str(exc))
            continue
        if key in ("subject_pointer", "next_pointer") and not pointers[key]:
            errors.add(f"{where}.{key}", 'must point inside the answer, e.g. "/bsn"')

    not_found = _statuses(raw.get("not_found_statuses", [404]), f"{where}.not_found_statuses", errors)

    ownership = raw.get("ownership", CHECKED)
    if ownership not in (CHECKED, UNCHECKED):
        errors.add(f"{where}.ownership", f'must be "{CHECKED}" (the default) or "{UNCHECKED}"')
    elif ownership == UNCHECKED and pointers["subject_pointer"] is not None:
        errors.add(f"{where}.ownership", '"unchecked" contradicts the subject_pointer that checks each answer; give one of them')

    placeholders = list(path.names) + [n for _, t in query for n in t.names]
    declared = set(params) | ({subject_type} if subject_type else set())
    undeclared = sorted({n for n in placeholders if n not in declared})
    # Which placeholders are missing is only known once the templates themselves are valid.
    templates_ok = not any(m.startswith((f"{where}.path", f"{where}.query")) for m in errors.messages)
    if undeclared and subject_type and templates_ok:
        errors.add(
            where,
            f"placeholders {undeclared} are neither the subject type {subject_type!r} nor "
            'declared in "params"',
        )
    unused = [n for n in ([subject_type] if subject_type else []) + list(params) if n not in placeholders]
    if unused and templates_ok:
        # A subject that is not in the request would make the source answer about everyone.
        errors.add(where, f"{unused} must appear as a placeholder in the path or the query, e.g. {{{unused[0]}}}")

    description = raw.get("description", "")
    if not isinstance(description, str) or len(description) > 200:
        errors.add(f"{where}.description", "must be text of at most 200 characters")
        description = ""
    if not errors.messages and pointers["subject_pointer"] is None and ownership != UNCHECKED:
        # Asked once the rest is right: where the subject sits depends on the answer's shape.
        errors.add(
            f"{where}.subject_pointer",
            "required: the JSON Pointer to the subject's identifier in the answer (in each item of a "
            'list), e.g. "/bsn", so that IKO drops what is about someone else. For a source whose '
            'answers carry no identifier, set "ownership": "unchecked" instead: every view that uses '
            "it then warns that its data could not be checked",
        )
    errors.raise_if_any()

    cleaned = {
        "description": description,
        "path": path.source,
        "query": {key: template.source for key, template in query},
        "subject_types": [subject_type],
        "params": list(params),
        "fields": list(fields),
        "many": many,
        "items_pointer": raw.get("items_pointer"),
        "subject_pointer": raw.get("subject_pointer"),
        "next_pointer": raw.get("next_pointer"),
        "not_found_statuses": sorted(not_found),
    }
    if ownership == UNCHECKED:
        cleaned["ownership"] = UNCHECKED
    return OperationSpec(
        name=name,
        description=description or f"GET {path.source}" + (" (list)" if many else ""),
        path=path,
        query=tuple(query),
        subject_type=subject_type,
        params=params,
        fields=fields,
        many=many,
        items_pointer=pointers["items_pointer"],
        subject_pointer=pointers["subject_pointer"],
        next_pointer=pointers["next_pointer"],
        not_found_statuses=frozenset(not_found),
        cleaned=cleaned,
        unchecked=ownership == UNCHECKED,
    )


def _names(value: Any, where: str, errors: _Errors) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and PARAM_NAME.fullmatch(v) for v in value):
        errors.add(where, 'must be a list of parameter names (letters, digits, _), e.g. ["jaar"]')
        return ()
    if len(set(value)) != len(value):
        errors.add(where, "lists a name twice")
    return tuple(dict.fromkeys(value))


def _fields(value: Any, where: str, errors: _Errors) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        errors.add(where, 'required: the list of dot paths the operation delivers, e.g. ["jaar", "bedrag"]')
        return ()
    bad = [v for v in value if not isinstance(v, str) or not FIELD_PATH.fullmatch(v)]
    if bad:
        errors.add(where, f"{bad} are not dot paths such as \"bedrag\" or \"adres.postcode\"")
    if len(set(map(str, value))) != len(value):
        errors.add(where, "lists a field twice")
    return tuple(dict.fromkeys(v for v in value if isinstance(v, str)))


def _statuses(value: Any, where: str, errors: _Errors) -> set[int]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 400 <= v <= 499 for v in value
    ):
        errors.add(where, "must be a list of HTTP status codes from 400 to 499, e.g. [404]")
        return {404}
    refused = sorted(NOT_FOUND_REFUSED.intersection(value))
    if refused:
        errors.add(where, f"{refused} mean IKO was refused or throttled, which must show as an error")
    return set(value)
