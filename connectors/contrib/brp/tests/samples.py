"""Spec-conformant BRP Personen 2.7.0 answers for the tests: `PersoonBeperkt` objects as the
search types (`ZoekMet...`) return them. test_contract.py validates them against the spec's
`PersoonBeperkt` schema (tests/specs/brp-personen/openapi.yaml), so the unit tests parse what
a real gateway would send. The persons are official BRP test persons (fictitious)."""

from __future__ import annotations

PERSONEN_URL = "https://brp.example.org/haalcentraal/api/brp/personen"
# The spec's response media type.
JSON_UTF8 = "application/json; charset=utf-8"

SUZANNE = {
    "burgerservicenummer": "999993653",
    "naam": {"voornamen": "Suzanne", "geslachtsnaam": "Moulin", "voorletters": "S.", "volledigeNaam": "Suzanne Moulin"},
    "geboorte": {"datum": {"type": "Datum", "datum": "1985-12-01", "langFormaat": "1 december 1985"}},
    "geslacht": {"code": "V", "omschrijving": "vrouw"},
    "leeftijd": 39,
    "adressering": {"adresregel1": "Boterdiep 31", "adresregel2": "3077 AW  ROTTERDAM"},
}
# An automatic field comes along although nobody asked for it (spec: PersonenQuery.fields).
MERLIJN = {
    "burgerservicenummer": "999993847",
    "naam": {"voornamen": "Merlijn", "geslachtsnaam": "Moulin", "voorletters": "M.", "volledigeNaam": "Merlijn Moulin"},
    "geboorte": {"datum": {"type": "Datum", "datum": "1985-12-01", "langFormaat": "1 december 1985"}},
    "geslacht": {"code": "M", "omschrijving": "man"},
    "leeftijd": 39,
    "adressering": {"adresregel1": "Boterdiep 31", "adresregel2": "3077 AW  ROTTERDAM"},
    "geheimhoudingPersoonsgegevens": True,
}


def answer(type_: str, *personen: dict) -> dict:
    return {"type": type_, "personen": list(personen)}
