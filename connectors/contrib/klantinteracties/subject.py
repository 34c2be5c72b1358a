"""Who a call is about, and whether an item Open Klant returned belongs to them.

Spec: tests/specs/klantinteracties/openapi.yaml (Klantinteracties API 0.9.0). Open Klant
ignores query parameters it does not know and then answers with every record, and its four
`partijIdentificator__*` filters each match *any* identificator of a partij, not one and the same.
So every partij is kept only if one single `partijIdentificator` carries the subject's exact codes
and objectId, and every klantcontact or digitaal adres only if it links to such a partij.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ...base import ConnectorError

# The identificator codes of a subject type (Open Klant's code lists, see the spec's
# CodeObjecttypeEnum, CodeSoortObjectIdEnum and CodeRegisterEnum).
CODES = {
    "bsn": {"codeObjecttype": "natuurlijk_persoon", "codeSoortObjectId": "bsn", "codeRegister": "brp"},
    "kvk": {"codeObjecttype": "niet_natuurlijk_persoon", "codeSoortObjectId": "kvk_nummer", "codeRegister": "hr"},
}
LABELS = {"bsn": "BSN", "kvk": "KVK number"}
PATTERNS = {"bsn": re.compile(r"[0-9]{9}"), "kvk": re.compile(r"[0-9]{8}")}


@dataclass(frozen=True)
class Subject:
    kind: str
    value: str

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def codes(self) -> dict[str, str]:
        return CODES[self.kind]

    def filters(self, prefix: str) -> dict[str, str]:
        """The four identificator filters, e.g. with prefix `partijIdentificator__`."""
        params = {f"{prefix}{name}": value for name, value in self.codes.items()}
        params[f"{prefix}objectId"] = self.value
        return params

    def identifies(self, partij: Any) -> bool:
        """True if one identificator of `partij` carries exactly this subject."""
        if not isinstance(partij, Mapping):
            return False
        expected = dict(self.codes, objectId=self.value)
        for entry in partij.get("partijIdentificatoren") or ():
            identificator = entry.get("partijIdentificator") if isinstance(entry, Mapping) else None
            if isinstance(identificator, Mapping) and all(
                identificator.get(key) == value for key, value in expected.items()
            ):
                return True
        return False


def subject_from_params(params: Mapping[str, Any]) -> Subject:
    kinds = [kind for kind in CODES if params.get(kind) not in (None, "")]
    if len(kinds) != 1:
        raise ConnectorError("Open Klant is asked about one BSN or one KVK number; got neither or both.")
    kind = kinds[0]
    value = str(params[kind])
    if not PATTERNS[kind].fullmatch(value):
        raise ConnectorError(f"That is not a valid {LABELS[kind]}; Open Klant was not called.")
    return Subject(kind, value)


@dataclass(frozen=True)
class PartijRefs:
    """The uuids and urls of the subject's partijen, to recognise links to them."""

    uuids: frozenset[str]
    urls: frozenset[str]

    @classmethod
    def of(cls, partijen: Iterable[Mapping[str, Any]]) -> "PartijRefs":
        partijen = list(partijen)
        return cls(
            frozenset(str(p["uuid"]) for p in partijen if p.get("uuid")),
            frozenset(str(p["url"]) for p in partijen if p.get("url")),
        )

    def links(self, reference: Any) -> bool:
        """True for a `PartijForeignKey` ({uuid, url}) that points at one of these partijen."""
        if not isinstance(reference, Mapping):
            return False
        uuid, url = reference.get("uuid"), reference.get("url")
        if uuid:
            return str(uuid) in self.uuids
        return bool(url) and str(url) in self.urls


def own_betrokkenen(klantcontact: Any, refs: PartijRefs) -> list[dict] | None:
    """The klantcontact's expanded betrokkenen that were one of the subject's partijen.

    None when Open Klant did not expand `hadBetrokkenen`, so ownership cannot be checked.
    """
    if not isinstance(klantcontact, Mapping):
        return None
    expanded = klantcontact.get("_expand")
    if not isinstance(expanded, Mapping) or not isinstance(expanded.get("hadBetrokkenen"), list):
        return None
    return [
        betrokkene
        for betrokkene in expanded["hadBetrokkenen"]
        if isinstance(betrokkene, Mapping) and refs.links(betrokkene.get("wasPartij"))
    ]


def adres_of(adres: Any, refs: PartijRefs) -> bool:
    """True for a digitaal adres that the subject's partij provided (`verstrektDoorPartij`)."""
    return isinstance(adres, Mapping) and refs.links(adres.get("verstrektDoorPartij"))
