"""Rates of the rate limits (`600/minute`, `20/second`, `100/10s`), in plain Python.

Kept apart from api/throttling.py so the settings can check `IKO_RATE_LIMIT_*` at start-up
without loading Django models. The format is DRF's, plus an optional multiple of the unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$", re.IGNORECASE)
_UNITS = {
    "s": 1, "sec": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


def rate_parse(text: str | None) -> Rate | None:
    """`"600/minute"` -> Rate(600, 60); empty or "off" -> None (no limit). Raises ValueError."""
    if not text or text.strip().lower() in ("off", "none"):
        return None
    match = _RATE.match(text)
    if not match or match.group(3).lower() not in _UNITS or int(match.group(1)) < 1:
        raise ValueError(f"a rate looks like 600/minute, 20/second or 100/10s, not {text!r}.")
    multiple = int(match.group(2) or 1)
    if multiple < 1:
        raise ValueError(f"a rate's period must be at least 1 unit, not {text!r}.")
    return Rate(limit=int(match.group(1)), period=multiple * _UNITS[match.group(3).lower()])
