"""The test persons behind the demo BRP server: loaded once (lazily) from
``demo/data/brp-personen-mock-test-data.json.gz``, converted to the API format, indexed and
searched.

Implements the search types of ``POST /personen`` of the BRP API Personen 2.x
(``tests/specs/brp-personen/openapi.yaml``, `PersonenQuery` and its subtypes) with the
matching rules of the official features: text matching ignores case (and, like GBA-V, also
diacritics), ``*`` is a wildcard where the spec allows one, and deceased persons are only
found with ``inclusiefOverledenPersonen: true`` (raadplegen always returns them).
Queries are assumed to be validated already (see `demo.servers.brp`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .brp_convert import convert_persoon, is_overleden
from .brp_fields import select_fields
from .brp_naam import naam_persoon
from .brp_values import leeftijd

__all__ = [
    "DATA_FILE", "RESPONSE_SCHEMAS", "BrpDataset", "get_dataset", "personen_response", "select_fields",
]

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "brp-personen-mock-test-data.json.gz"
RESPONSE_SCHEMAS = {
    "RaadpleegMetBurgerservicenummer": "Persoon",
    "ZoekMetGeslachtsnaamEnGeboortedatum": "PersoonBeperkt",
    "ZoekMetNaamEnGemeenteVanInschrijving": "PersoonBeperkt",
    "ZoekMetPostcodeEnHuisnummer": "PersoonBeperkt",
    "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving": "PersoonBeperkt",
    "ZoekMetNummeraanduidingIdentificatie": "PersoonBeperkt",
    "ZoekMetAdresseerbaarObjectIdentificatie": "GezagPersoonBeperkt",
}


def normalize(text: str | None) -> str:
    """Lower case without diacritics, for matching."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def matches(pattern: str, value: str) -> bool:
    """`value` (normalized) against a search text with an optional leading or trailing ``*``."""
    wanted = normalize(pattern)
    if wanted.endswith("*"):
        return value.startswith(wanted[:-1])
    if wanted.startswith("*"):
        return value.endswith(wanted[1:])
    return value == wanted


@dataclass(frozen=True)
class _Record:
    persoon: dict[str, Any]
    overleden: bool
    geslachtsnaam: str
    voornamen: str
    voorvoegsel: str
    geboortedatum: str | None
    geslacht: str
    gemeente: str
    postcode: str
    huisnummer: int | None
    huisletter: str
    huisnummertoevoeging: str
    straten: tuple[str, ...]
    nummeraanduiding: str | None
    adresseerbaar_object: str | None


def _record(persoon: dict[str, Any], overleden: bool) -> _Record:
    naam = persoon.get("naam") or {}
    plaats = persoon.get("verblijfplaats") or {}
    adres = (plaats.get("verblijfadres") or {}) if plaats.get("type") == "Adres" else {}
    geboortedatum = ((persoon.get("geboorte") or {}).get("datum") or {}).get("datum")
    return _Record(
        persoon=persoon,
        overleden=overleden,
        geslachtsnaam=normalize(naam.get("geslachtsnaam")),
        voornamen=normalize(naam.get("voornamen")),
        voorvoegsel=normalize(naam.get("voorvoegsel")),
        geboortedatum=geboortedatum,
        geslacht=((persoon.get("geslacht") or {}).get("code") or "").upper(),
        gemeente=(persoon.get("gemeenteVanInschrijving") or {}).get("code", ""),
        postcode=(adres.get("postcode") or "").replace(" ", "").upper(),
        huisnummer=adres.get("huisnummer"),
        huisletter=normalize(adres.get("huisletter")),
        huisnummertoevoeging=normalize(adres.get("huisnummertoevoeging")),
        straten=tuple({normalize(adres.get(k)) for k in ("officieleStraatnaam", "korteStraatnaam") if adres.get(k)}),
        nummeraanduiding=plaats.get("nummeraanduidingIdentificatie"),
        adresseerbaar_object=plaats.get("adresseerbaarObjectIdentificatie"),
    )


class BrpDataset:
    """Converted test persons with indexes for the search types."""

    def __init__(self, raw_personen: Iterable[dict[str, Any]], vandaag: dt.date | None = None) -> None:
        raw_personen = list(raw_personen)
        namen = {
            raw["burgerservicenummer"]: naam_persoon(raw.get("naam") or {}, (raw.get("geslacht") or {}).get("code")).get("volledigeNaam")
            for raw in raw_personen
        }
        self._records: list[_Record] = []
        self._by_bsn: dict[str, _Record] = {}
        self._by_geboortedatum: dict[str, list[_Record]] = defaultdict(list)
        self._by_postcode: dict[str, list[_Record]] = defaultdict(list)
        self._by_nummeraanduiding: dict[str, list[_Record]] = defaultdict(list)
        self._by_adresseerbaar_object: dict[str, list[_Record]] = defaultdict(list)
        for raw in raw_personen:
            record = _record(convert_persoon(raw, namen.get, vandaag), is_overleden(raw))
            self._records.append(record)
            self._by_bsn.setdefault(raw["burgerservicenummer"], record)
            if record.geboortedatum:
                self._by_geboortedatum[record.geboortedatum].append(record)
            if record.postcode:
                self._by_postcode[record.postcode].append(record)
            if record.nummeraanduiding:
                self._by_nummeraanduiding[record.nummeraanduiding].append(record)
            if record.adresseerbaar_object:
                self._by_adresseerbaar_object[record.adresseerbaar_object].append(record)

    @classmethod
    def from_file(cls, path: Path | str = DATA_FILE) -> BrpDataset:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls(json.load(handle))

    def __len__(self) -> int:
        return len(self._records)

    def bsns(self) -> list[str]:
        return list(self._by_bsn)

    def persoon(self, bsn: str) -> dict[str, Any] | None:
        """The converted `Persoon` (without leeftijd); do not modify it."""
        record = self._by_bsn.get(bsn)
        return record.persoon if record else None

    def is_overleden(self, bsn: str) -> bool:
        record = self._by_bsn.get(bsn)
        return bool(record and record.overleden)

    def zoek(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        """The persons matching a validated query, in data order (raadplegen: request order)."""
        soort = query["type"]
        if soort == "RaadpleegMetBurgerservicenummer":
            records = [self._by_bsn[bsn] for bsn in dict.fromkeys(query["burgerservicenummer"]) if bsn in self._by_bsn]
        else:
            records = [r for r in self._candidates(query) if self._matches(r, query)]
            if not query.get("inclusiefOverledenPersonen"):
                records = [r for r in records if not r.overleden]
        gemeente = query.get("gemeenteVanInschrijving")
        if gemeente:
            records = [r for r in records if r.gemeente == gemeente]
        return [r.persoon for r in records]

    def _candidates(self, query: dict[str, Any]) -> list[_Record]:
        soort = query["type"]
        if soort == "ZoekMetGeslachtsnaamEnGeboortedatum":
            return self._by_geboortedatum.get(query["geboortedatum"], [])
        if soort == "ZoekMetPostcodeEnHuisnummer":
            return self._by_postcode.get(query["postcode"].replace(" ", "").upper(), [])
        if soort == "ZoekMetNummeraanduidingIdentificatie":
            return self._by_nummeraanduiding.get(query["nummeraanduidingIdentificatie"], [])
        if soort == "ZoekMetAdresseerbaarObjectIdentificatie":
            return self._by_adresseerbaar_object.get(query["adresseerbaarObjectIdentificatie"], [])
        return self._records

    @staticmethod
    def _matches(record: _Record, query: dict[str, Any]) -> bool:
        checks = [
            ("geslachtsnaam", lambda v: matches(v, record.geslachtsnaam)),
            ("voornamen", lambda v: matches(v, record.voornamen)),
            ("voorvoegsel", lambda v: normalize(v) == record.voorvoegsel),
            ("geslacht", lambda v: v.upper() == record.geslacht),
            ("geboortedatum", lambda v: v == record.geboortedatum),
            ("huisnummer", lambda v: v == record.huisnummer),
            ("huisletter", lambda v: normalize(v) == record.huisletter),
            ("huisnummertoevoeging", lambda v: normalize(v) == record.huisnummertoevoeging),
            ("straat", lambda v: any(matches(v, straat) for straat in record.straten)),
        ]
        return all(check(query[key]) for key, check in checks if query.get(key) not in (None, ""))


_dataset: BrpDataset | None = None
_dataset_lock = threading.Lock()


def get_dataset() -> BrpDataset:
    """The shared dataset, loaded and converted on first use."""
    global _dataset
    if _dataset is None:
        with _dataset_lock:
            if _dataset is None:
                _dataset = BrpDataset.from_file()
    return _dataset


def with_leeftijd(persoon: dict[str, Any], overleden: bool, peildatum: dt.date) -> dict[str, Any]:
    """A shallow copy with leeftijd on `peildatum` (the API gives no age for deceased persons)."""
    jaren = None if overleden else leeftijd((persoon.get("geboorte") or {}).get("datum"), peildatum)
    if jaren is None:
        return persoon
    view: dict[str, Any] = {}
    for key, value in persoon.items():
        view[key] = value
        if key == "geslacht":
            view["leeftijd"] = jaren
    view.setdefault("leeftijd", jaren)
    return view


def personen_response(
    query: dict[str, Any], dataset: BrpDataset | None = None, peildatum: dt.date | None = None
) -> dict[str, Any]:
    """The 200 body for a validated query: ``{"type": ..., "personen": [...]}``."""
    dataset = dataset or get_dataset()
    peildatum = peildatum or dt.date.today()
    schema = RESPONSE_SCHEMAS[query["type"]]
    personen = [
        select_fields(with_leeftijd(p, dataset.is_overleden(p["burgerservicenummer"]), peildatum), query["fields"], schema)
        for p in dataset.zoek(query)
    ]
    return {"type": query["type"], "personen": personen}
