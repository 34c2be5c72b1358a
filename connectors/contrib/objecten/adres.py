"""The Objecten connector's operation keyed on an address: the objects that refer to it.

Spec: Objects API 2.7.0, `GET objects?type=<objecttype>&data_attr=<key>__exact__<BAG id>`, as the
subject operation but on another data attribute: the source option `adres_attribute`, the dotted
path inside the objecttype's data that holds the address's BAG nummeraanduiding id (for example
`adres.nummeraanduidingIdentificatie` in a permits objecttype). A source may have both options
(objects with a holder and an address), or only one of them; it offers the operations of the
attributes it has.

`objecten_op_adres` (param "nummeraanduidingIdentificatie"): the objects of the configured
objecttype whose `adres_attribute` is exactly that id. The Objects API ignores a misspelt filter
and then answers with every object, so each object must be of the objecttype and carry that id;
others are dropped and counted. Only the allowed fields are asked for (plus `type` and the
address attribute, for that check), and pages are read by number up to `max_objects`.

Objects within a pand's geometry (`POST objects/search` with `geometry.within`) are in pand.py.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from django.utils.translation import gettext_noop  # the admin's editor translates the descriptions

from ...base import Connector, ConnectorError, ConnectorRequest, ConnectorResult, Operation, Status
from ...http import SourceHttp
from ...listing import ListRequest, Paging, collect, drf_page
from ...params import Param
from .data import data_attr_filter, value_at
from .fields import OBJECT_FIELDS, fields_to_request
from .notes import answer_detail, withheld_fields

OBJECTEN_OP_ADRES = "objecten_op_adres"
# As for the subject operation (plugin.py): the spec's only CRS, and the API's largest page.
HEADERS = {"Accept": "application/json", "Accept-Crs": "EPSG:4326"}
MAX_PAGE_SIZE = 500
TITLE = "Objects API"
NUMMERAANDUIDING_RE = re.compile(r"^[0-9]{4}20[0-9]{10}$")

ADRES_OPERATION = Operation(
    name=OBJECTEN_OP_ADRES,
    description=gettext_noop("The objects of the configured objecttype that refer to an address (BAG nummeraanduiding id "
    "in the data attribute adres_attribute)."),
    subject_types=(),
    fields=OBJECT_FIELDS,
    params=("nummeraanduidingIdentificatie",),
    parameters=(Param("nummeraanduidingIdentificatie", pattern=NUMMERAANDUIDING_RE.pattern,
                      hint="16 digits with object-type code 20 at positions 5-6", required=True),),
    many=True,
)


def _nummeraanduiding(params: Mapping[str, Any]) -> str:
    unknown = sorted(set(params) - set(ADRES_OPERATION.params))
    if unknown:
        raise ConnectorError(f"{OBJECTEN_OP_ADRES} takes no parameter(s) {', '.join(unknown)}; it takes: nummeraanduidingIdentificatie.")
    value = params.get("nummeraanduidingIdentificatie")
    if value in (None, ""):
        raise ConnectorError("No address to look up objects for.", Status.SKIPPED)
    # A string only: as a number the leading zeros of the gemeentecode would be lost.
    if not isinstance(value, str) or not NUMMERAANDUIDING_RE.match(value):
        raise ConnectorError(
            "Refused to query objects without a valid nummeraanduidingIdentificatie "
            "(16 digits with object-type code 20 at positions 5-6)."
        )
    return value


def objecten_op_adres(connector: Connector, request: ConnectorRequest) -> ConnectorResult:
    """`connector` is the ObjectenConnector of the source (its options)."""
    options = connector.options
    attribute = options.adres_attribute
    if not attribute:
        raise ConnectorError("This Objecten source has no adres_attribute: it cannot find objects by address.")
    nummeraanduiding = _nummeraanduiding(request.params)
    fields = fields_to_request(tuple(request.fields), attribute)
    params = {
        "type": options.objecttype,
        "data_attr": data_attr_filter(attribute, nummeraanduiding),
        "fields": ",".join(fields),
    }

    def about_this_address(obj: Any) -> Any:
        if not isinstance(obj, dict) or obj.get("type") != options.objecttype:
            return None
        record = obj.get("record")
        data = record.get("data") if isinstance(record, dict) else None
        return obj if value_at(data, attribute) == nummeraanduiding else None

    found = collect(
        SourceHttp(connector.source), ListRequest("objects", params, HEADERS),
        paging=Paging(read=drf_page(TITLE), page_size=min(options.max_objects, MAX_PAGE_SIZE)),
        cap=options.max_objects, title=connector.title, keep=about_this_address,
    )
    detail = answer_detail(found, max_objects=options.max_objects, not_kept="not about this address",
                           none_found="No objects of this objecttype refer to this address.",
                           withheld=withheld_fields(found))
    return ConnectorResult(status=Status.OK, data=found.items, detail=detail, fields_requested=tuple(fields))
