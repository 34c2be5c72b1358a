"""Shared steps of the connectors for the ZGW APIs that Open Zaak serves: Documenten, Besluiten and
the Zaken connector's object-keyed operations.

Specs: Zaken API 1.5.1, Documenten API 1.4.2, Besluiten API 1.1.0 and Catalogi API 1.3.1 as served
by Open Zaak 1.30. They share their conventions, and so do these connectors:

- a list answers either `{count, next, previous, results}` (paginated) or a plain JSON array
  (`zaakinformatieobjecten`, `objectinformatieobjecten`, `besluitinformatieobjecten`);
- a `next` link is followed only when it lies under the same server's API root;
- a resource URL found in data (a zaak, a besluit, an informatieobject) is fetched only when it
  lies under the configured server of its API, and must then be the resource asked for;
- names of reference data (besluittypen, informatieobjecttypen, statustypen) come from the
  configured Catalogi server (`catalogi.CatalogiLookups`), and only when one is configured;
- every filter of these APIs is silently ignored when misspelt, so each connector checks that
  what came back belongs to what was asked for; this module only counts what was dropped.

A `ZgwSession` lives for one `fetch`: it keeps the time budget (optional lookups stop when less
than a quarter of the source's timeout is left) and collects notes for the result's `detail`.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Any, Callable, Mapping

from ..base import CheckResult, ConnectorError, SourceConfig
from ..errors import http_error
from ..http import SourceHttp
from .catalogi import CatalogiLookups

JSON_HEADERS = {"Accept": "application/json"}
POST_HEADERS = {**JSON_HEADERS, "Content-Type": "application/json"}
# Optional lookups (Catalogi names) stop when less than this share of the timeout is left.
OPTIONAL_RESERVE = 0.25
# The paths of ZGW resources: `<plural>/<uuid>` under the API root.
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
MAX_URL = 1000
# A resource that never exists: asking for it proves reachability and credentials without reading data.
NIL_UUID = "00000000-0000-0000-0000-000000000000"

NOTES = {
    "next_foreign": "A 'next' link outside the server was not followed.",
    "no_catalogi": "{n} type name(s) are missing: no Catalogi server is configured.",
    "catalogi_foreign": "{n} type URL(s) lie outside the Catalogi server and were not followed.",
    "lookup_failed": "{n} Catalogi lookup(s) failed.",
    "out_of_time": "{n} lookup(s) were skipped to stay within the source's timeout.",
}


def resource_uuid(http: SourceHttp, url: Any, resource: str) -> str | None:
    """The uuid of `url` when it is `<API root><resource>/<uuid>` of this server, else None."""
    if not isinstance(url, str) or len(url) > MAX_URL or not http.is_own_url(url):
        return None
    match = re.fullmatch(rf"{re.escape(resource)}/({UUID})", url[len(http.api_root):])
    return match.group(1).lower() if match else None


def check_servers(title: str, checks: list[tuple]) -> CheckResult:
    """The admin's connection check: GET each (name, client, path[, headers]) of a nil-UUID
    resource; a 404 proves the server is reachable and accepts IKO's credentials (Open Zaak checks
    the scopes first), without reading any data."""
    answers = []
    for name, http, path, *headers in checks:
        try:
            response = http.request("GET", path, headers=headers[0] if headers else JSON_HEADERS)
        except ConnectorError as exc:
            return CheckResult(False, f"{name}: {exc.detail}")
        if response.status_code not in (200, 404):
            return CheckResult(False, f"{name}: {http_error(response, title).detail}")
        answers.append(f"the {name} answered (HTTP {response.status_code})")
    summary = "; ".join(answers)
    return CheckResult(True, summary[0].upper() + summary[1:] + ".")


def clean_url(value: Any, what: str) -> str:
    """An http(s) URL used as a filter value; ConnectorError otherwise (never an empty filter:
    the API would ignore it and answer with everything)."""
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > MAX_URL or not re.match(r"https?://[^\s/?#]+/\S*$", text):
        raise ConnectorError(f"Refused to query without a valid {what} URL.")
    return text


class ZgwSession(CatalogiLookups):
    def __init__(
        self,
        source: SourceConfig,
        title: str,
        *,
        service=None,
        catalogi_service=None,
        cache_seconds: int = 300,
    ) -> None:
        self.source = source
        self.title = title
        self.http = SourceHttp(source, service=service)
        self.catalogi = SourceHttp(source, service=catalogi_service) if catalogi_service else None
        self.reference_max_age = cache_seconds
        self.deadline = time.monotonic() + source.timeout
        self.notes: Counter[str] = Counter()
        self._references: dict[tuple[str, tuple[str, ...]], dict | None] = {}

    # -- plumbing ---------------------------------------------------------------------------
    def get_json(
        self,
        http: SourceHttp,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] = JSON_HEADERS,
        allow_404: bool = False,
    ) -> Any:
        response = http.request("GET", path, params=params, headers=headers)
        if response.status_code == 404 and allow_404:
            return None
        if response.status_code != 200:
            raise http_error(response, self.title)
        return response.json()

    def post_json(
        self,
        http: SourceHttp,
        path: str,
        body: Any,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] = POST_HEADERS,
    ) -> Any:
        response = http.request("POST", path, params=params, json_body=body, headers=headers)
        if response.status_code != 200:
            raise http_error(response, self.title)
        return response.json()

    def time_for_optional(self) -> bool:
        return self.deadline - time.monotonic() > OPTIONAL_RESERVE * self.source.timeout

    def detail(self) -> list[str]:
        return [NOTES[key].format(n=count) for key, count in self.notes.items()]

    # -- lists ------------------------------------------------------------------------------
    def pages(
        self,
        http: SourceHttp,
        path: str,
        params: Mapping[str, Any] | None,
        *,
        limit: int,
        headers: Mapping[str, str] = JSON_HEADERS,
        body: Any = None,
        enough: Callable[[list[dict]], bool] | None = None,
    ) -> tuple[list[dict], bool, int | None]:
        """Items of a paginated list (`{count, next, results}`), up to `limit` or until `enough`.

        With a `body` every page is a POST of that body (the `_zoek` operations), otherwise a
        GET. Returns (items, cut, count): `cut` is True when more items existed than were read.
        """
        items: list[dict] = []
        count: int | None = None
        target, query = path, dict(params or {})
        while True:
            if body is None:
                page = self.get_json(http, target, params=query, headers=headers)
            else:
                page = self.post_json(http, target, body, params=query, headers=headers)
            results = page.get("results") if isinstance(page, dict) else None
            if not isinstance(results, list):
                raise ConnectorError(f"The {self.title} answer has no 'results' list.")
            if count is None and isinstance(page.get("count"), int):
                count = page["count"]
            items.extend(item for item in results if isinstance(item, dict))
            next_url = page.get("next")
            if len(items) >= limit:
                return items[:limit], len(items) > limit or bool(next_url), count
            if not next_url or not results or (enough is not None and enough(items)):
                return items, False, count
            if not http.is_own_url(next_url):
                self.notes["next_foreign"] += 1
                return items, True, count
            # The next link carries the filters and the page number itself.
            target, query = next_url, None

    def array(
        self, http: SourceHttp, path: str, params: Mapping[str, Any], *, limit: int
    ) -> tuple[list[dict], bool]:
        """A list the API answers as a plain JSON array (no pages); (items, cut at `limit`)."""
        answer = self.get_json(http, path, params=params)
        if not isinstance(answer, list):
            raise ConnectorError(f"The {self.title} answer is not a list.")
        items = [item for item in answer if isinstance(item, dict)]
        return items[:limit], len(items) > limit
