"""The compact besluit the Besluiten connector returns, as `fields` dot paths.

The Besluiten API has no field selection, so the connector reads whole besluiten and returns
this documented shape per besluit (the profile engine strips it to the allowed paths):

    {"url", "identificatie", "verantwoordelijkeOrganisatie", "zaak", "datum", "toelichting",
     "bestuursorgaan", "ingangsdatum", "vervaldatum", "vervalreden", "publicatiedatum",
     "verzenddatum", "uiterlijkeReactiedatum",
     "besluittype": {"url", "omschrijving", "omschrijvingGeneriek"}}

The scalars are the `Besluit` properties of the same name in the Besluiten API 1.1.0;
`besluittype` names come from the Catalogi API's `BesluitType`, looked up only when a
`besluittype` path beyond its URL is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable

BESLUIT_SCALARS: tuple[str, ...] = (
    "url",
    "identificatie",
    "verantwoordelijkeOrganisatie",
    "zaak",
    "datum",
    "toelichting",
    "bestuursorgaan",
    "ingangsdatum",
    "vervaldatum",
    "vervalreden",
    "publicatiedatum",
    "verzenddatum",
    "uiterlijkeReactiedatum",
)
BESLUITTYPE_KEYS: tuple[str, ...] = ("omschrijving", "omschrijvingGeneriek")

BESLUIT_FIELDS: tuple[str, ...] = (
    *BESLUIT_SCALARS,
    "besluittype",
    "besluittype.url",
    *(f"besluittype.{key}" for key in BESLUITTYPE_KEYS),
)


def needs_besluittype(fields: Iterable[str]) -> bool:
    """The besluittype's name is asked for (no paths: every field)."""
    fields = tuple(fields)
    if not fields:
        return True
    return any(path == "besluittype" or path in {f"besluittype.{k}" for k in BESLUITTYPE_KEYS} for path in fields)


def compact_besluit(besluit: dict, besluittype: dict | None) -> dict:
    compact = {key: besluit.get(key) for key in BESLUIT_SCALARS}
    compact["besluittype"] = {
        "url": besluit.get("besluittype"),
        **{key: (besluittype or {}).get(key) for key in BESLUITTYPE_KEYS},
    }
    return compact
