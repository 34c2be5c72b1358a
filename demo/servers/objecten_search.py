"""The geo search of the demo Objects API: `POST /api/v2/objects/search` (`object_search` of the
Objects API 2.7.0, tests/specs/objecten/openapi.yaml) with `{"geometry": {"within": <Polygon or
MultiPolygon>}, "type": <objecttype URL>}`.

As objects-api does: the request must say `Content-Crs: EPSG:4326` (412 otherwise); `within` must be
a GeoJSON Polygon or MultiPolygon of [longitude, latitude] positions (400 naming
`geometry.within` otherwise); an unknown `type` is a 400; the answer holds the objects of that
objecttype whose geometry lies within the polygon: every position of the object's geometry inside
the outer ring of one of its polygons and not in a hole (a real point-in-polygon test, ray casting).
Objects without a geometry never match. Other keys of the body (`data_attr`, `date`...) are not
implemented here and are ignored, so a search without `geometry` answers every object of the type,
as an API that ignores a filter would.
"""

from __future__ import annotations

from typing import Any

from .base import ProblemError

CRS = "EPSG:4326"
MAX_POSITIONS = 10_000


def _invalid(name: str, reason: str, code: str = "invalid") -> ProblemError:
    return ProblemError(400, "Invalid input.", code="invalid",
                        extra={"invalidParams": [{"name": name, "code": code, "reason": reason}]})


def _is_position(value: Any) -> bool:
    return (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value))


def _polygons(within: Any) -> list[list[list[list[float]]]]:
    """The polygons (each a list of rings) of a `within` geometry; 400 when it is not one."""
    if not isinstance(within, dict) or within.get("type") not in ("Polygon", "MultiPolygon"):
        raise _invalid("geometry.within", "Geef een GeoJSON Polygon of MultiPolygon.")
    coordinates = within.get("coordinates")
    polygons = [coordinates] if within["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise _invalid("geometry.within", "De geometrie heeft geen coördinaten.")
    count = 0
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise _invalid("geometry.within", "Een polygoon heeft ten minste één ring.")
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4 or not all(map(_is_position, ring)) or ring[0] != ring[-1]:
                raise _invalid("geometry.within", "Een ring is een gesloten lijst van ten minste vier posities.")
            count += len(ring)
    if count > MAX_POSITIONS:
        raise _invalid("geometry.within", "De geometrie heeft te veel posities.")
    return polygons


def _inside_ring(x: float, y: float, ring: list[list[float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _inside(position: list[float], polygons) -> bool:
    x, y = position[0], position[1]
    return any(_inside_ring(x, y, rings[0]) and not any(_inside_ring(x, y, hole) for hole in rings[1:])
               for rings in polygons)


def _positions(coordinates: Any) -> list[list[float]]:
    if _is_position(coordinates):
        return [coordinates]
    if isinstance(coordinates, list):
        return [p for part in coordinates for p in _positions(part)]
    return []


def lies_within(obj: dict[str, Any], polygons) -> bool:
    """Whether the object has a geometry and all of it lies within the polygons."""
    geometry = obj["record"].get("geometry")
    positions = _positions(geometry.get("coordinates")) if isinstance(geometry, dict) else []
    return bool(positions) and all(_inside(p, polygons) for p in positions)


def search(objects: list[dict[str, Any]], objecttypes: set[str], headers, body: Any) -> list[dict[str, Any]]:
    """The objects the search body asks for (before paging)."""
    if headers.get("Content-Crs") != CRS:
        raise ProblemError(412, "Content-Crs ontbreekt of wordt niet ondersteund.", code="precondition_failed")
    if not isinstance(body, dict):
        raise _invalid("nonFieldErrors", "Geef een JSON-object.")
    type_url = body.get("type")
    if type_url is not None:
        if type_url not in objecttypes:
            raise _invalid("type", "Selecteer een geldige keuze. Deze keuze is niet beschikbaar.", "invalid_choice")
        objects = [o for o in objects if o["type"] == type_url]
    geometry = body.get("geometry")
    if geometry is not None:
        if not isinstance(geometry, dict) or "within" not in geometry:
            raise _invalid("geometry", "Geef 'within' met een GeoJSON-geometrie.")
        polygons = _polygons(geometry["within"])
        objects = [o for o in objects if lies_within(o, polygons)]
    return objects
