"""Objects API 2.x connector: the objects of one objecttype that belong to a subject.

Spec: ../shared/specs/objecten/openapi.yaml (Objects API 2.7.0, objects-api 4.0), operation
`object_list`: `GET objects?type=<objecttype URL>&data_attr=<key>__exact__<value>`. The key is the
source's `data_attribute` option, a dotted path inside the objecttype's data (`eigenaar.bsn`),
which the API writes with double underscores (`eigenaar__bsn`). `data_attr` (one expression per
parameter) replaces the deprecated comma-separated `data_attrs`.

The Objects API ignores query parameters it does not know and then returns every object, so
each object that comes back is checked: its `type` must be the configured objecttype and its
`record.data[<key>]` must be the subject; others are dropped and counted in `detail`. A
numeric value counts as equal when it is the same number, as the API's `exact` operator does.

Only the allowed fields are asked for (`fields=`, see fields.py), always with `type` and the
data attribute so that the check above can be made. An object lacking a named field makes the
API answer 400, so a server that ignored the `data_attr` filter fails closed rather than open.

Pages are requested by number (`page`, `pageSize`) up to the `max_objects` cap; the `next` URL
in the answer only says whether there is more and is never fetched. The `Accept-Crs` header is
optional on reads; it is sent as the spec's only value, EPSG:4326.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

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
from .fields import OBJECT_FIELDS, fields_to_request

OBJECTEN = "objecten"
HEADERS = {"Accept": "application/json", "Accept-Crs": "EPSG:4326"}
DEFAULT_MAX_OBJECTS = 100
MAX_MAX_OBJECTS = 1000
# The API's own maximum page size.
MAX_PAGE_SIZE = 500
SUBJECT_PARAMS = ("bsn", "kvk")
KNOWN_OPTIONS = ("objecttype", "data_attribute", "max_objects")

# Each dotted part: letters and digits, single underscores inside. A double underscore is the
# API's nesting separator and would change the meaning of the filter.
_KEY_PART = r"[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*"
DATA_ATTRIBUTE_RE = re.compile(rf"^{_KEY_PART}(?:\.{_KEY_PART})*$")
# `data_attr` values may not hold `__`, `,` or `|` (the `in` separator): allow plain codes only.
SUBJECT_VALUE_RE = re.compile(r"^[A-Za-z0-9]+$")


def data_attr_filter(data_attribute: str, value: str) -> str:
    return "__".join([*data_attribute.split("."), "exact", value])


def value_at(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def matches_subject(value: Any, subject: str) -> bool:
    if isinstance(value, str):
        return value == subject
    if isinstance(value, int) and not isinstance(value, bool):
        return subject.isdigit() and value == int(subject)
    return False


@register("objecten")
class ObjectenConnector(Connector):
    title = "Objecten"
    operations = {
        OBJECTEN: Operation(
            name=OBJECTEN,
            description="The subject's objects of the configured objecttype (Object list).",
            subject_types=SUBJECT_PARAMS,
            fields=OBJECT_FIELDS,
            many=True,
        ),
    }

    # --- configuration -------------------------------------------------------------------
    @classmethod
    def validate_options(cls, options: Mapping[str, Any]) -> dict[str, Any]:
        options = dict(options or {})
        errors: list[str] = []
        if message := unknown_options(options, KNOWN_OPTIONS):
            errors.append(message
            )
        objecttype = options.get("objecttype")
        if not isinstance(objecttype, str) or not objecttype:
            errors.append("Give 'objecttype': the URL of the objecttype whose objects to show.")
        else:
            try:
                URLValidator(schemes=["http", "https"])(objecttype)
            except ValidationError:
                errors.append("'objecttype' must be an http(s) URL of an objecttype.")
        attribute = options.get("data_attribute")
        if not isinstance(attribute, str) or not attribute:
            errors.append(
                "Give 'data_attribute': the key in the object's data that holds the BSN or KVK "
                "number (for example 'bsn' or 'eigenaar.kvkNummer')."
            )
        elif not DATA_ATTRIBUTE_RE.match(attribute):
            errors.append(
                "'data_attribute' may only hold letters, digits, single underscores and dots "
                "between keys (for example 'bsn' or 'eigenaar.kvk_nummer')."
            )
        cap = options.get("max_objects", DEFAULT_MAX_OBJECTS)
        if isinstance(cap, bool) or not isinstance(cap, int) or not 1 <= cap <= MAX_MAX_OBJECTS:
            errors.append(f"'max_objects' must be a whole number from 1 to {MAX_MAX_OBJECTS}.")
        if errors:
            raise ValidationError(errors)
        options["max_objects"] = cap
        return options

    def _check_options(self) -> None:
        # Validated when the source was saved; checked again because they end up in the query.
        try:
            self.validate_options(self.source.options)
        except ValidationError as exc:
            raise ConnectorError("The Objecten source is misconfigured: " + " ".join(exc.messages)) from None

    @property
    def objecttype(self) -> str:
        return self.source.options["objecttype"]

    @property
    def data_attribute(self) -> str:
        return self.source.options["data_attribute"]

    @property
    def max_objects(self) -> int:
        return int(self.source.options.get("max_objects", DEFAULT_MAX_OBJECTS))

    # --- calling -------------------------------------------------------------------------
    def fetch(self, request: ConnectorRequest) -> ConnectorResult:
        self.operation(request.operation)
        self._check_options()
        subject = self._subject(request.params)
        fields = fields_to_request(tuple(request.fields), self.data_attribute)
        params = {
            "type": self.objecttype,
            "data_attr": data_attr_filter(self.data_attribute, subject),
            "fields": ",".join(fields),
        }
        received, total, capped, withheld = self._collect(params)
        kept = [obj for obj in received if self._belongs(obj, subject)]

        notes = []
        if len(kept) < len(received):
            notes.append(
                f"Dropped {len(received) - len(kept)} object(s) that were not of the configured "
                "objecttype or not about this subject (the Objects API may have ignored a filter)."
            )
        if capped:
            of_total = f" of {total}" if total is not None and total > len(received) else ""
            notes.append(
                f"Stopped at max_objects={self.max_objects}: showing the first {len(received)}"
                f"{of_total} objects."
            )
        if withheld:
            # Field names only (`objecttype:field,field`), never values.
            notes.append(f"The Objects API withheld fields for this token: {withheld[:200]}.")
        if not kept:
            notes.insert(0, "No objects of this objecttype for this subject.")
        return ConnectorResult(
            status=Status.OK, data=kept, detail=" ".join(notes), fields_requested=tuple(fields)
        )

    def _subject(self, params: Mapping[str, Any]) -> str:
        value = next((params[key] for key in SUBJECT_PARAMS if params.get(key)), None)
        if value is None:
            raise ConnectorError("The Objecten operation needs a 'bsn' or 'kvk' parameter.")
        value = str(value)
        if not SUBJECT_VALUE_RE.match(value):
            raise ConnectorError("The subject identifier cannot be used in an Objects API filter.")
        return value

    def _collect(self, params: dict[str, Any]) -> tuple[list[Any], int | None, bool, str]:
        """Objects up to the cap, the API's total count, whether the cap left some out, and the
        field-authorisation header (names of withheld fields)."""
        cap = self.max_objects
        http = SourceHttp(self.source)
        received: list[Any] = []
        total: int | None = None
        withheld = ""
        page = 1
        while True:
            response = http.request(
                "GET",
                "objects",
                params={**params, "page": page, "pageSize": min(cap, MAX_PAGE_SIZE)},
                headers=HEADERS,
            )
            payload = self._page(response)
            results = payload["results"]
            if isinstance(payload.get("count"), int):
                total = payload["count"]
            withheld = withheld or response.headers.get("X-Unauthorized-Fields", "")
            room = cap - len(received)
            received.extend(results[:room])
            more = len(results) > room or bool(payload.get("next"))
            if not results or not more:
                return received, total, False, withheld
            if len(received) >= cap:
                return received, total, True, withheld
            page += 1

    def _page(self, response: HttpResponse) -> dict[str, Any]:
        if response.status_code != 200:
            raise http_error(response, self.title)
        payload = response.json()
        if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
            raise ConnectorError("The Objects API answer has no 'results' list.")
        return payload

    def _belongs(self, obj: Any, subject: str) -> bool:
        if not isinstance(obj, dict) or obj.get("type") != self.objecttype:
            return False
        record = obj.get("record")
        data = record.get("data") if isinstance(record, dict) else None
        return matches_subject(value_at(data, self.data_attribute), subject)

    def check_connection(self) -> CheckResult:
        # One object's uuid at most: proves reachability, the token and that the API knows the
        # objecttype (it answers 400 on an unknown `type`), without asking for any data.
        try:
            self._check_options()
            params = {"type": self.objecttype, "fields": "uuid", "page": 1, "pageSize": 1}
            response = SourceHttp(self.source).request("GET", "objects", params=params, headers=HEADERS)
            payload = self._page(response)
        except ConnectorError as exc:
            return CheckResult(False, exc.detail)
        count = payload.get("count")
        counted = f"; {count} object(s) of this objecttype are visible to IKO" if isinstance(count, int) else ""
        return CheckResult(True, f"The Objects API answered (HTTP 200){counted}.")
