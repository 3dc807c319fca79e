"""Site geometry: parsing and refusing bad GeoJSON, inside-zone checks at the edges, area."""
import json
import math

import pytest

from sandbox import sites
from sandbox.sites import BOUNDARY_TYPES, GeometryError, parse_geojson

from ..factories import ZoneFactory
from .conftest import box

ZONE = box(126.88, 37.57, 126.90, 37.59)
TWO_PARTS = {"type": "MultiPolygon", "coordinates": [box(126.88, 37.57, 126.89, 37.58)["coordinates"],
                                                     box(127.05, 37.50, 127.06, 37.51)["coordinates"]]}


def point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


@pytest.mark.parametrize("value,reason", [
    ("{not json", "not valid JSON"),
    ("", "not valid JSON"),
    ("[1, 2]", "must be an object"),
    (json.dumps(point(126.89, 37.58)), "Geometry type must be one of"),
    (json.dumps({"type": "FeatureCollection", "features": []}), "not a FeatureCollection"),
    (json.dumps({"type": "Polygon", "coordinates": []}), "empty"),
    (json.dumps({"type": "Polygon", "coordinates": [[[126.88, 37.57], [126.90, 37.59], [126.90, 37.57],
                                                      [126.88, 37.59], [126.88, 37.57]]]}), "Self-intersection"),
    (json.dumps(box(-0.2, 51.4, 0.1, 51.6)), "outside Seoul"),
    (json.dumps(box(37.57, 126.88, 37.59, 126.90)), "outside Seoul"),  # latitude and longitude swapped
    (json.dumps({"type": "Polygon", "coordinates": [[[126.88, 37.57], [126.90]]]}), "malformed"),
])
def test_bad_boundaries_are_refused_with_the_reason(app, value, reason):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(GeometryError) as excinfo:
            parse_geojson(value, allowed=BOUNDARY_TYPES)
    assert reason in str(excinfo.value)


def test_a_feature_is_unwrapped_to_its_geometry(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        geometry = parse_geojson({"type": "Feature", "properties": {}, "geometry": TWO_PARTS}, allowed=BOUNDARY_TYPES)
    assert geometry["type"] == "MultiPolygon"


def test_site_touching_the_boundary_counts_as_inside(db):
    zone = ZoneFactory(boundary_geojson=ZONE)
    assert sites.site_problems(point(126.90, 37.58), zone) == []          # on the east edge
    assert sites.site_problems(point(126.88, 37.57), zone) == []          # on a corner
    assert sites.site_problems(box(126.89, 37.58, 126.90, 37.59), zone) == []  # shares two edges


def test_site_crossing_or_outside_the_boundary_is_refused(db):
    zone = ZoneFactory(boundary_geojson=ZONE)
    crossing = box(126.895, 37.58, 126.905, 37.585)
    assert "wholly inside" in sites.site_problems(crossing, zone)[0]
    assert "wholly inside" in sites.site_problems(point(126.9001, 37.58), zone)[0]


def test_multipolygon_zone_accepts_sites_in_either_part_but_not_between(db):
    zone = ZoneFactory(boundary_geojson=TWO_PARTS)
    assert sites.site_problems(point(126.885, 37.575), zone) == []
    assert sites.site_problems(point(127.055, 37.505), zone) == []
    assert sites.site_problems(point(126.95, 37.54), zone)            # between the parts
    spanning = {"type": "LineString", "coordinates": [[126.885, 37.575], [127.055, 37.505]]}
    assert sites.site_problems(spanning, zone)


def test_zone_without_boundary_refuses_every_site(db):
    zone = ZoneFactory(boundary_geojson=None)
    assert "no boundary yet" in sites.site_problems(point(126.89, 37.58), zone)[0]


def _exact_box_area(west, south, east, north):
    """The exact area of a latitude/longitude box on the WGS84 ellipsoid (closed form)."""
    a, e2 = 6_378_137.0, 6.69437999014e-3
    e = math.sqrt(e2)

    def q(lat):
        s = math.sin(math.radians(lat))
        return s / (1 - e2 * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)
    return a * a * (1 - e2) / 2 * (q(north) - q(south)) * math.radians(east - west)


@pytest.mark.parametrize("bounds", [(126.883, 37.573, 126.901, 37.586), (126.76, 37.41, 127.19, 37.72),
                                    (127.0, 37.5, 127.0005, 37.5005)])
def test_area_matches_the_exact_ellipsoidal_area(bounds):
    exact = _exact_box_area(*bounds)
    assert sites.area_m2(box(*bounds)) == pytest.approx(exact, rel=1e-5, abs=1)


def test_points_and_lines_have_no_area():
    assert sites.area_m2(point(126.89, 37.58)) == 0
    assert sites.area_m2({"type": "LineString", "coordinates": [[126.88, 37.57], [126.89, 37.58]]}) == 0
