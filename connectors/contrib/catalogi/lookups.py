"""Names of ZGW reference data from the configured Catalogi server, for the connectors that show
them beside case data: zaaktypen and statustypen (Zaken), besluittypen (Besluiten) and
informatieobjecttypen (Documenten).

Spec: tests/specs/zgw-catalogi/openapi.yaml (Catalogi API 1.3.1 as served by Open Zaak).

Reference data holds no personal data, so it may be cached per process (`cache`); within one
call each URL is read at most once. A URL is followed only when it lies under the configured
Catalogi server (the SSRF rule), and only while enough of the source's timeout is left: a missing
name is a note in the result's `detail`, never a failed call.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ...base import ConnectorError
from ...http import SourceHttp
from .cache import reference_cache


class CatalogiLookups:
    """Mixin for a connector session. The session provides `catalogi` (its Catalogi client or None),
    `notes` (a Counter), `get_json(http, url)`, `time_for_optional()`, `reference_max_age` (seconds
    a name may be cached; 0 = never) and sets `self._references = {}` per call."""

    catalogi: SourceHttp | None
    notes: Counter[str]
    reference_max_age: int
    _references: dict[tuple[str, tuple[str, ...]], dict | None]

    def reference(self, url: Any, keys: tuple[str, ...]) -> dict | None:
        """The Catalogi resource at `url` reduced to `keys`, or None (and a note) when it cannot be read."""
        if not isinstance(url, str) or not url:
            return None
        if (url, keys) in self._references:
            return self._references[(url, keys)]
        value = self._fetch_reference(url, keys)
        self._references[(url, keys)] = value
        return value

    def _fetch_reference(self, url: str, keys: tuple[str, ...]) -> dict | None:
        if self.catalogi is None:
            self.notes["no_catalogi"] += 1
            return None
        if not self.catalogi.is_own_url(url):
            self.notes["catalogi_foreign"] += 1
            return None
        service = self.catalogi.service
        cache_key = (getattr(service, "slug", "") or service.api_root, url, keys)
        cached = reference_cache.get(cache_key, self.reference_max_age)
        if cached is not None:
            return cached
        if not self.time_for_optional():
            self.notes["out_of_time"] += 1
            return None
        try:
            body = self.get_json(self.catalogi, url)
        except ConnectorError:
            self.notes["lookup_failed"] += 1
            return None
        if not isinstance(body, dict):
            self.notes["lookup_failed"] += 1
            return None
        value = {key: body.get(key) for key in keys}
        if self.reference_max_age > 0:
            reference_cache.put(cache_key, value)
        return value
