"""The compact zaak the Zaken connector returns, as `fields` dot paths, and what each path costs.

The Zaken API has no field selection, so the connector always reads whole zaken and returns this
compact, documented shape per zaak (the profile engine strips it to the allowed paths):

    {"url", "uuid", "identificatie", "bronorganisatie", "omschrijving", "toelichting",
     "registratiedatum", "startdatum", "einddatumGepland", "uiterlijkeEinddatumAfdoening",
     "einddatum", "publicatiedatum", "vertrouwelijkheidaanduiding",
     "zaaktype": {"url", "identificatie", "omschrijving"},
     "status": {"url", "datumStatusGezet", "statustoelichting", "omschrijving", "isEindstatus"}
               or null when the zaak has no status yet,
     "betrokkeneRollen": [{"omschrijving", "omschrijvingGeneriek"}]}

The scalars are the `Zaak` properties of the same name in the Zaken API 1.5.1 spec
(tests/specs/zgw-zaken/openapi.yaml); `zaaktype` comes from the Catalogi API's `ZaakType`
(tests/specs/zgw-catalogi/openapi.yaml), `status` from the Zaken API's `Status` plus its
`StatusType` (`omschrijving`, `isEindstatus`). `betrokkeneRollen` are the subject's own rollen
in the zaak (only for the per-subject operations): how the person or company is involved.

The paths also decide which extra lookups a call makes: no zaaktype name is fetched unless a
`zaaktype` path beyond its URL is allowed, and likewise for the status and its statustype.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A zaak URL is the Zaken API root plus `zaken/<uuid>`, nothing else.
ZAAK_PATH = re.compile(r"zaken/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

ZAAK_SCALARS: tuple[str, ...] = (
    "url",
    "uuid",
    "identificatie",
    "bronorganisatie",
    "omschrijving",
    "toelichting",
    "registratiedatum",
    "startdatum",
    "einddatumGepland",
    "uiterlijkeEinddatumAfdoening",
    "einddatum",
    "publicatiedatum",
    "vertrouwelijkheidaanduiding",
)
ZAAKTYPE_KEYS: tuple[str, ...] = ("url", "identificatie", "omschrijving")
STATUS_KEYS: tuple[str, ...] = ("url", "datumStatusGezet", "statustoelichting", "omschrijving", "isEindstatus")
# Status keys that come from the statustype (Catalogi) rather than the status (Zaken).
STATUSTYPE_KEYS: frozenset[str] = frozenset({"omschrijving", "isEindstatus"})
ROL_KEYS: tuple[str, ...] = ("omschrijving", "omschrijvingGeneriek")

ZAAK_FIELDS: tuple[str, ...] = (
    *ZAAK_SCALARS,
    "zaaktype",
    *(f"zaaktype.{key}" for key in ZAAKTYPE_KEYS),
    "status",
    *(f"status.{key}" for key in STATUS_KEYS),
)
SUBJECT_ZAAK_FIELDS: tuple[str, ...] = (
    *ZAAK_FIELDS,
    "betrokkeneRollen",
    *(f"betrokkeneRollen.{key}" for key in ROL_KEYS),
)


def _wants(fields: Iterable[str], prefix: str, keys: Iterable[str]) -> bool:
    """True when the allowed paths need one of `keys` under `prefix` (no paths: all fields)."""
    fields = tuple(fields)
    if not fields:
        return True
    wanted = {f"{prefix}.{key}" for key in keys}
    return any(path == prefix or path in wanted for path in fields)


def needs_zaaktype(fields: Iterable[str]) -> bool:
    """The zaaktype's name or code is asked for (its URL is in the zaak itself)."""
    return _wants(fields, "zaaktype", ("identificatie", "omschrijving"))


def needs_status(fields: Iterable[str]) -> bool:
    """Anything of the status beyond its URL is asked for."""
    return _wants(fields, "status", [k for k in STATUS_KEYS if k != "url"])


def needs_statustype(fields: Iterable[str]) -> bool:
    """The status's omschrijving or isEindstatus is asked for: these live on the statustype."""
    return _wants(fields, "status", STATUSTYPE_KEYS)
