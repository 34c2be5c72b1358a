"""A pand's geometry as the Objects API takes it, and the check that an object lies within it.

The BAG (BAG IB 2.6.0, `Pand.geometrie`, schema `Surface`) gives a pand's outline as a GeoJSON
Polygon in Rijksdriehoek coordinates (RD New, EPSG:28992; the only CRS it serves), each position
`[x, y, z]`. The Objects API 2.7.0 (`POST objects/search`, `geometry.within`) takes GeoJSON in
EPSG:4326 only (`Content-Crs`), positions `[longitude, latitude]` (`Point2D`). So the outline is
converted here, without a GIS library:

- RD to WGS84 with the approximation of Schreutelkamp and Strang van Hees ("Benaderingsformules
  voor de transformatie tussen RD- en WGS84-kaartcoördinaten", 2001): a polynomial around
  Amersfoort. It departs from the exact transformation (RDNAPTRANS) by well under a metre in the
  Netherlands, which is less than the BAG's own accuracy of a pand's outline; an object within a
  few decimetres of a wall may fall on either side of it.
- The z coordinate is dropped; positions are rounded to 7 decimals (about a centimetre).

Positions outside the RD's domain (the Netherlands and its surroundings) are refused: they are no
RD coordinates, and the approximation would give nonsense. A MultiPolygon (a pand in parts) is
converted part by part.

`within(geometry, area)` is the ownership check on what the Objects API returns: every position of
the object's geometry (a point, or each vertex of a line or polygon) must lie inside the area that
was asked for (ray casting; a position in a hole of the polygon is outside). The Objects API answers
with the objects whose geometry lies within the polygon; an object that does not has come back for
another reason (an ignored filter) and is dropped. For a polygon object this checks its vertices,
not its edges: enough to tell a stranger from an object of this pand, not a GIS.
"""

from __future__ import annotations

from typing import Any, Iterator

# The RD's domain (RD New's area of use, with a margin): x and y in metres.
RD_X = (-7_000.0, 300_000.0)
RD_Y = (289_000.0, 629_000.0)
# A pand with more positions than this is not a building outline.
MAX_POSITIONS = 10_000

# Amersfoort, the origin of both coordinate systems in the approximation.
X0, Y0 = 155_000.0, 463_000.0
PHI0, LAM0 = 52.15517440, 5.38720621
# (power of dX, power of dY, coefficient in arc seconds), dX and dY in units of 100 km.
_LATITUDE = (
    (0, 1, 3235.65389), (2, 0, -32.58297), (0, 2, -0.24750), (2, 1, -0.84978), (0, 3, -0.06550),
    (2, 2, -0.01709), (1, 0, -0.00738), (4, 0, 0.00530), (2, 3, -0.00039), (4, 1, 0.00033), (1, 1, -0.00012),
)
_LONGITUDE = (
    (1, 0, 5260.52916), (1, 1, 105.94684), (1, 2, 2.45656), (3, 0, -0.81885), (1, 3, 0.05594),
    (3, 1, -0.05607), (0, 1, 0.01199), (3, 2, -0.00256), (1, 4, 0.00128), (0, 2, 0.00022), (2, 0, -0.00022),
    (5, 0, 0.00026),
)
POLYGON_TYPES = ("Polygon", "MultiPolygon")


class GeometryInvalid(ValueError):
    """The geometry cannot be used; the message names what is wrong, never a coordinate."""


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """(longitude, latitude) in degrees of an RD position (metres)."""
    dx, dy = (x - X0) * 1e-5, (y - Y0) * 1e-5
    latitude = PHI0 + sum(k * dx**p * dy**q for p, q, k in _LATITUDE) / 3600
    longitude = LAM0 + sum(k * dx**p * dy**q for p, q, k in _LONGITUDE) / 3600
    return longitude, latitude


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _ring_to_wgs84(ring: Any) -> list[list[float]]:
    if not isinstance(ring, list) or len(ring) < 4:
        raise GeometryInvalid("A ring of the pand's polygon must have at least four positions.")
    converted = []
    for position in ring:
        if not isinstance(position, list) or len(position) not in (2, 3) or not all(map(_number, position)):
            raise GeometryInvalid("A position of the pand's polygon must be [x, y] or [x, y, z] in numbers.")
        x, y = position[0], position[1]
        if not (RD_X[0] <= x <= RD_X[1] and RD_Y[0] <= y <= RD_Y[1]):
            raise GeometryInvalid("The pand's polygon is not in Rijksdriehoek coordinates (EPSG:28992).")
        longitude, latitude = rd_to_wgs84(x, y)
        converted.append([round(longitude, 7), round(latitude, 7)])
    if converted[0] != converted[-1]:
        raise GeometryInvalid("A ring of the pand's polygon must end where it starts.")
    return converted


def pand_geometry_to_wgs84(geometry: Any) -> dict[str, Any]:
    """The BAG pand's `geometrie` (RD Polygon or MultiPolygon) as GeoJSON in EPSG:4326."""
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGON_TYPES:
        raise GeometryInvalid("The pand's geometrie must be a GeoJSON Polygon or MultiPolygon.")
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons or not all(isinstance(p, list) and p for p in polygons):
        raise GeometryInvalid("The pand's geometrie has no polygon.")
    if sum(len(ring) for polygon in polygons for ring in polygon if isinstance(ring, list)) > MAX_POSITIONS:
        raise GeometryInvalid(f"The pand's geometrie has more than {MAX_POSITIONS} positions.")
    converted = [[_ring_to_wgs84(ring) for ring in polygon] for polygon in polygons]
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": converted[0]}
    return {"type": "MultiPolygon", "coordinates": converted}


def _in_ring(x: float, y: float, ring: list[list[float]]) -> bool:
    """Ray casting: whether the horizontal ray from (x, y) crosses the ring an odd number of times."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _in_area(x: float, y: float, area: dict[str, Any]) -> bool:
    polygons = [area["coordinates"]] if area["type"] == "Polygon" else area["coordinates"]
    return any(
        _in_ring(x, y, polygon[0]) and not any(_in_ring(x, y, hole) for hole in polygon[1:])
        for polygon in polygons
    )


def _positions(geometry: Any) -> Iterator[Any]:
    """Every position of a GeoJSON geometry (a collection's members' too)."""
    if not isinstance(geometry, dict):
        return
    if geometry.get("type") == "GeometryCollection":
        for member in geometry.get("geometries") or []:
            yield from _positions(member)
        return
    stack = [geometry.get("coordinates")]
    while stack:
        value = stack.pop()
        if isinstance(value, list) and len(value) >= 2 and all(map(_number, value)):
            yield value
        elif isinstance(value, list):
            stack.extend(value)


def within(geometry: Any, area: dict[str, Any]) -> bool:
    """Whether the object's geometry has positions and every one lies inside `area` (EPSG:4326, as
    `pand_geometry_to_wgs84` gives it)."""
    positions = list(_positions(geometry))
    return bool(positions) and all(_in_area(p[0], p[1], area) for p in positions)
