"""KVK Handelsregister connector: search registrations, a company's basisprofiel, a branch's profile.

Specs (tests/specs/kvk/): API Zoeken 2.1.0 (zoeken-api-v2.yaml), API Basisprofiel 1.5.0
(basisprofiel-api-v1.yaml), API Vestigingsprofiel 1.4 (vestigingsprofiel-api-v1.yaml).

The server's API root is KVK's root **including `/api`**: `https://api.kvk.nl/api/` (production)
or `https://api.kvk.nl/test/api/` (test). The three APIs live below it under their own version:
`v2/zoeken`, `v1/basisprofielen/{kvkNummer}`, `v1/vestigingsprofielen/{vestigingsnummer}`, so one
server serves all operations even though the spec files declare their servers differently.

Auth is the server's business: configure it in zgw_consumers as API key auth with header key
`apikey`. KVK has no field selection; `geoData=true` (the BAG ids of each address) is asked for
only when an allowed field needs it, unless the `geo_data` option says otherwise. KVK answers are
checked to be about the number asked for; HAL links in the data are never followed. The
vestigingen at an address (`vestigingen_op_adres`) are in adres.py.
"""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import quote

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop  # the admin's editor translates the descriptions

from ...base import CheckResult, Connector, ConnectorError, ConnectorRequest, ConnectorResult, Operation, Status
from ...http import HttpResponse, SourceHttp
from ...listing import ListRequest, Page, Paging, answer_json, collect
from ...options import Choice, Integer, Options
from ...registry import register
from .adres import ADRES_OPERATIONS, vestigingen_op_adres
from .errors import describe, fouten, kvk_error
from .fields import BASISPROFIEL_FIELDS, VESTIGINGSPROFIEL_FIELDS, ZOEKEN_FIELDS, needs_geo_data
from .params import IDENTIFIER_PARAMS, ZOEKEN_PARAMETERS, ZOEKEN_PARAMS, required_identifier, zoeken_query

ZOEKEN_PATH = "v2/zoeken"
BASISPROFIEL_PATH = "v1/basisprofielen/{}"
VESTIGINGSPROFIEL_PATH = "v1/vestigingsprofielen/{}"
# Every KVK spec offers application/hal+json; Zoeken and Basisprofiel also application/json.
HEADERS = {"Accept": "application/hal+json, application/json;q=0.9"}

# API Zoeken: at most 100 per page, pages 1-1000, never more than 1000 results in all.
KVK_MAX_PAGE_SIZE = 100
KVK_MAX_PAGE = 1000
KVK_MAX_RESULTS = 1000

# A KVK number that KVK never issued: the connection check asks about no company.
CHECK_KVK_NUMMER = "00000000"


class KvkOptions(Options):
    max_results = Integer(default=100, minimum=1, maximum=KVK_MAX_RESULTS,
                          help=_("the most search results one zoeken call returns"))
    page_size = Integer(default=100, minimum=1, maximum=KVK_MAX_PAGE_SIZE, help=_("resultatenPerPagina per search page"))
    geo_data = Choice(default="auto", choices=("auto", True, False),
                      help=_('"auto" asks geoData=true only when an allowed field needs it'))


def _zoeken_page(page_size: int):
    def read(body: Any, pagina: int) -> Page:
        if not isinstance(body, dict):
            raise ConnectorError("KVK's zoeken answer is not a JSON object.")
        resultaten = body.get("resultaten")
        if not isinstance(resultaten, list) or not all(isinstance(i, dict) for i in resultaten):
            raise ConnectorError("KVK's zoeken answer has no list of 'resultaten'.")
        totaal = body.get("totaal") if isinstance(body.get("totaal"), int) else None
        more = pagina * page_size < min(totaal, KVK_MAX_RESULTS) if totaal is not None else bool(body.get("volgende"))
        # `volgende` is only read as "there is more": the next page is asked for by number.
        more = more and len(resultaten) >= page_size and pagina < KVK_MAX_PAGE
        return Page(items=resultaten, more=more, count=totaal)

    return read


@register("kvk")
class KvkConnector(Connector):
    title = "KVK Handelsregister"
    options_class = KvkOptions
    operations = {
        "zoeken": Operation(
            name="zoeken",
            description=gettext_noop("Search registrations (ResultaatItem per vestiging or rechtspersoon) by "
            "KVK number, RSIN, vestigingsnummer, naam or address; API Zoeken v2."),
            subject_types=("kvk",),
            fields=ZOEKEN_FIELDS,
            params=ZOEKEN_PARAMS,
            parameters=ZOEKEN_PARAMETERS,
            many=True,
        ),
        "basisprofiel": Operation(
            name="basisprofiel",
            description=gettext_noop("A company's basisprofiel by KVK number, with its hoofdvestiging and "
            "eigenaar; API Basisprofiel v1."),
            subject_types=("kvk",),
            fields=BASISPROFIEL_FIELDS,
            params=("kvkNummer",),
            parameters=(IDENTIFIER_PARAMS["kvkNummer"],),
        ),
        "vestigingsprofiel": Operation(
            name="vestigingsprofiel",
            description=gettext_noop("One vestiging (branch) by vestigingsnummer; API Vestigingsprofiel v1."),
            subject_types=(),
            fields=VESTIGINGSPROFIEL_FIELDS,
            params=("vestigingsnummer",),
            parameters=(IDENTIFIER_PARAMS["vestigingsnummer"],),
        ),
        # The vestigingen at an address: see adres.py.
        **ADRES_OPERATIONS,
    }

    # --- calling -------------------------------------------------------------------------
    def fetch(self, request: ConnectorRequest) -> ConnectorResult:
        operation = self.operation(request.operation)
        if operation.name in ADRES_OPERATIONS:
            return vestigingen_op_adres(self, request)
        if operation.name == "zoeken":
            return self._zoeken(request)
        if operation.name == "basisprofiel":
            return self._basisprofiel(request)
        return self._vestigingsprofiel(request)

    def _get(self, path: str, params: Mapping[str, Any], *, not_found: str) -> HttpResponse:
        response = SourceHttp(self.source).request("GET", path, params=params, headers=HEADERS)
        if response.status_code != 200:
            raise kvk_error(
                response, title=self.title, not_found_detail=not_found, service=self.source.service
            )
        return response

    def _object(self, response: HttpResponse, what: str) -> dict[str, Any]:
        payload = response.json()
        if not isinstance(payload, dict):
            raise ConnectorError(f"KVK's {what} answer is not a JSON object.")
        return payload

    def _geo_data(self, request: ConnectorRequest, declared: tuple[str, ...]) -> str:
        setting = self.options.geo_data
        wanted = needs_geo_data(request.fields, declared) if setting == "auto" else setting
        return "true" if wanted else "false"

    def _basisprofiel(self, request: ConnectorRequest) -> ConnectorResult:
        kvk_nummer = required_identifier(request.params, "kvkNummer", "kvk")
        response = self._get(
            BASISPROFIEL_PATH.format(quote(kvk_nummer, safe="")),
            {"geoData": self._geo_data(request, BASISPROFIEL_FIELDS)},
            not_found="KVK has no basisprofiel for this KVK number.",
        )
        profiel = self._object(response, "basisprofiel")
        embedded = profiel.get("_embedded")
        hoofdvestiging = embedded.get("hoofdvestiging") if isinstance(embedded, dict) else None
        if profiel.get("kvkNummer") != kvk_nummer or (
            isinstance(hoofdvestiging, dict)
            and hoofdvestiging.get("kvkNummer") not in (None, kvk_nummer)
        ):
            # Never pass on data about another company than the subject.
            raise ConnectorError("KVK answered about another registration than asked; dropped.")
        return ConnectorResult(Status.OK, data=profiel, detail=_warning(response))

    def _vestigingsprofiel(self, request: ConnectorRequest) -> ConnectorResult:
        vestigingsnummer = required_identifier(request.params, "vestigingsnummer")
        response = self._get(
            VESTIGINGSPROFIEL_PATH.format(quote(vestigingsnummer, safe="")),
            {"geoData": self._geo_data(request, VESTIGINGSPROFIEL_FIELDS)},
            not_found="KVK has no vestiging with this vestigingsnummer.",
        )
        vestiging = self._object(response, "vestigingsprofiel")
        if vestiging.get("vestigingsnummer") != vestigingsnummer:
            raise ConnectorError("KVK answered about another vestiging than asked; dropped.")
        return ConnectorResult(Status.OK, data=vestiging, detail=_warning(response))

    def _zoeken(self, request: ConnectorRequest) -> ConnectorResult:
        options = self.options
        query = zoeken_query(request.params)
        max_results = options.max_results
        page_size = min(options.page_size, max_results)
        found = collect(
            SourceHttp(self.source), ListRequest(ZOEKEN_PATH, query, HEADERS),
            paging=Paging(read=_zoeken_page(page_size), page_param="pagina",
                          size_param="resultatenPerPagina", page_size=page_size),
            cap=max_results, title=self.title,
            answer=lambda response: answer_json(response, title=self.title, error=lambda r: kvk_error(
                r, title=self.title, service=self.source.service,
                not_found_detail="KVK found no registration matching the search.",
            )),
        )
        items, totaal = found.items, found.count
        notes = []
        if found.cut:
            notes.append(
                f"Showing the first {max_results} of "
                f"{totaal if totaal is not None else 'more'} results (the source's max_results)."
            )
        elif totaal is not None and totaal > KVK_MAX_RESULTS and len(items) >= KVK_MAX_RESULTS:
            notes.append(f"KVK shows at most {KVK_MAX_RESULTS} of {totaal} results.")

        kept = [item for item in items if _belongs(item, query, items)]
        if len(kept) < len(items):
            dropped = len(items) - len(kept)
            if not kept:
                raise ConnectorError(
                    f"KVK answered only with registrations other than asked for ({dropped}); dropped."
                )
            notes.append(f"Dropped {dropped} result(s) that did not match the number asked for.")
        warning = next((w for w in map(_header_warning, found.headers) if w), "")
        if warning:
            notes.append(warning)
        return ConnectorResult(Status.OK, data=kept, detail=" ".join(notes))

    # --- admin ---------------------------------------------------------------------------
    def check_connection(self) -> CheckResult:
        root = self.source.service.api_root
        if root.rstrip("/").endswith(("/v1", "/v2")):
            return CheckResult(
                False,
                "The API root should be KVK's root ending in /api/ (e.g. https://api.kvk.nl/api/), "
                "without the API version; IKO adds v2/zoeken, v1/basisprofielen and "
                "v1/vestigingsprofielen itself.",
            )
        # A search for a number KVK never issued: a 404 with a KVK error body proves that the
        # server is KVK's API and accepted the key, without asking about any company.
        try:
            response = SourceHttp(self.source).request(
                "GET", ZOEKEN_PATH, params={"kvkNummer": CHECK_KVK_NUMMER}, headers=HEADERS
            )
        except ConnectorError as exc:
            return CheckResult(False, exc.detail)
        if response.status_code == 200 or (response.status_code in (400, 404) and fouten(response)):
            return CheckResult(True, f"KVK API Zoeken answered (HTTP {response.status_code}).")
        error = kvk_error(
            response, title=self.title, not_found_detail="", service=self.source.service
        )
        return CheckResult(False, error.detail)


def _belongs(item: dict[str, Any], query: Mapping[str, Any], items: list[dict[str, Any]]) -> bool:
    """Whether a search result matches the identifiers searched for (misspelt-filter guard).

    Vestiging results need not carry the RSIN of their rechtspersoon; they belong when they
    share the KVK number of a result that does carry the RSIN asked for.
    """
    if "kvkNummer" in query and item.get("kvkNummer") != query["kvkNummer"]:
        return False
    if "vestigingsnummer" in query and item.get("vestigingsnummer") != query["vestigingsnummer"]:
        return False
    if "rsin" in query:
        rsin = item.get("rsin")
        if rsin is not None:
            return rsin == query["rsin"]
        owners = {i.get("kvkNummer") for i in items if i.get("rsin") == query["rsin"]}
        return item.get("kvkNummer") in owners
    return True


def _warning(response: HttpResponse) -> str:
    return _header_warning(response.headers)


def _header_warning(headers: Mapping[str, str]) -> str:
    """KVK announces the end of an API version in a `warning` header (RFC 7234, code 299)."""
    text = str(headers.get("warning") or "").strip()
    if not text:
        return ""
    return "KVK warns: " + describe([{"omschrijving": text}])
