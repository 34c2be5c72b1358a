"""Turns KVK's own error answers into statuses with a readable detail.

The KVK APIs (tests/specs/kvk/*.yaml, `components/schemas/Error`) do not use problem+json:
their error body is `{"fout": [{"code": "IPD…", "omschrijving": "…"}]}` with HTTP 400, 401, 403,
404, 406 or 500. A search without hits and a number KVK cannot deliver for are 404s; those become
`not_found`. Anything else with a `fout` body becomes `error` with KVK's code and omschrijving.
Answers without a `fout` body come from something in front of KVK (a gateway, a wrong API root)
and fall back to the generic HTTP mapping.
"""

from __future__ import annotations

import re
from typing import Any

from ...base import ConnectorError, Status
from ...errors import http_error, status_meaning
from ...http import HttpResponse

MAX_DETAIL = 200
# Codes that say "nothing (deliverable) for these parameters": IPD5200 no search results,
# IPD0005 / IPD0007 no product for this KVK number / vestigingsnummer.
NOT_FOUND_CODES = frozenset({"IPD5200", "IPD0005", "IPD0007"})
# KVK echoes numbers it was given (KVK number, vestigingsnummer, RSIN) in its omschrijving;
# IKO's detail is shown to callers and kept in logs, so long digit runs are masked.
_IDENTIFIER = re.compile(r"\d{6,}")


def fouten(response: HttpResponse) -> list[dict[str, Any]]:
    """The `fout` entries of a KVK error body, or [] when the body is not KVK's format."""
    try:
        body = response.json()
    except ConnectorError:
        return []
    entries = body.get("fout") if isinstance(body, dict) else None
    if not isinstance(entries, list):
        return []
    return [entry for entry in entries if isinstance(entry, dict)]


def describe(entries: list[dict[str, Any]]) -> str:
    parts = []
    for entry in entries:
        code = str(entry.get("code") or "").strip()
        text = _IDENTIFIER.sub("…", str(entry.get("omschrijving") or "").strip())
        parts.append(f"{code}: {text}" if code and text else code or text)
    return "; ".join(part for part in parts if part)[:MAX_DETAIL]


def _auth_hint(service: Any) -> str:
    """Why KVK may refuse the key: it must travel in the `apikey` header."""
    auth_type = getattr(service, "auth_type", "")
    header = (getattr(service, "header_key", "") or "").strip()
    if auth_type != "api_key":
        return " KVK expects an API key in the 'apikey' header; this server sends none."
    if header.lower() != "apikey":
        return f" KVK expects the API key in the 'apikey' header; this server sends it as {header!r}."
    return " Check the API key of this server."


def kvk_error(
    response: HttpResponse, *, title: str, not_found_detail: str, service: Any = None
) -> ConnectorError:
    """A `ConnectorError` for a non-200 answer of a KVK API."""
    code = response.status_code
    entries = fouten(response)
    summary = describe(entries)
    codes = {str(entry.get("code") or "") for entry in entries}
    if entries and (code == 404 or codes & NOT_FOUND_CODES):
        return ConnectorError(
            not_found_detail + (f" ({summary})" if summary else ""), Status.NOT_FOUND
        )
    hint = _auth_hint(service) if code in (401, 403) else ""
    if not entries:
        error = http_error(response, title)
        if code == 404:
            return ConnectorError(
                f"{title} answered HTTP 404 without a KVK error body: the path does not exist "
                "there. The server's API root should be KVK's root ending in /api/ "
                "(e.g. https://api.kvk.nl/api/)."
            )
        return ConnectorError(error.detail + hint, Status.ERROR)
    return ConnectorError(f"{title} {status_meaning(code)} (HTTP {code}): {summary}.{hint}", Status.ERROR)
