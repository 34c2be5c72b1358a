"""BAG API Individuele Bevragingen 2.x connector: current addresses by nummeraanduiding or postcode.

Spec: ../shared/specs/bag-individuele-bevragingen/openapi.yaml (BAG IB 2.6.0, Kadaster), HAL JSON.
- `adres`: `GET adressen/{nummeraanduidingIdentificatie}` (`bevraagAdressenMetNumId`), one `Adres`;
  404 means not found.
- `adres_zoeken`: `GET adressen?postcode=&huisnummer=[&huisletter=&huisnummertoevoeging=]
  &exacteMatch=true` (`bevraagAdressen`), the list under `_embedded.adressen`, paged with `page`
  and `pageSize` up to the `max_adressen` cap.

Parameters are checked before any call (a nummeraanduiding id is 16 digits with object-type code
20 at positions 5-6; a Dutch postcode is four digits, the first not 0, and two letters); invalid
input gives an error result and no request. The API key (`X-Api-Key`) comes from the server's
settings. Errors are problem+json with a hyphenated `invalid-params`, which `connectors.errors`
reads.

HAL links: `_links` (and `_embedded` of an address) are stripped from every address returned.
They point at Kadaster's own hosts, which is not the configured server when a gateway sits in
between, profiles cannot name them as fields, and IKO never follows them: a next page is asked
for by number, never through `_links.next`.

Every address returned is checked against what was asked (the nummeraanduiding id; the postcode,
huisnummer, huisletter and toevoeging with exact matching); others are dropped and counted.
"""

from __future__ import annotations

import re
from typing import Any, Mapping
from urllib.parse import quote

from django.core.exceptions import ValidationError

from ...base import (
    CheckResult,
    Connector,
    ConnectorError,
    ConnectorRequest,
    ConnectorResult,
    Operation,
    Status,
    unknown_options,
)
from ...errors import http_error
from ...http import HttpResponse, SourceHttp
from ...registry import register
from .fields import ADRES_FIELDS

ADRES = "adres"
ADRES_ZOEKEN = "adres_zoeken"
HAL_HEADERS = {"Accept": "application/hal+json"}
HAL_KEYS = ("_links", "_embedded")
DEFAULT_MAX_ADRESSEN = 100
MAX_MAX_ADRESSEN = 1000
# The spec's bounds of `pageSize`.
MIN_PAGE_SIZE, MAX_PAGE_SIZE = 10, 100
KNOWN_OPTIONS = ("max_adressen",)

NUMMERAANDUIDING_RE = re.compile(r"^[0-9]{4}20[0-9]{10}$")
POSTCODE_RE = re.compile(r"^([1-9][0-9]{3}) ?([A-Za-z]{2})$")
HUISLETTER_RE = re.compile(r"^[A-Za-z]$")
TOEVOEGING_RE = re.compile(r"^[0-9A-Za-z]{1,4}$")


def _invalid(detail: str) -> ConnectorError:
    return ConnectorError(f"Invalid BAG parameter: {detail}")


def clean_nummeraanduiding(value: Any) -> str:
    # A string only: as a number the leading zeros of the gemeentecode would be lost.
    if not isinstance(value, str) or not NUMMERAANDUIDING_RE.match(value):
        raise _invalid(
            "a nummeraanduidingIdentificatie is 16 digits with object-type code 20 at positions 5-6."
        )
    return value


def clean_postcode(value: Any) -> str:
    match = POSTCODE_RE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise _invalid("a postcode is four digits (not starting with 0) and two letters, like 3077AW.")
    return match.group(1) + match.group(2).upper()


def clean_huisnummer(value: Any) -> int:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 99999:
        raise _invalid("a huisnummer is a whole number from 1 to 99999.")
    return value


def clean_optional(value: Any, pattern: re.Pattern, detail: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not pattern.match(value):
        raise _invalid(detail)
    return value


def without_hal(adres: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in adres.items() if key not in HAL_KEYS}


def _same(a: Any, b: Any) -> bool:
    return (a or "").lower() == (b or "").lower()


@register("bag")
class BagConnector(Connector):
    title = "BAG"
    operations = {
        ADRES: Operation(
            name=ADRES,
            description="One current address by nummeraanduiding identificatie (Adres).",
            # Not a subject lookup: the id comes from a parent's data (BRP, KVK, Open Klant).
            subject_types=(),
            fields=ADRES_FIELDS,
            params=("nummeraanduidingIdentificatie",),
        ),
        ADRES_ZOEKEN: Operation(
            name=ADRES_ZOEKEN,
            description="Current addresses by postcode and huisnummer, exact match (Adres list).",
            subject_types=(),
            fields=ADRES_FIELDS,
            params=("postcode", "huisnummer", "huisletter", "huisnummertoevoeging"),
            many=True,
        ),
    }

    # --- configuration -------------------------------------------------------------------
    @classmethod
    def validate_options(cls, options: Mapping[str, Any]) -> dict[str, Any]:
        options = dict(options or {})
        errors: list[str] = []
        if message := unknown_options(options, KNOWN_OPTIONS):
            errors.append(message)
        cap = options.get("max_adressen", DEFAULT_MAX_ADRESSEN)
        if isinstance(cap, bool) or not isinstance(cap, int) or not 1 <= cap <= MAX_MAX_ADRESSEN:
            errors.append(f"'max_adressen' must be a whole number from 1 to {MAX_MAX_ADRESSEN}.")
        if errors:
            raise ValidationError(errors)
        options["max_adressen"] = cap
        return options

    @property
    def max_adressen(self) -> int:
        cap = self.source.options.get("max_adressen", DEFAULT_MAX_ADRESSEN)
        return cap if isinstance(cap, int) and 1 <= cap <= MAX_MAX_ADRESSEN else DEFAULT_MAX_ADRESSEN

    # --- calling -------------------------------------------------------------------------
    def fetch(self, request: ConnectorRequest) -> ConnectorResult:
        operation = self.operation(request.operation)
        if operation.name == ADRES:
            return self._adres(request.params)
        return self._adres_zoeken(request.params)

    def _adres(self, params: Mapping[str, Any]) -> ConnectorResult:
        identificatie = clean_nummeraanduiding(params.get("nummeraanduidingIdentificatie"))
        response = SourceHttp(self.source).request(
            "GET", f"adressen/{quote(identificatie, safe='')}", headers=HAL_HEADERS
        )
        if response.status_code == 404:
            return ConnectorResult(
                status=Status.NOT_FOUND,
                detail="The BAG has no current address with this nummeraanduiding identificatie.",
            )
        adres = self._hal(response)
        if adres.get("nummeraanduidingIdentificatie") != identificatie:
            raise ConnectorError("The BAG answered with another address than asked for; dropped.")
        return ConnectorResult(status=Status.OK, data=without_hal(adres))

    def _adres_zoeken(self, params: Mapping[str, Any]) -> ConnectorResult:
        postcode = clean_postcode(params.get("postcode"))
        huisnummer = clean_huisnummer(params.get("huisnummer"))
        huisletter = clean_optional(params.get("huisletter"), HUISLETTER_RE, "a huisletter is one letter.")
        toevoeging = clean_optional(
            params.get("huisnummertoevoeging"), TOEVOEGING_RE,
            "a huisnummertoevoeging is 1 to 4 letters or digits.",
        )
        query: dict[str, Any] = {"postcode": postcode, "huisnummer": huisnummer}
        if huisletter:
            query["huisletter"] = huisletter
        if toevoeging:
            query["huisnummertoevoeging"] = toevoeging
        query["exacteMatch"] = "true"

        received, capped = self._collect(query)
        kept = [
            without_hal(a)
            for a in received
            if isinstance(a, dict)
            and a.get("postcode") == postcode
            and a.get("huisnummer") == huisnummer
            and _same(a.get("huisletter"), huisletter)
            and _same(a.get("huisnummertoevoeging"), toevoeging)
        ]
        notes = []
        if len(kept) < len(received):
            notes.append(
                f"Dropped {len(received) - len(kept)} address(es) that did not match the "
                "postcode, huisnummer, huisletter and toevoeging asked for."
            )
        if capped:
            notes.append(f"Stopped at max_adressen={self.max_adressen}: showing the first {len(received)}.")
        if not kept:
            notes.insert(0, "The BAG has no current address with this postcode and huisnummer.")
        return ConnectorResult(status=Status.OK, data=kept, detail=" ".join(notes))

    def _collect(self, query: dict[str, Any]) -> tuple[list[Any], bool]:
        """Addresses up to the cap, and whether the cap left some out."""
        cap = self.max_adressen
        page_size = max(MIN_PAGE_SIZE, min(cap, MAX_PAGE_SIZE))
        http = SourceHttp(self.source)
        received: list[Any] = []
        page = 1
        while True:
            response = http.request(
                "GET", "adressen", params={**query, "page": page, "pageSize": page_size}, headers=HAL_HEADERS
            )
            payload = self._hal(response)
            embedded = payload.get("_embedded") or {}
            adressen = embedded.get("adressen", []) if isinstance(embedded, dict) else None
            if not isinstance(adressen, list):
                raise ConnectorError("The BAG answer has no '_embedded.adressen' list.")
            links = payload.get("_links")
            has_next = isinstance(links, dict) and isinstance(links.get("next"), dict)
            room = cap - len(received)
            received.extend(adressen[:room])
            more = len(adressen) > room or has_next
            if not adressen or not more:
                return received, False
            if len(received) >= cap:
                return received, True
            page += 1

    def _hal(self, response: HttpResponse) -> dict[str, Any]:
        if response.status_code != 200:
            raise http_error(response, self.title)
        payload = response.json()
        if not isinstance(payload, dict):
            raise ConnectorError("The BAG answer is not a JSON object.")
        return payload

    def check_connection(self) -> CheckResult:
        # `GET info` needs the API key but returns only facts about the API itself.
        try:
            response = SourceHttp(self.source).request("GET", "info", headers={"Accept": "application/json"})
            info = self._hal(response)
        except ConnectorError as exc:
            return CheckResult(False, exc.detail)
        version = info.get("api-version")
        return CheckResult(True, "The BAG answered" + (f" (API version {version})." if isinstance(version, str) else "."))
