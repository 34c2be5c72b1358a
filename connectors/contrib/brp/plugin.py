"""BRP Personen API 2.x connector: a person by BSN, or persons by search, asking only for the
allowed fields.

Spec: tests/specs/brp-personen/openapi.yaml (BRP API Personen 2.7.0), one operation
`POST /personen` with a JSON body polymorphic on `type`. Personal data goes in the body, never in
the URL. The automatic fields are never put in `fields` (the API answers 400 to that).

Operations (each a `type` of the query):
- `RaadpleegMetBurgerservicenummer` (subject "bsn"): one `Persoon`. `burgerservicenummer` is
  always in `fields`, so the answer can be checked to be about the person asked for.
- `ZoekMetGeslachtsnaamEnGeboortedatum`, `ZoekMetPostcodeEnHuisnummer`,
  `ZoekMetNaamEnGemeenteVanInschrijving`, `ZoekMetStraatHuisnummerEnGemeenteVanInschrijving`,
  `ZoekMetNummeraanduidingIdentificatie`, `ZoekMetAdresseerbaarObjectIdentificatie` (the last
  two: the residents at an address; no subject;
  the spec's parameters, see `search.py`): a list of `PersoonBeperkt`, possibly empty. `fields`
  holds exactly the fields asked for. Parameters are checked against the spec before sending.

The markers (`fields.PERSOON_MARKERS`: geheimhouding, inOnderzoek, opschortingBijhouding) are
deliverable fields of every operation and its `markers`; they are never put in `fields`, since
the BRP delivers them by itself.

No retries: every BRP query is a logged provision of personal data. Purpose-binding headers
(x-doelbinding and friends) go out when the source is configured for them, with the purpose's
search doelbinding for the `ZoekMet...` types: see `protocol.py`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop  # the admin's editor translates the descriptions

from ...base import (
    CheckResult,
    Connector,
    ConnectorError,
    ConnectorRequest,
    ConnectorResult,
    Operation,
    Status,
)
from ...errors import http_error
from ...http import SourceHttp
from ...registry import register
from .fields import (
    PERSOON_BEPERKT_FIELDS,
    PERSOON_BEPERKT_MARKERS,
    PERSOON_FIELDS,
    PERSOON_MARKERS,
    is_automatic,
)
from .protocol import BrpOptions, clean_options, protocol_headers
from .search import SEARCH_TYPES, search_body, search_parameters_schema

RAADPLEEG_MET_BSN = "RaadpleegMetBurgerservicenummer"
# The spec's request media type, charset included.
HEADERS = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8"}


def fields_to_request(allowed: tuple[str, ...]) -> list[str]:
    """The `fields` of the query: the allowed ones without automatic fields, plus the BSN."""
    fields = [path for path in allowed if not is_automatic(path)]
    if "burgerservicenummer" not in fields:
        fields.insert(0, "burgerservicenummer")
    return fields


@register("brp")
class BrpPersonenConnector(Connector):
    title = "BRP Personen"
    options_class = BrpOptions
    operations = {
        RAADPLEEG_MET_BSN: Operation(
            name=RAADPLEEG_MET_BSN,
            description=gettext_noop("One person by BSN (Persoon)."),
            subject_types=("bsn",),
            fields=PERSOON_FIELDS + PERSOON_MARKERS,
            markers=PERSOON_MARKERS,
        ),
        **{
            search.name: Operation(
                name=search.name,
                description=search.description,
                subject_types=(),
                fields=PERSOON_BEPERKT_FIELDS + PERSOON_BEPERKT_MARKERS,
                params=search.params,
                parameters=search_parameters_schema(search),
                markers=PERSOON_BEPERKT_MARKERS,
                many=True,
            )
            for search in SEARCH_TYPES.values()
        },
    }

    @classmethod
    def validate_options(cls, options):
        """Stored as given (checked by `BrpOptions`): the defaults stay in the code."""
        return clean_options(options)

    def request_headers(self, request: ConnectorRequest) -> dict[str, str]:
        """The media-type headers, the W3C trace context and (when configured) the purpose."""
        headers = dict(HEADERS)
        if request.context.traceparent:
            headers["traceparent"] = request.context.traceparent
        headers.update(protocol_headers(self.source.options, request.context, operation=request.operation))
        return headers

    def fetch(self, request: ConnectorRequest) -> ConnectorResult:
        self.operation(request.operation)
        if request.operation in SEARCH_TYPES:
            return self._search(request)
        bsn = str(request.params["bsn"])
        fields = fields_to_request(request.fields)
        body = {"type": RAADPLEEG_MET_BSN, "burgerservicenummer": [bsn], "fields": fields}
        personen = self._query(body, headers=self.request_headers(request))
        if not personen:
            return ConnectorResult(
                status=Status.NOT_FOUND,
                detail="The BRP has no person with this BSN.",
                fields_requested=tuple(fields),
            )
        persoon = next(
            (p for p in personen if isinstance(p, dict) and p.get("burgerservicenummer") == bsn),
            None,
        )
        if persoon is None:
            # Never pass on data about someone else than the subject.
            raise ConnectorError("The BRP answered about another person than asked; dropped.")
        return ConnectorResult(status=Status.OK, data=persoon, fields_requested=tuple(fields))

    def _search(self, request: ConnectorRequest) -> ConnectorResult:
        # Checked before the headers: a malformed search is refused without any purpose check.
        body = search_body(SEARCH_TYPES[request.operation], request.params, request.fields)
        personen = self._query(body, headers=self.request_headers(request))
        if not all(isinstance(persoon, dict) for persoon in personen):
            raise ConnectorError("The BRP answer's 'personen' are not all objects.")
        return ConnectorResult(
            status=Status.OK,
            data=personen,
            detail="" if personen else "The BRP found no person matching the search.",
            fields_requested=tuple(body["fields"]),
        )

    def _query(self, body: dict[str, Any], *, headers: dict[str, str]) -> list[Any]:
        response = SourceHttp(self.source).request(
            "POST", "personen", json_body=body, headers=headers
        )
        if response.status_code != 200:
            raise http_error(response, self.title)
        payload = response.json()
        personen = payload.get("personen") if isinstance(payload, dict) else None
        if not isinstance(personen, list):
            raise ConnectorError("The BRP answer has no 'personen' list.")
        answered = payload.get("type")
        if answered is not None and answered != body["type"]:
            # The source's value is not echoed: a detail holds only what IKO itself wrote.
            raise ConnectorError(f"The BRP answered another query type than {body['type']}; dropped.")
        return personen

    def check_connection(self) -> CheckResult:
        # An empty BSN list is a request the API must refuse with 400 before looking anything
        # up: that proves reachability and accepted credentials without querying a person.
        body = {"type": RAADPLEEG_MET_BSN, "burgerservicenummer": [], "fields": ["burgerservicenummer"]}
        try:
            response = SourceHttp(self.source).request(
                "POST", "personen", json_body=body, headers=HEADERS
            )
        except ConnectorError as exc:
            return CheckResult(False, exc.detail)
        if response.status_code in (200, 400):
            return CheckResult(True, f"The BRP answered (HTTP {response.status_code}).")
        return CheckResult(False, http_error(response, self.title).detail)
