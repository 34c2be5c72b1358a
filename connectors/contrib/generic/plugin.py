"""Generic JSON/REST connector: GET-only calls to any JSON API under one configured server.

For the registers no dedicated plugin covers, such as a municipality's own income or benefits
register. There is no spec to implement: the admin describes each operation in the source's
options (see `options.py`), for example the demo "inkomensregister"
(demo/servers/generic.py, demo/servers/generic_openapi.yaml)::

    {"operations": {
        "inkomens": {
            "path": "inkomens", "query": {"bsn": "{bsn}"}, "subject_types": ["bsn"],
            "fields": ["jaar", "bedrag", "bron"], "many": true,
            "items_pointer": "/results", "subject_pointer": "/bsn", "next_pointer": "/next"},
        "uitkeringen": {
            "path": "personen/{bsn}/uitkeringen", "subject_types": ["bsn"],
            "fields": ["regeling", "bedragPerMaand"], "many": true,
            "items_pointer": "/_embedded/uitkeringen", "subject_pointer": "/burgerservicenummer"}}}

Safety rules:
- only GET, only below the server's API root: path placeholders are URL-quoted, so no value can
  add a segment, ``..``, a query or a fragment (`templates.py`); next-page links are followed
  only when they lie under the same API root;
- each item (or the single answer) must carry the subject at ``subject_pointer``; other items
  are dropped and counted in `detail`, because a misspelt filter makes many APIs answer with
  every record. An operation without it is refused unless the admin marked it
  ``"ownership": "unchecked"``; then every result carries a warning (`ConnectorResult.warnings`)
  that a view must show;
- JSON answers only; problem+json errors are mapped by `connectors/errors.py`.
Because operations are defined per source, the class-level `operations` is empty; the admin and
the profile checks ask `operations_for(options)`. Lists are read with `connectors.listing`.
"""

from __future__ import annotations

import re
from time import monotonic
from typing import Any, Mapping

from django.core.exceptions import ValidationError

from ...base import CheckResult, Connector, ConnectorError, ConnectorRequest, ConnectorResult, Operation, Status
from ...errors import http_error
from ...http import HttpResponse, SourceHttp
from ...listing import ListRequest, Page, Paging, collect
from ...registry import register
from .options import (
    DEFAULT_MAX_ITEMS,
    DEFAULT_MAX_PAGES,
    GenericOptions,
    OperationSpec,
    parse_operation,
    parse_options,
)
from .pointers import MISSING, resolve
from .templates import fill_path, fill_query, parse_path, value_text

HEADERS = {"Accept": "application/json"}
SHOWN_CONTENT_TYPE = re.compile(r"[^A-Za-z0-9.+/_-]")


def is_json(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def owns(item: Any, pointer: tuple[str, ...], subject: str) -> bool:
    """True when the item carries the subject's identifier at the pointer (text or number)."""
    value = resolve(item, pointer)
    if value is MISSING or isinstance(value, bool) or not isinstance(value, (str, int)):
        return False
    return str(value) == subject


@register("generic")
class GenericJsonConnector(Connector):
    title = "Generic JSON/REST API"
    options_class = GenericOptions
    # Defined per source in the options; see `operations_for`.
    operations: Mapping[str, Operation] = {}

    @classmethod
    def validate_options(cls, options: Mapping[str, Any]) -> dict[str, Any]:
        return parse_options(options).as_dict()

    @classmethod
    def operations_for(cls, options: Mapping[str, Any]) -> dict[str, Operation]:
        """The operations a source with these options offers; none while its options are invalid."""
        try:
            parsed = parse_options(options)
        except ValidationError:
            return {}
        return {name: spec.as_operation() for name, spec in parsed.operations.items()}

    # --- calling -------------------------------------------------------------------------
    @property
    def label(self) -> str:
        return f"Source {self.source.name!r}"

    def declared(self, name: str) -> Operation | None:
        try:
            return self.spec(name).as_operation()
        except ConnectorError:
            return None

    def spec(self, name: str) -> OperationSpec:
        cached = getattr(self, "_specs", None)
        if cached is None:
            cached = self._specs = {}
        if name not in cached:
            cached[name] = self._parse_spec(name)
        return cached[name]

    def _parse_spec(self, name: str) -> OperationSpec:
        operations = self.source.options.get("operations")
        if not isinstance(operations, Mapping) or name not in operations:
            raise ConnectorError(f"{self.label} has no operation {name!r}.")
        try:
            return parse_operation(name, operations[name])
        except ValidationError as exc:
            raise ConnectorError(
                f"{self.label} has invalid options for {name!r}: {'; '.join(exc.messages)}"
            ) from None

    def fetch(self, request: ConnectorRequest) -> ConnectorResult:
        spec = self.spec(request.operation)
        values = {name: request.params.get(name) for name in spec.placeholders}
        path = fill_path(spec.path, values)
        query = fill_query(spec.query, values)
        subject = None
        if spec.subject_pointer is not None:
            # The identifier as asked, checked before any call is made.
            subject = value_text(spec.subject_type, request.params.get(spec.subject_type))
        http = SourceHttp(self.source)
        if not spec.many:
            response = self._get(http, path, query)
            document = self._answer(spec, response)
            if subject is not None and not owns(document, spec.subject_pointer, subject):
                # Never pass on data about someone else than the subject.
                raise ConnectorError(
                    f"{self.label} answered about another subject than asked; dropped."
                )
            return ConnectorResult(status=Status.OK, data=document)

        def keep(item: Any) -> Any | None:
            return item if subject is None or owns(item, spec.subject_pointer, subject) else None

        max_items = self._limit("max_items", DEFAULT_MAX_ITEMS)
        max_pages = self._limit("max_pages", DEFAULT_MAX_PAGES)
        found = collect(
            http, ListRequest(path, query, HEADERS),
            paging=Paging(read=lambda body, _n: self._page(spec, body), page_param=None, size_param=None),
            cap=max_items, keep=keep, title=self.label, max_pages=max_pages,
            answer=lambda response: self._answer(spec, response),
            # Module-level `monotonic`, so all pages share the source's timeout on one clock.
            clock=lambda: monotonic(),
        )
        notes: list[str] = []
        if found.dropped:
            notes.append(
                f"Dropped {found.dropped} item(s) that did not belong to the subject "
                f"(checked at {spec.cleaned['subject_pointer']})."
            )
        if found.stopped == "next_foreign":
            notes.append(
                "A next-page link outside the configured server was not followed; "
                "the list may be incomplete."
            )
        elif found.stopped == "max_pages":
            notes.append(f"Stopped after {max_pages} pages (max_pages); the list may be incomplete.")
        elif found.cut:
            notes.append(f"The list was cut at {max_items} items (max_items).")
        return ConnectorResult(status=Status.OK, data=found.items, detail=" ".join(notes))

    def _page(self, spec: OperationSpec, document: Any) -> Page:
        next_url = self._next_url(spec, document)
        return Page(items=self._items(spec, document), more=bool(next_url), next_url=next_url)

    def _answer(self, spec: OperationSpec, response: HttpResponse) -> Any:
        if response.status_code in spec.not_found_statuses:
            raise ConnectorError(
                f"{self.label} has no data for this subject (HTTP {response.status_code}).", Status.NOT_FOUND
            )
        return self._json(response)

    def _items(self, spec: OperationSpec, document: Any) -> list[Any]:
        items = document if spec.items_pointer is None else resolve(document, spec.items_pointer)
        if not isinstance(items, list):
            where = spec.cleaned["items_pointer"] or "the top level"
            raise ConnectorError(f"{self.label} answered without a list at {where}.")
        return items

    def _next_url(self, spec: OperationSpec, document: Any) -> str | None:
        if spec.next_pointer is None:
            return None
        value = resolve(document, spec.next_pointer)
        return value if isinstance(value, str) and value else None

    def _limit(self, key: str, default: int) -> int:
        value = self.source.options.get(key, default)
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default

    def _get(
        self, http: SourceHttp, path: str, query: Mapping[str, str] | None
    ) -> HttpResponse:
        # The one place this connector calls out: GET only.
        return http.request("GET", path, params=query or None, headers=HEADERS)

    def _json(self, response: HttpResponse) -> Any:
        if not 200 <= response.status_code < 300:
            raise http_error(response, self.label)
        if not is_json(response.content_type):
            shown = SHOWN_CONTENT_TYPE.sub("", response.content_type)[:60] or "none"
            raise ConnectorError(
                f"{self.label} answered with content type {shown} instead of JSON "
                f"(HTTP {response.status_code})."
            )
        return response.json()

    def check_connection(self) -> CheckResult:
        # GET the configured check path (default: the API root itself): no placeholders, so it
        # cannot ask for anyone's data.
        check_path = self.source.options.get("check_path") or ""
        try:
            if parse_path(check_path).names:
                return CheckResult(False, "check_path may not contain placeholders.")
        except ValueError as exc:
            return CheckResult(False, f"check_path {exc}.")
        try:
            response = self._get(SourceHttp(self.source), check_path, None)
        except ConnectorError as exc:
            return CheckResult(False, exc.detail)
        code = response.status_code
        if 200 <= code < 300:
            return CheckResult(True, f"{self.label} answered (HTTP {code}).")
        if code in (401, 403, 407) or code >= 500 or check_path:
            return CheckResult(False, http_error(response, self.label).detail)
        # An API root often has no resource of its own; an answer proves reachability, no more.
        return CheckResult(
            True,
            f"{self.label} is reachable (HTTP {code} at the API root); set check_path for a "
            "stricter check.",
            warning=True,
        )
