"""The options of a Zaken source, checked with readable messages for the admin.

* `max_zaken` (1..1000, default 100): at most this many zaken per subject; pages are followed
  until the cap, and the result says when the cap cut the list.
* `zaaktype_via` ("expand", default, or "catalogi"): how the zaaktype name is found. "expand"
  asks the Zaken API to inline it (`expand=zaaktype,status,status.statustype`, an Open Zaak
  extension of the standard): no extra calls. "catalogi" reads zaaktypen and statustypen from
  the Catalogi server, cached, and each zaak's status from the Zaken API: for Zaken APIs
  without `expand`.
* `catalogi_service` (a server slug): the Catalogi server. Required with "catalogi"; with
  "expand" it is the fallback for what the Zaken API did not inline. Zaaktype and statustype
  URLs are only followed when they lie under this server's API root.
* `zaaktype_cache_seconds` (0..86400, default 300): how long zaaktypen and statustypen are
  kept in memory (0: not cached).
* `max_status_lookups` (0..1000, default 25): with "catalogi", at most this many zaken get their
  status fetched (one call each); the others keep only the status URL.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Mapping

from django.core.exceptions import ValidationError

from ...base import unknown_options

ZAAKTYPE_VIA = ("expand", "catalogi")


@dataclass(frozen=True)
class ZakenOptions:
    max_zaken: int = 100
    zaaktype_via: str = "expand"
    catalogi_service: str = ""
    zaaktype_cache_seconds: int = 300
    max_status_lookups: int = 25

    def as_dict(self) -> dict[str, Any]:
        cleaned = asdict(self)
        if not cleaned["catalogi_service"]:
            del cleaned["catalogi_service"]
        return cleaned


INT_RANGES = {
    "max_zaken": (1, 1000),
    "zaaktype_cache_seconds": (0, 86400),
    "max_status_lookups": (0, 1000),
}


def _int_option(name: str, value: Any, errors: list[str]) -> int | None:
    low, high = INT_RANGES[name]
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(f"{name} must be a whole number from {low} to {high}.")
        return None
    if not low <= value <= high:
        errors.append(f"{name} must be from {low} to {high}, not {value}.")
        return None
    return value


def clean_options(options: Mapping[str, Any] | None) -> ZakenOptions:
    """The options with defaults filled in; ValidationError listing every problem."""
    options = dict(options or {})
    errors: list[str] = []
    known = set(ZakenOptions.__dataclass_fields__)
    if message := unknown_options(options, known):
        errors.append(message)
    values: dict[str, Any] = {}
    for name in INT_RANGES:
        if name in options:
            values[name] = _int_option(name, options[name], errors)
    via = options.get("zaaktype_via", ZakenOptions.zaaktype_via)
    if via not in ZAAKTYPE_VIA:
        errors.append(f"zaaktype_via must be one of {', '.join(ZAAKTYPE_VIA)}.")
    values["zaaktype_via"] = via
    slug = options.get("catalogi_service", "")
    if slug is None:
        slug = ""
    if not isinstance(slug, str):
        errors.append("catalogi_service must be the slug of a server (text).")
        slug = ""
    values["catalogi_service"] = slug.strip()
    if via == "catalogi" and not values["catalogi_service"]:
        errors.append('zaaktype_via "catalogi" needs catalogi_service: the slug of the Catalogi server.')
    if errors:
        raise ValidationError(errors)
    return ZakenOptions(**values)
