"""One call of the Zaken connector: its HTTP clients, time budget, pagination and lookups.

Specs: tests/specs/zgw-zaken/openapi.yaml (Zaken API 1.5.1 as served by Open Zaak) and
tests/specs/zgw-catalogi/openapi.yaml (Catalogi API 1.3.1).

A `ZakenSession` lives for one `fetch`. It
- pages through lists (`{count, next, previous, results}`) with `connectors.listing.collect`,
  following `next` only when it lies under the Zaken server's API root, up to a cap;
- follows URLs found in data only under their own server: status URLs under the Zaken server,
  zaaktype and statustype URLs under the configured Catalogi server (SSRF rule);
- reads zaaktypen and statustypen through `catalogi.CatalogiLookups` (cached per process, once per
  URL per call);
- skips optional lookups once most of the source's timeout is used, because the runner cuts the
  whole call off at that timeout;
- collects what it could not do as notes, which become the result's `detail`.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any, Callable, Mapping

from ...base import ConnectorError, SourceConfig
from ...http import SourceHttp
from ...listing import ListRequest, Paging, collect, drf_page, get_json
from ..catalogi import CatalogiLookups
from .options import ZakenOptions

JSON_HEADERS = {"Accept": "application/json"}
# GET zaken and GET zaken/{uuid} declare `Accept-Crs`; zaken carry a `zaakgeometrie`.
ZAKEN_HEADERS = {**JSON_HEADERS, "Accept-Crs": "EPSG:4326"}
# Optional lookups (names, statuses) stop when less than this share of the timeout is left.
OPTIONAL_RESERVE = 0.25

NOTES = {
    "next_foreign": "A 'next' link outside the Zaken server was not followed.",
    "no_catalogi": "{n} zaaktype or statustype name(s) are missing: the Zaken API did not inline "
    "them and no Catalogi server is configured.",
    "catalogi_foreign": "{n} zaaktype or statustype URL(s) lie outside the Catalogi server and "
    "were not followed.",
    "status_foreign": "{n} status URL(s) lie outside the Zaken server and were not followed.",
    "status_cap": "{n} status(sen) were not fetched: max_status_lookups was reached.",
    "lookup_failed": "{n} zaaktype, statustype or status lookup(s) failed.",
    "out_of_time": "{n} lookup(s) were skipped to stay within the source's timeout.",
}


class ZakenSession(CatalogiLookups):
    def __init__(self, source: SourceConfig, options: ZakenOptions, title: str) -> None:
        self.source = source
        self.options = options
        self.title = title
        self.zaken = SourceHttp(source)
        catalogi_service = source.services.get("catalogi_service")
        self.catalogi = SourceHttp(source, service=catalogi_service) if catalogi_service else None
        self.deadline = time.monotonic() + source.timeout
        self.notes: Counter[str] = Counter()
        self.status_lookups = 0
        self._references = {}

    @property
    def reference_max_age(self) -> int:
        return self.options.zaaktype_cache_seconds

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
        return get_json(http, path, title=self.title, params=params, headers=headers, allow_404=allow_404)

    def time_for_optional(self) -> bool:
        return self.deadline - time.monotonic() > OPTIONAL_RESERVE * self.source.timeout

    def detail(self) -> list[str]:
        return [NOTES[key].format(n=count) for key, count in self.notes.items()]

    # -- lists ------------------------------------------------------------------------------
    def pages(
        self,
        path: str,
        params: Mapping[str, Any],
        *,
        limit: int,
        headers: Mapping[str, str] = JSON_HEADERS,
        enough: Callable[[list[dict]], bool] | None = None,
    ) -> tuple[list[dict], bool, int | None]:
        """Items of a paginated list, page by page, up to `limit` items or until `enough`.

        Returns (items, cut, count): `cut` is True when more items existed than were read.
        """
        found = collect(
            self.zaken, ListRequest(path, params, headers),
            paging=Paging(read=drf_page(self.title), page_param=None, size_param=None),
            cap=limit, title=self.title, enough=enough,
            keep=lambda item: item if isinstance(item, dict) else None,
        )
        if found.stopped == "next_foreign":
            self.notes["next_foreign"] += 1
        return found.items, found.cut, found.count

    # -- lookups ----------------------------------------------------------------------------
    def status(self, url: str) -> dict | None:
        """A zaak's status from the Zaken API (never cached: it is case data)."""
        if not self.zaken.is_own_url(url):
            self.notes["status_foreign"] += 1
            return None
        if self.status_lookups >= self.options.max_status_lookups:
            self.notes["status_cap"] += 1
            return None
        if not self.time_for_optional():
            self.notes["out_of_time"] += 1
            return None
        self.status_lookups += 1
        try:
            body = self.get_json(self.zaken, url)
        except ConnectorError:
            self.notes["lookup_failed"] += 1
            return None
        return body if isinstance(body, dict) else None
