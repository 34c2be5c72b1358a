"""Subject types a view can be asked for, and how their identifiers are validated.

BSN: 9 digits that pass the eleven test (elfproef) as the BRP applies it to burgerservicenummers;
KVK number: 8 digits (KVK Handelsregister). Validation happens before any source is called.
"""

from __future__ import annotations

from dataclasses import dataclass

from profiles.refusals import InvalidSubject


def is_valid_bsn(value: str) -> bool:
    if len(value) != 9 or not value.isascii() or not value.isdigit() or value == "000000000":
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:8], range(9, 1, -1)))
    return (total - int(value[8])) % 11 == 0


def _validate_bsn(value: str) -> str:
    if not is_valid_bsn(value):
        raise InvalidSubject("A BSN is 9 digits that pass the eleven test (elfproef).")
    return value


def _validate_kvk(value: str) -> str:
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise InvalidSubject("A KVK number is 8 digits.")
    return value


@dataclass(frozen=True)
class SubjectType:
    code: str
    label: str
    validate: callable


SUBJECT_TYPES: dict[str, SubjectType] = {
    "bsn": SubjectType("bsn", "Person (BSN)", _validate_bsn),
    "kvk": SubjectType("kvk", "Company (KVK number)", _validate_kvk),
}
SUBJECT_TYPE_CHOICES = [(t.code, t.label) for t in SUBJECT_TYPES.values()]


@dataclass(frozen=True)
class Subject:
    type: str
    value: str


def subject_parse(*, subject_type: str, value: str) -> Subject:
    try:
        kind = SUBJECT_TYPES[subject_type]
    except KeyError:
        raise InvalidSubject(
            f"Unknown subject type {subject_type!r}; use one of: {', '.join(SUBJECT_TYPES)}."
        ) from None
    return Subject(kind.code, kind.validate(value.strip()))
