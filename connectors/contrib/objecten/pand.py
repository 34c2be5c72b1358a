"""The Objecten connector's operation keyed on a building: the objects within a pand's geometry.

Spec: Objects API 2.7.0 (tests/specs/objecten/openapi.yaml), operation `object_search`:
`POST objects/search?page=<n>&pageSize=<m>` with the body
`{"geometry": {"within": <GeoJSON Polygon or MultiPolygon>}, "type": <objecttype URL>}` and the
headers `Content-Crs: EPSG:4326` (required) and `Accept-Crs: EPSG:4326`. A source offers it when its
option `geometry_search` is on (its objecttype has a geometry); it searches the source's one
objecttype, as the other operations do.

`objecten_in_pand` (param "geometrie"): the BAG pand's `geometrie` as the parent relation's data
holds it (input `{geometrie: .geometrie}` under a relation with the BAG's `pand` operation), an
object rather than a value (`item_params`), so no connector asks another's source. It is in RD
(EPSG:28992), the only CRS the BAG serves; geometry.py converts it to EPSG:4326 for the search.

What comes back is checked, because the Objects API ignores what it does not understand and then
answers with every object: each object must be of the configured objecttype, have a geometry, and
every position of that geometry must lie within the polygon that was sent (geometry.py, `within`).
Objects that fail are dropped and counted in `detail`; an object without a geometry cannot be shown
to lie in this pand and is dropped too. The search answers whole objects (it has no `fields`), so
the operation keeps only the fields it is asked for. Pages are read by number up to `max_objects`.
"""

from __future__ import annotations

from typing import Any

from ...base import Connector, ConnectorError, ConnectorRequest, ConnectorResult, Operation, Status
from ...http import SourceHttp
from ...listing import ListRequest, Paging, collect, drf_page
from ...params import Param
from .fields import GEOMETRY_OBJECT_FIELDS
from .geometry import GeometryInvalid, pand_geometry_to_wgs84, within
from .notes import answer_detail

OBJECTEN_IN_PAND = "objecten_in_pand"
CRS = "EPSG:4326"
SEARCH_HEADERS = {"Accept": "application/json", "Accept-Crs": CRS, "Content-Crs": CRS,
                  "Content-Type": "application/json"}
MAX_PAGE_SIZE = 500
TITLE = "Objects API"

PAND_OPERATION = Operation(
    name=OBJECTEN_IN_PAND,
    description="The objects of the configured objecttype whose geometry lies within a pand (the BAG pand's "
    "geometrie, from the parent relation); needs the option geometry_search.",
    subject_types=(),
    fields=GEOMETRY_OBJECT_FIELDS,
    params=("geometrie",),
    parameters=(Param("geometrie", required=True,
                      hint="the BAG pand's geometrie: a GeoJSON Polygon in EPSG:28992, from a parent relation"),),
    item_params=("geometrie",),
    many=True,
)


def _wanted(fields: tuple[str, ...]) -> tuple[str, ...]:
    """The paths to return: the declared fields asked for and paths inside them (`record.data.x`);
    every declared field when none is named (the connector contract's "no paths: every field")."""
    if not fields:
        return GEOMETRY_OBJECT_FIELDS
    return tuple(f for f in fields if f in GEOMETRY_OBJECT_FIELDS
                 or any(f.startswith(declared + ".") for declared in GEOMETRY_OBJECT_FIELDS))


def _only(obj: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The object with only these dotted paths."""
    kept: dict[str, Any] = {}
    for path in fields:
        source, target, parts = obj, kept, path.split(".")
        for depth, key in enumerate(parts):
            if not isinstance(source, dict) or key not in source:
                break
            source = source[key]
            if depth == len(parts) - 1:
                target[key] = source
            else:
                target = target.setdefault(key, {})
    return kept


def objecten_in_pand(connector: Connector, request: ConnectorRequest) -> ConnectorResult:
    """`connector` is the ObjectenConnector of the source (its options)."""
    options = connector.options
    if not options.geometry_search:
        raise ConnectorError("This Objecten source does not search by geometry (its option geometry_search is off).")
    unknown = sorted(set(request.params) - set(PAND_OPERATION.params))
    if unknown:
        raise ConnectorError(f"{OBJECTEN_IN_PAND} takes no parameter(s) {', '.join(unknown)}; it takes: geometrie.")
    geometrie = request.params.get("geometrie")
    if geometrie in (None, ""):
        raise ConnectorError("No pand geometry to look up objects in.", Status.SKIPPED)
    try:
        area = pand_geometry_to_wgs84(geometrie)
    except GeometryInvalid as exc:
        raise ConnectorError(f"Refused to search objects: {exc}") from None
    fields = _wanted(tuple(request.fields))

    def in_this_pand(obj: Any) -> Any:
        if not isinstance(obj, dict) or obj.get("type") != options.objecttype:
            return None
        record = obj.get("record")
        if not isinstance(record, dict) or not within(record.get("geometry"), area):
            return None
        return _only(obj, fields)

    found = collect(
        SourceHttp(connector.source),
        ListRequest("objects/search", {}, SEARCH_HEADERS, method="POST",
                    body={"geometry": {"within": area}, "type": options.objecttype}),
        paging=Paging(read=drf_page(TITLE), page_size=min(options.max_objects, MAX_PAGE_SIZE)),
        cap=options.max_objects, title=connector.title, keep=in_this_pand,
    )
    detail = answer_detail(found, max_objects=options.max_objects, not_kept="not within this pand's geometry",
                           none_found="No objects of this objecttype lie within this pand.")
    return ConnectorResult(status=Status.OK, data=found.items, detail=detail)
