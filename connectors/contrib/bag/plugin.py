"""BAG API Individuele Bevragingen 2.x connector: current addresses by nummeraanduiding or postcode.

Spec: tests/specs/bag-individuele-bevragingen/openapi.yaml (BAG IB 2.6.0, Kadaster), HAL JSON.
- `adres`: `GET adressen/{nummeraanduidingIdentificatie}` (`bevraagAdressenMetNumId`), one `Adres`;
  404 means not found.
- `adres_zoeken`: `GET adressen?postcode=&huisnummer=[&huisletter=&huisnummertoevoeging=]
  &exacteMatch=true` (`bevraagAdressen`), the list under `_embedded.adressen`, paged with `page`
  and `pageSize` up to the `max_adressen` cap. With the parameter `exacteMatch` false (the spec's
  default), `exacteMatch=false`: the BAG also gives the addresses with a huisletter or toevoeging
  that was not asked for (31A, 31-2 beside 31), which is how IKO offers the choices when an
  address given as postcode and huisnummer is not exact.
- `adresseerbaar_object` and `pand`: the objects behind an address, see objects.py.

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
huisnummer, huisletter and toevoeging with exact matching; without it, the postcode and huisnummer
and the huisletter and toevoeging that were asked for); others are dropped and counted.
Paging, the cap and the check run in `connectors.listing.collect`.
"""

from __future__ import annotations

import re
from typing import Any, Mapping
from urllib.parse import quote

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop  # the admin's editor translates the descriptions

from ...base import CheckResult, Connector, ConnectorError, ConnectorRequest, ConnectorResult, Operation, Status
from ...http import SourceHttp
from ...listing import ListRequest, Page, Paging, answer_json, collect
from ...options import Integer, Options
from ...params import Param
from ...registry import register
from .fields import ADRES_FIELDS
from .objects import OBJECT_OPERATIONS, object_operation_run

ADRES = "adres"
ADRES_ZOEKEN = "adres_zoeken"
HAL_HEADERS = {"Accept": "application/hal+json"}
HAL_KEYS = ("_links", "_embedded")
# The spec's bounds of `pageSize`.
MIN_PAGE_SIZE, MAX_PAGE_SIZE = 10, 100

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


class BagOptions(Options):
    messages = {"integer": "'{name}' must be a whole number from {minimum} to {maximum}.",
                "range": "'{name}' must be a whole number from {minimum} to {maximum}{got}."}
    max_adressen = Integer(default=100, minimum=1, maximum=1000, help=_("the most addresses one search returns"))


def _hal_page(body: Any, _number: int) -> Page:
    embedded = body.get("_embedded") or {}
    adressen = embedded.get("adressen", []) if isinstance(embedded, dict) else None
    if not isinstance(adressen, list):
        raise ConnectorError("The BAG answer has no '_embedded.adressen' list.")
    links = body.get("_links")
    return Page(items=adressen, more=isinstance(links, dict) and isinstance(links.get("next"), dict))


POSTCODE = Param(
    "postcode", pattern=POSTCODE_RE.pattern, hint="four digits (not starting with 0) and two letters", required=True
)
HUISNUMMER = Param("huisnummer", type="integer", minimum=1, maximum=99999, required=True)


@register("bag")
class BagConnector(Connector):
    title = "BAG"
    options_class = BagOptions
    operations = {
        ADRES: Operation(
            name=ADRES,
            description=gettext_noop("One current address by nummeraanduiding identificatie (Adres)."),
            # Not a subject lookup: the id comes from a parent's data (BRP, KVK, Open Klant).
            subject_types=(),
            fields=ADRES_FIELDS,
            params=("nummeraanduidingIdentificatie",),
            parameters=(Param("nummeraanduidingIdentificatie", pattern=NUMMERAANDUIDING_RE.pattern,
                              hint="16 digits with object-type code 20 at positions 5-6", required=True),),
        ),
        ADRES_ZOEKEN: Operation(
            name=ADRES_ZOEKEN,
            description=gettext_noop("Current addresses by postcode and huisnummer, exact match (Adres list)."),
            subject_types=(),
            fields=ADRES_FIELDS,
            params=("postcode", "huisnummer", "huisletter", "huisnummertoevoeging", "exacteMatch"),
            parameters=(
                POSTCODE, HUISNUMMER, Param("huisletter", pattern=HUISLETTER_RE.pattern, hint="one letter"),
                Param("huisnummertoevoeging", pattern=TOEVOEGING_RE.pattern, hint="1 to 4 letters or digits"),
                Param("exacteMatch", type="boolean"),
            ),
            many=True,
        ),
        # The adresseerbaar object and the pand behind an address: see objects.py.
        **OBJECT_OPERATIONS,
    }

    # --- calling -------------------------------------------------------------------------
    def fetch(self, request: ConnectorRequest) -> ConnectorResult:
        operation = self.operation(request.operation)
        if operation.name in OBJECT_OPERATIONS:
            return object_operation_run(self, operation.name, request.params)
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
        adres = answer_json(response, title=self.title)
        if not isinstance(adres, dict):
            raise ConnectorError("The BAG answer is not a JSON object.")
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
        exact = params.get("exacteMatch", True) not in (False, "false")
        query["exacteMatch"] = "true" if exact else "false"

        cap = self.options.max_adressen

        def belongs(a: Any) -> Any | None:
            matches = (
                isinstance(a, dict)
                and a.get("postcode") == postcode
                and a.get("huisnummer") == huisnummer
                and (_same(a.get("huisletter"), huisletter) or (not exact and huisletter is None))
                and (_same(a.get("huisnummertoevoeging"), toevoeging) or (not exact and toevoeging is None))
            )
            return without_hal(a) if matches else None

        found = collect(
            SourceHttp(self.source), ListRequest("adressen", query, HAL_HEADERS),
            paging=Paging(read=_hal_page, page_size=max(MIN_PAGE_SIZE, min(cap, MAX_PAGE_SIZE))),
            cap=cap, keep=belongs, title=self.title,
        )
        notes = []
        if found.dropped:
            notes.append(
                f"Dropped {found.dropped} address(es) that did not match the "
                "postcode, huisnummer, huisletter and toevoeging asked for."
            )
        if found.cut:
            notes.append(f"Stopped at max_adressen={cap}: showing the first {found.read}.")
        if not found.items:
            notes.insert(0, "The BAG has no current address with this postcode and huisnummer.")
        return ConnectorResult(status=Status.OK, data=found.items, detail=" ".join(notes))

    def check_connection(self) -> CheckResult:
        # `GET info` needs the API key but returns only facts about the API itself.
        try:
            response = SourceHttp(self.source).request("GET", "info", headers={"Accept": "application/json"})
            info = answer_json(response, title=self.title)
        except ConnectorError as exc:
            return CheckResult(False, exc.detail)
        if not isinstance(info, dict):
            return CheckResult(False, "The BAG answer is not a JSON object.")
        version = info.get("api-version")
        return CheckResult(True, "The BAG answered" + (f" (API version {version})." if isinstance(version, str) else "."))
