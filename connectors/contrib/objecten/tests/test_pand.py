"""Tests of the Objecten connector's `objecten_in_pand` with `responses`: the pand's RD outline
converted to EPSG:4326 and sent as the exact `POST objects/search` the spec describes, only objects
of the objecttype that lie within the outline kept, only the asked fields returned, refused input
never sent, and the operation offered only with `geometry_search`."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from connectors.base import ConnectorRequest, Status
from connectors.contrib.objecten.geometry import pand_geometry_to_wgs84, rd_to_wgs84, within
from connectors.contrib.objecten.plugin import ObjectenConnector
from tests.contracts import assert_request_conforms, assert_response_conforms, source_spec

from .examples import API_ROOT, OBJECTTYPE, OTHER_OBJECTTYPE, an_object, page

SEARCH_URL = API_ROOT + "objects/search"
SPEC = "objecten/openapi.yaml"
# A pand of 12 by 16 metres in Rotterdam, as the BAG gives it (RD, with z).
X, Y = 93500.0, 438600.0
PAND = {"type": "Polygon", "coordinates": [[
    [X - 6, Y - 8, 0.0], [X + 6, Y - 8, 0.0], [X + 6, Y + 8, 0.0], [X - 6, Y + 8, 0.0], [X - 6, Y - 8, 0.0],
]]}
FIELDS = ("uuid", "type", "record.data", "record.startAt", "record.geometry")


def point(dx: float, dy: float) -> dict:
    longitude, latitude = rd_to_wgs84(X + dx, Y + dy)
    return {"type": "Point", "coordinates": [round(longitude, 7), round(latitude, 7)]}


def located(uuid: str, geometry: dict | None, *, objecttype: str = OBJECTTYPE) -> dict:
    obj = an_object(uuid, objecttype=objecttype, data={"vergunning": "omgevingsvergunning", "activiteit": "dakkapel"})
    if geometry is not None:
        obj["record"]["geometry"] = geometry
    return obj


INSIDE = located("5a4c6f71-8d9e-4fa0-b1c2-3d4e5f607182", point(2, 3))
OUTSIDE = located("6b5d7a82-9eaf-4b01-a2d3-4e5f60718293", point(0, -11))
OTHER_TYPE = located("7c6e8b93-afb0-4c12-b3e4-5f6071829304", point(1, 1), objecttype=OTHER_OBJECTTYPE)
NO_GEOMETRY = located("8d7f9ca4-b0c1-4d23-84f5-60718293a415", None)


@pytest.fixture
def pand_source(objecten_service):
    from connectors.models import Source

    source = Source(name="vergunningen", connector="objecten", service=objecten_service, timeout=2.0,
                    options={"objecttype": OBJECTTYPE, "geometry_search": True})
    source.full_clean()
    source.save()
    return source


def run(source, params=None, fields=FIELDS):
    params = {"geometrie": PAND} if params is None else params
    return ObjectenConnector(source.to_config()).run(ConnectorRequest("objecten_in_pand", params, tuple(fields)))


# --- the conversion -------------------------------------------------------------------------------


def wgs84_to_rd(longitude: float, latitude: float) -> tuple[float, float]:
    """The inverse approximation (the same paper), only to check the forward one here."""
    df, dl = 0.36 * (latitude - 52.15517440), 0.36 * (longitude - 5.38720621)
    r = ((0, 1, 190094.945), (1, 1, -11832.228), (2, 1, -114.221), (0, 3, -32.391), (1, 0, -0.705),
         (3, 1, -2.340), (1, 3, -0.608), (0, 2, -0.008), (2, 3, 0.148))
    s = ((1, 0, 309056.544), (0, 2, 3638.893), (2, 0, 73.077), (1, 2, -157.984), (3, 0, 59.788),
         (0, 1, 0.433), (2, 2, -6.439), (1, 1, -0.032), (0, 4, 0.092), (1, 4, -0.054))
    return (155000 + sum(k * df**p * dl**q for p, q, k in r), 463000 + sum(k * df**p * dl**q for p, q, k in s))


def test_rd_converts_to_wgs84_around_amersfoort_and_back_within_a_metre():
    assert rd_to_wgs84(155000, 463000) == pytest.approx((5.38720621, 52.15517440), abs=1e-9)
    # Rotterdam, the Wadden, Zeeuws-Vlaanderen and Zuid-Limburg: the whole country.
    for x, y in ((93500, 438600), (160000, 600000), (20000, 370000), (190000, 310000)):
        longitude, latitude = rd_to_wgs84(x, y)
        back = wgs84_to_rd(longitude, latitude)
        assert back == pytest.approx((x, y), abs=1.0)
    longitude, latitude = rd_to_wgs84(93500, 438600)
    assert 4.4 < longitude < 4.6 and 51.9 < latitude < 52.0


def test_a_pand_outline_becomes_a_closed_2d_polygon_in_wgs84():
    converted = pand_geometry_to_wgs84(PAND)

    [ring] = converted["coordinates"]
    assert converted["type"] == "Polygon" and len(ring) == 5 and ring[0] == ring[-1]
    assert all(len(position) == 2 for position in ring)
    assert within(point(2, 3), converted) and not within(point(0, -11), converted)


def test_a_position_in_a_hole_or_a_geometry_partly_outside_is_not_within():
    with_hole = {"type": "Polygon", "coordinates": [PAND["coordinates"][0], [
        [X - 2, Y - 2, 0.0], [X + 2, Y - 2, 0.0], [X + 2, Y + 2, 0.0], [X - 2, Y + 2, 0.0], [X - 2, Y - 2, 0.0],
    ]]}
    area = pand_geometry_to_wgs84(with_hole)
    line = {"type": "LineString", "coordinates": [point(1, 4)["coordinates"], point(1, 12)["coordinates"]]}

    assert within(point(4, 4), area)
    assert not within(point(0, 0), area)
    assert not within(line, area)
    assert not within({"type": "Point", "coordinates": []}, area) and not within(None, area)


# --- the request ------------------------------------------------------------------------------------


@responses.activate
def test_it_posts_the_converted_outline_and_the_objecttype_to_objects_search(pand_source):
    responses.post(SEARCH_URL, json=page([INSIDE]))

    result = run(pand_source)

    assert result.status is Status.OK, result.detail
    [call] = responses.calls
    assert call.request.method == "POST"
    assert parse_qs(urlsplit(call.request.url).query) == {"page": ["1"], "pageSize": ["100"]}
    assert call.request.headers["Content-Crs"] == "EPSG:4326" and call.request.headers["Accept-Crs"] == "EPSG:4326"
    assert json.loads(call.request.body) == {"geometry": {"within": pand_geometry_to_wgs84(PAND)}, "type": OBJECTTYPE}
    assert [o["uuid"] for o in result.data] == [INSIDE["uuid"]]


@responses.activate
def test_the_request_and_the_answers_conform_to_the_spec(pand_source):
    openapi = source_spec(SPEC, API_ROOT)
    responses.post(SEARCH_URL, json=page([INSIDE, OUTSIDE, OTHER_TYPE, NO_GEOMETRY]))

    run(pand_source)
    multi = {"type": "MultiPolygon", "coordinates": [PAND["coordinates"]]}
    run(pand_source, {"geometrie": multi})

    assert len(responses.calls) == 2
    for call in responses.calls:
        assert_request_conforms(openapi, call.request)
    answer = requests.post(SEARCH_URL, json={"type": OBJECTTYPE}, headers={"Content-Crs": "EPSG:4326"})
    assert_response_conforms(openapi, answer.request, answer)


# --- ownership ----------------------------------------------------------------------------------------


@responses.activate
def test_only_objects_of_the_objecttype_with_a_geometry_within_the_pand_are_kept(pand_source):
    # The API ignored the filters: every object comes back.
    responses.post(SEARCH_URL, json=page([INSIDE, OUTSIDE, OTHER_TYPE, NO_GEOMETRY]))

    result = run(pand_source)

    assert [o["uuid"] for o in result.data] == [INSIDE["uuid"]]
    assert "Dropped 3 object(s)" in result.detail


@responses.activate
def test_only_the_fields_asked_for_are_returned(pand_source):
    responses.post(SEARCH_URL, json=page([INSIDE]))

    [obj] = run(pand_source, fields=("record.data",)).data
    [narrow] = run(pand_source, fields=("uuid", "record.data.activiteit")).data
    [nothing] = run(pand_source, fields=("record.elders",)).data

    assert obj == {"record": {"data": INSIDE["record"]["data"]}}
    assert narrow == {"uuid": INSIDE["uuid"], "record": {"data": {"activiteit": "dakkapel"}}}
    assert nothing == {}


@responses.activate
def test_no_objects_is_an_empty_list_that_says_so(pand_source):
    responses.post(SEARCH_URL, json=page([]))

    result = run(pand_source)

    assert result.status is Status.OK and result.data == []
    assert "No objects of this objecttype lie within this pand" in result.detail


# --- refused input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("geometrie, words", [
    ({"type": "Point", "coordinates": [X, Y]}, "Polygon or MultiPolygon"),
    ({"type": "Polygon", "coordinates": [[[4.47, 51.92], [4.48, 51.92], [4.48, 51.93], [4.47, 51.92]]]},
     "not in Rijksdriehoek"),
    ({"type": "Polygon", "coordinates": [[[X, Y], [X + 1, Y], [X + 1, Y + 1], [X, Y + 1]]]}, "end where it starts"),
    ({"type": "Polygon", "coordinates": [[[X, Y], [X + 1, Y]]]}, "at least four positions"),
    ({"type": "Polygon", "coordinates": [[["x", Y], [X, Y], [X, Y], ["x", Y]]]}, "in numbers"),
    ("POLYGON((1 2, 3 4))", "Polygon or MultiPolygon"),
])
@responses.activate
def test_a_geometry_that_is_no_rd_polygon_is_refused_without_a_call(pand_source, geometrie, words):
    result = run(pand_source, {"geometrie": geometrie})

    assert result.status is Status.ERROR and words in result.detail
    assert len(responses.calls) == 0


@responses.activate
def test_no_geometry_skips_the_call_and_a_misspelt_parameter_is_refused(pand_source):
    skipped = run(pand_source, {"geometrie": None})
    misspelt = run(pand_source, {"geometry": PAND})

    assert skipped.status is Status.SKIPPED
    assert misspelt.status is Status.ERROR and "geometry" in misspelt.detail
    assert len(responses.calls) == 0


def test_the_operation_is_offered_only_with_geometry_search(objecten_source, pand_source):
    assert "objecten_in_pand" in ObjectenConnector.operations_for(pand_source.options)
    assert "objecten_in_pand" not in ObjectenConnector.operations_for(objecten_source.options)
    result = ObjectenConnector(objecten_source.to_config()).run(
        ConnectorRequest("objecten_in_pand", {"geometrie": PAND}, FIELDS))
    assert result.status is Status.ERROR and "geometry_search" in result.detail
