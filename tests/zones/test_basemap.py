"""The offline base map: Seoul's districts and the Han river come from our own server, are valid and lie in
Seoul, the pages that draw a map load nothing from another host, and they name the data's source and licence."""
import json
import re
from pathlib import Path

from shapely.geometry import box, shape
from shapely.ops import unary_union

from ..factories import ZoneFactory

VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "seoul-basemap"
SEOUL = box(126.76, 37.42, 127.19, 37.71)  # Seoul's extent with a little margin, lon/lat
ASSET = re.compile(r'\b(?:src|href|data-[a-z-]*url)="([^"]*)"')


def _basemap():
    return json.loads((VENDOR / "seoul.geojson").read_text(encoding="utf-8"))


def test_base_map_has_the_25_districts_and_the_han_river_inside_seoul():
    features = _basemap()["features"]
    districts = [f for f in features if f["properties"]["kind"] == "district"]
    assert len({f["properties"]["name_ko"] for f in districts}) == 25
    assert {"마포구", "강서구", "서초구", "강남구", "영등포구", "성동구", "관악구"} <= {f["properties"]["name_ko"] for f in districts}
    for feature in districts:
        geometry = shape(feature["geometry"])
        assert geometry.geom_type in ("Polygon", "MultiPolygon") and geometry.is_valid, feature["properties"]
        assert SEOUL.contains(geometry), feature["properties"]
        assert feature["properties"]["name_en"].endswith("-gu")
    city = unary_union([shape(f["geometry"]) for f in districts])
    assert 0.058 < city.area < 0.065  # about 605 km² in square degrees at this latitude: nothing lost in simplifying
    neighbours = {f["properties"]["name_ko"] for f in features if f["properties"]["kind"] == "neighbour"}
    assert {"고양시덕양구", "구리시", "하남시", "성남시수정구", "광명시", "부천시"} <= neighbours
    assert all(not shape(f["geometry"]).intersects(city.buffer(-0.001)) for f in features
               if f["properties"]["kind"] == "neighbour")  # around Seoul, never over it
    river = [shape(f["geometry"]) for f in features if f["properties"]["kind"] == "river"]
    assert len(river) == 1 and river[0].geom_type in ("LineString", "MultiLineString")
    assert river[0].intersection(city.buffer(0.001)).length > 0.3  # some 40 km through the city
    assert city.buffer(0.001).contains(river[0].interpolate(0.5, normalized=True))


def test_base_map_is_small_and_carries_its_licence():
    assert (VENDOR / "seoul.geojson").stat().st_size < 500_000
    licence = (VENDOR / "LICENSE.md").read_text(encoding="utf-8")
    assert "Korea Open Government Licence" in licence and "southkorea/southkorea-maps" in licence
    assert "tools/seoul_basemap.py" in licence
    assert "공공누리 제 1유형" in (VENDOR / "LICENSE.kostat.md").read_text(encoding="utf-8")


def _map_pages(client):
    ZoneFactory(code="MAPPED")
    return ["/zones", "/zones/MAPPED"]


def test_map_pages_load_only_local_assets(client, db):
    for url in _map_pages(client):
        with client.get(url) as page:
            body = page.get_data(as_text=True)
        assets = ASSET.findall(body)
        assert any("vendor/seoul-basemap/seoul.geojson" in a for a in assets), url
        foreign = [a for a in assets if re.match(r"(?:https?:)?//", a) and not a.startswith("http://localhost/")]
        assert foreign == [], (url, foreign)
    with client.get("/static/vendor/seoul-basemap/seoul.geojson") as served:
        assert served.status_code == 200 and served.get_json() == _basemap()


def test_map_pages_name_the_source_and_licence(client, db):
    for url in _map_pages(client):
        with client.get(url) as page:
            body = page.get_data(as_text=True)
        assert "Statistics Korea (KOSTAT, SGIS)" in body and "Korea Open Government Licence type 1" in body, url
        assert "No background map is configured" not in body
    with client.get("/zones", headers={"Accept-Language": "ko"}) as page:
        body = page.get_data(as_text=True)
    assert "통계청" in body and "공공누리 제1유형" in body and "자치구" in body


def test_zones_named_after_dongs_follow_the_real_dong_boundaries():
    from sandbox.seed.catalogue import ZONES
    districts = {f["properties"]["name_ko"]: shape(f["geometry"]) for f in _basemap()["features"]
                 if f["properties"]["kind"] == "district"}
    shipped = {z["code"]: z for z in ZONES}
    for code in ("SANGAM-AV", "YEOUIDO-FIN", "SEONGSU-IT", "SUSEO-ROBOT"):
        boundary = shape(shipped[code]["boundary"])
        assert boundary.is_valid and len(boundary.exterior.coords) > 20, code  # a real outline, not a box
        # Inside its own district (within the two simplifications' tolerance), and nowhere else.
        assert districts[shipped[code]["district_ko"]].buffer(0.0005).contains(boundary), code
    # The demo's Sangam sites and the applicant journey's point lie in Sangam-dong.
    assert shape(shipped["SANGAM-AV"]["boundary"]).contains(shape({"type": "Point", "coordinates": [126.8900, 37.5790]}))
