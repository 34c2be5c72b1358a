"""Objects API 2.x connector: the objects of one objecttype that belong to a subject.

Spec: tests/specs/objecten/openapi.yaml (Objects API 2.7.0, objects-api 4.0), operation
`object_list`: `GET objects?type=<objecttype URL>&data_attr=<key>__exact__<value>`. The key is the
source's `data_attribute` option, a dotted path inside the objecttype's data (`eigenaar.bsn`),
which the API writes with double underscores (`eigenaar__bsn`). `data_attr` (one expression per
parameter) replaces the deprecated comma-separated `data_attrs`.

The objects that refer to an address (`objecten_op_adres`, option `adres_attribute`) are in
adres.py; the objects within a pand's geometry (`objecten_in_pand`, option `geometry_search`,
`POST objects/search`) in pand.py.

The Objects API ignores query parameters it does not know and then returns every object, so
each object that comes back is checked: its `type` must be the configured objecttype and its
`record.data[<key>]` must be the subject; others are dropped and counted in `detail`. A
numeric value counts as equal when it is the same number, as the API's `exact` operator does.

Only the allowed fields are asked for (`fields=`, see fields.py), always with `type` and the
data attribute so that the check above can be made. An object lacking a named field makes the
API answer 400, so a server that ignored the `data_attr` filter fails closed rather than open.

Pages are requested by number (`page`, `pageSize`) up to the `max_objects` cap; the `next` URL
in the answer only says whether there is more and is never fetched (`connectors.listing`). The `Accept-Crs` header is
optional on reads; it is sent as the spec's only value, EPSG:4326.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop  # the admin's editor translates the descriptions

from ...base import CheckResult, Connector, ConnectorError, ConnectorRequest, ConnectorResult, Operation, Status
from ...http import SourceHttp
from ...listing import ListRequest, Paging, answer_json, collect, drf_page
from ...options import Boolean, Integer, Options, Text, Url
from ...registry import register
from .adres import ADRES_OPERATION, OBJECTEN_OP_ADRES, objecten_op_adres
from .data import data_attr_filter, value_at
from .fields import OBJECT_FIELDS, fields_to_request
from .notes import answer_detail, withheld_fields
from .pand import OBJECTEN_IN_PAND, PAND_OPERATION, objecten_in_pand

OBJECTEN = "objecten"
HEADERS = {"Accept": "application/json", "Accept-Crs": "EPSG:4326"}
# The API's own maximum page size.
MAX_PAGE_SIZE = 500
SUBJECT_PARAMS = ("bsn", "kvk")
TITLE = "Objects API"

# Each dotted part: letters and digits, single underscores inside. A double underscore is the
# API's nesting separator and would change the meaning of the filter.
_KEY_PART = r"[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*"
DATA_ATTRIBUTE_RE = re.compile(rf"^{_KEY_PART}(?:\.{_KEY_PART})*$")
# `data_attr` values may not hold `__`, `,` or `|` (the `in` separator): allow plain codes only.
SUBJECT_VALUE_RE = re.compile(r"^[A-Za-z0-9]+$")


class ObjectenOptions(Options):
    messages = {"integer": "'{name}' must be a whole number from {minimum} to {maximum}.",
                "range": "'{name}' must be a whole number from {minimum} to {maximum}{got}."}
    objecttype = Url(required=True, messages={
        "required": "Give 'objecttype': the URL of the objecttype whose objects to show.",
        "url": "'objecttype' must be an http(s) URL of an objecttype.",
    })
    data_attribute = Text(pattern=DATA_ATTRIBUTE_RE.pattern, messages={
        "text": "Give 'data_attribute': the key in the object's data that holds the BSN or KVK number.",
        "pattern": "'data_attribute' may only hold letters, digits, single underscores and dots "
        "between keys (for example 'bsn' or 'eigenaar.kvk_nummer').",
    })
    # The key in the object's data that holds the BAG nummeraanduiding id (see adres.py).
    adres_attribute = Text(pattern=DATA_ATTRIBUTE_RE.pattern, messages={
        "text": _("Give 'adres_attribute': the key in the object's data that holds the BAG nummeraanduiding id."),
        "pattern": _("'adres_attribute' may only hold letters, digits, single underscores and dots between keys "
                     "(for example 'adres.nummeraanduiding_id')."),
    })
    # Whether the objecttype's objects have a geometry to search by (see pand.py).
    geometry_search = Boolean(default=False, help=_(
        "offer objecten_in_pand: the objects of this objecttype within a pand's geometry"))
    max_objects = Integer(default=100, minimum=1, maximum=1000, help=_("the most objects one call returns"))

    def check(self) -> list[str]:
        if not self.data_attribute and not self.adres_attribute and not self.geometry_search:
            return [str(_(
                "Give 'data_attribute': the key in the object's data that holds the BSN or KVK "
                "number (for example 'bsn' or 'eigenaar.kvkNummer'), or 'adres_attribute' for "
                "objects found by address, or switch on 'geometry_search' for objects found within a pand."
            ))]
        return []


def matches_subject(value: Any, subject: str) -> bool:
    if isinstance(value, str):
        return value == subject
    if isinstance(value, int) and not isinstance(value, bool):
        return subject.isdigit() and value == int(subject)
    return False


@register("objecten")
class ObjectenConnector(Connector):
    title = "Objecten"
    options_class = ObjectenOptions
    operations = {
        OBJECTEN: Operation(
            name=OBJECTEN,
            description=gettext_noop("The subject's objects of the configured objecttype (Object list)."),
            subject_types=SUBJECT_PARAMS,
            fields=OBJECT_FIELDS,
            many=True,
        ),
        # The objects that refer to an address: see adres.py.
        OBJECTEN_OP_ADRES: ADRES_OPERATION,
        # The objects within a pand's geometry: see pand.py.
        OBJECTEN_IN_PAND: PAND_OPERATION,
    }

    @classmethod
    def operations_for(cls, options: Mapping[str, Any]) -> Mapping[str, Operation]:
        """The subject operation with a `data_attribute`, the address operation with an
        `adres_attribute`, the pand operation with `geometry_search`: a source offers what its
        options can look up."""
        wanted = {OBJECTEN: "data_attribute", OBJECTEN_OP_ADRES: "adres_attribute", OBJECTEN_IN_PAND: "geometry_search"}
        return {name: op for name, op in cls.operations.items() if (options or {}).get(wanted[name])}

    # --- calling -------------------------------------------------------------------------
    def fetch(self, request: ConnectorRequest) -> ConnectorResult:
        self.operation(request.operation)
        options = self.options
        if request.operation == OBJECTEN_OP_ADRES:
            return objecten_op_adres(self, request)
        if request.operation == OBJECTEN_IN_PAND:
            return objecten_in_pand(self, request)
        if not options.data_attribute:
            raise ConnectorError("This Objecten source has no data_attribute: it cannot find objects by subject.")
        subject = self._subject(request.params)
        fields = fields_to_request(tuple(request.fields), options.data_attribute)
        params = {
            "type": options.objecttype,
            "data_attr": data_attr_filter(options.data_attribute, subject),
            "fields": ",".join(fields),
        }
        found = collect(
            SourceHttp(self.source), ListRequest("objects", params, HEADERS),
            paging=Paging(read=drf_page(TITLE), page_size=min(options.max_objects, MAX_PAGE_SIZE)),
            cap=options.max_objects, title=self.title,
            keep=lambda obj: obj if self._belongs(obj, subject, options) else None,
        )
        detail = answer_detail(found, max_objects=options.max_objects, not_kept="not about this subject",
                               none_found="No objects of this objecttype for this subject.",
                               withheld=withheld_fields(found))
        return ConnectorResult(status=Status.OK, data=found.items, detail=detail, fields_requested=tuple(fields))

    def _subject(self, params: Mapping[str, Any]) -> str:
        value = next((params[key] for key in SUBJECT_PARAMS if params.get(key)), None)
        if value is None:
            raise ConnectorError("The Objecten operation needs a 'bsn' or 'kvk' parameter.")
        value = str(value)
        if not SUBJECT_VALUE_RE.match(value):
            raise ConnectorError("The subject identifier cannot be used in an Objects API filter.")
        return value

    @staticmethod
    def _belongs(obj: Any, subject: str, options: ObjectenOptions) -> bool:
        if not isinstance(obj, dict) or obj.get("type") != options.objecttype:
            return False
        record = obj.get("record")
        data = record.get("data") if isinstance(record, dict) else None
        return matches_subject(value_at(data, options.data_attribute), subject)

    def check_connection(self) -> CheckResult:
        # One object's uuid at most: proves reachability, the token and that the API knows the
        # objecttype (it answers 400 on an unknown `type`), without asking for any data.
        try:
            params = {"type": self.options.objecttype, "fields": "uuid", "page": 1, "pageSize": 1}
            response = SourceHttp(self.source).request("GET", "objects", params=params, headers=HEADERS)
            payload = answer_json(response, title=self.title)
            drf_page(TITLE)(payload, 1)
        except ConnectorError as exc:
            return CheckResult(False, exc.detail)
        count = payload.get("count")
        counted = f"; {count} object(s) of this objecttype are visible to IKO" if isinstance(count, int) else ""
        return CheckResult(True, f"The Objects API answered (HTTP 200){counted}.")
