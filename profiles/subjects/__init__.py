"""Subject types a view can be asked for, and how their identifiers are validated.

Persons and companies:
- `bsn`: 9 digits that pass the eleven test (elfproef) as the BRP applies it to burgerservicenummers;
- `kvk`: a KVK number, 8 digits (KVK Handelsregister).

Objects (`objects.py`): `adres` (a BAG nummeraanduiding id), `pand`, `verblijfsobject` (BAG ids,
BAG API Individuele Bevragingen 2.6.0), `zaak` (a zaak identificatie, optionally with its
bronorganisatie, or the URL of a zaak under a configured Zaken server; Zaken API 1.5.1) and
`object` (an Objects API 2.x object by URL under a configured Objects API server, or by uuid with
that server named). An address given as postcode and huisnummer is not a subject yet: the view
service resolves it through the profile's BAG search action (profiles/services/subject_resolution.py).

Validation happens before any source is called; an invalid identifier is an `InvalidSubject`
(400 problem+json naming what is wrong). A subject may carry qualifiers beside its value (a zaak's
bronorganisatie, the URL form of a zaak or object); profiles read them as `$subject.<name>`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from django.utils.translation import gettext_lazy as _

from profiles.refusals import InvalidSubject


def is_elfproef(value: str) -> bool:
    """9 digits passing the eleven test, as BSN and RSIN use it."""
    if len(value) != 9 or not value.isascii() or not value.isdigit() or value == "000000000":
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:8], range(9, 1, -1)))
    return (total - int(value[8])) % 11 == 0


def is_valid_bsn(value: str) -> bool:
    return is_elfproef(value)


Qualifiers = tuple[tuple[str, str], ...]


def _validate_bsn(value: str, qualifiers: Mapping[str, str]) -> tuple[str, Qualifiers]:
    if not is_valid_bsn(value):
        raise InvalidSubject("A BSN is 9 digits that pass the eleven test (elfproef).")
    return value, ()


def _validate_kvk(value: str, qualifiers: Mapping[str, str]) -> tuple[str, Qualifiers]:
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise InvalidSubject("A KVK number is 8 digits.")
    return value, ()


@dataclass(frozen=True)
class SubjectType:
    code: str
    label: Any  # a lazily translated text (the admin shows it in its language; the API in English)
    # (value, qualifiers) -> (canonical value, qualifiers kept); raises InvalidSubject.
    validate: Callable[[str, Mapping[str, str]], tuple[str, Qualifiers]]
    # Qualifiers a caller may give beside the value (a zaak's bronorganisatie).
    qualifiers: tuple[str, ...] = ()
    # Persons and companies; objects are not (no self-service, no consent; lookup alerts count all).
    person: bool = False


# Imported here, after SubjectType and the helpers it uses: objects.py builds on them.
from .objects import OBJECT_SUBJECT_TYPES  # noqa: E402

SUBJECT_TYPES: dict[str, SubjectType] = {
    "bsn": SubjectType("bsn", _("Person (BSN)"), _validate_bsn, person=True),
    "kvk": SubjectType("kvk", _("Company (KVK number)"), _validate_kvk, person=True),
    **{kind.code: kind for kind in OBJECT_SUBJECT_TYPES},
}
SUBJECT_TYPE_CHOICES = [(t.code, t.label) for t in SUBJECT_TYPES.values()]
# Persons and companies only: the subjects that log in themselves and give consent.
PERSON_SUBJECT_TYPE_CHOICES = [(t.code, t.label) for t in SUBJECT_TYPES.values() if t.person]
# The longest subject type code, for the model fields that store one.
SUBJECT_TYPE_MAX_LENGTH = 20


@dataclass(frozen=True)
class Subject:
    type: str
    value: str
    # Sorted (name, value) pairs beside the value: a zaak's bronorganisatie or identificatie, the
    # URL of a zaak or object. Part of what the subject is (two zaken with one identificatie at
    # two bronorganisaties are two subjects), never of its pseudonym's input (the value is).
    qualifiers: Qualifiers = ()

    def attributes(self) -> dict[str, Any]:
        """The subject as expressions see it (`$subject`): type, value, the value under its type's
        name (`$subject.bsn`) and the qualifiers (`$subject.bronorganisatie`)."""
        return {"type": self.type, "value": self.value, self.type: self.value, **dict(self.qualifiers)}


def subject_parse(*, subject_type: str, value: str, qualifiers: Mapping[str, Any] | None = None) -> Subject:
    try:
        kind = SUBJECT_TYPES[subject_type]
    except KeyError:
        raise InvalidSubject(
            f"Unknown subject type {subject_type!r}; use one of: {', '.join(SUBJECT_TYPES)}."
        ) from None
    given = {name: v for name, v in (qualifiers or {}).items() if v not in (None, "")}
    unknown = sorted(set(given) - set(kind.qualifiers))
    if unknown:
        allowed = f"; it takes {', '.join(kind.qualifiers)}" if kind.qualifiers else ""
        raise InvalidSubject(f"A {subject_type} subject takes no {', '.join(unknown)}{allowed}.", param=unknown[0])
    if any(not isinstance(v, str) for v in given.values()):
        raise InvalidSubject(f"The qualifiers of a {subject_type} subject are texts.", param=sorted(given)[0])
    canonical, kept = kind.validate(value.strip(), {name: v.strip() for name, v in given.items()})
    return Subject(kind.code, canonical, tuple(sorted(kept)))
