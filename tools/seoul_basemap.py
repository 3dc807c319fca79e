"""Build the offline base map of Seoul (static/vendor/seoul-basemap/seoul.geojson) and the shipped zones'
boundaries that follow real administrative dongs (sandbox/seed/zone_shapes.json).

Source (open data, attribution licence): Statistics Korea (KOSTAT, 통계청) census administrative boundaries
(센서스용 행정구역경계), from its Statistical Geographic Information Service (SGIS), published under the Korea
Open Government Licence type 1 (공공누리 제1유형: use, change and share, commercially too, naming the source),
collected on 2018-12-24 and converted to TopoJSON (WGS84 longitude/latitude, quantised to about 6 m) by the
southkorea/southkorea-maps repository, commit fe65e05e549d04083e52f380a7e9166a8ea0a01e:
  kostat/2018/json/skorea-municipalities-2018-topo.json      (시군구: Seoul's 25 districts and its neighbours)
  kostat/2018/json/skorea-submunicipalities-2018-topo.json   (읍면동: for the zones named after dongs)
  kostat/2018/json/LICENSE.md                                (the licence statement, copied beside the output)

No package in the npm or PyPI registries ships Seoul's districts (checked 2026-12: the Korean map packages
there download their data at run time), so the repository is the source. Re-run:

    git clone https://github.com/southkorea/southkorea-maps /tmp/southkorea-maps
    git -C /tmp/southkorea-maps checkout fe65e05e549d04083e52f380a7e9166a8ea0a01e
    .venv/bin/python tools/seoul_basemap.py /tmp/southkorea-maps/kostat/2018/json/skorea-municipalities-2018-topo.json \
        /tmp/southkorea-maps/kostat/2018/json/skorea-submunicipalities-2018-topo.json

What it writes: the 25 districts (자치구), simplified to about 10 m and rounded to about 1 m; the neighbouring
cities inside the map's frame, coarser; and the Han river's course. Municipal boundaries run along the middle
of the river, so the river is where the north-bank municipalities meet the south-bank ones; that line is
derived here from the same data rather than taken from a second source. Main roads are not in this data.

Zones whose published area is a named dong or a group of dongs get that dong's real boundary (ZONE_DONGS);
the others keep the boxes in sandbox/seed/catalogue.py. Both stay marked approximate: a dong is the closest
open boundary, not the designation's own map.
"""
import json
import sys
from pathlib import Path

from shapely.geometry import box, mapping, shape
from shapely.ops import linemerge, unary_union

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "vendor" / "seoul-basemap" / "seoul.geojson"
ZONES_OUT = ROOT / "sandbox" / "seed" / "zone_shapes.json"
TOLERANCE = 0.0001            # degrees, about 10 m: district lines stay recognisable at the zoom of a zone
ZONE_TOLERANCE = 0.00005      # about 5 m: a zone's edge decides whether a trial site is inside
NEIGHBOUR_TOLERANCE = 0.0004  # about 40 m: the cities around Seoul are context only
DIGITS = 5                    # about 1 m
SEOUL = "11"                  # KOSTAT's code prefix for Seoul
FRAME = box(126.68, 37.39, 127.28, 37.74)  # what a map of the whole city shows, with a margin
NORTH_BANK = {"마포구", "용산구", "성동구", "광진구", "고양시덕양구", "고양시일산동구", "고양시일산서구", "구리시", "남양주시"}
SOUTH_BANK = {"강서구", "영등포구", "동작구", "서초구", "강남구", "송파구", "강동구", "김포시", "하남시"}
# (district, dong names): the Sangam DMC pilot district lies in Sangam-dong, the Yeouido finance
# district is Yeouido (Yeoui-dong), the Seongsu semi-industrial area spans the four Seongsu dongs, and the
# Suseo robot cluster sits in Suseo-dong.
ZONE_DONGS = {
    "SANGAM-AV": ("마포구", ["상암동"]),
    "YEOUIDO-FIN": ("영등포구", ["여의동"]),
    "SEONGSU-IT": ("성동구", ["성수1가1동", "성수1가2동", "성수2가1동", "성수2가3동"]),
    "SUSEO-ROBOT": ("강남구", ["수서동"]),
}


def _rounded(value):
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (int, float)):
            return [round(value[0], DIGITS), round(value[1], DIGITS)]
        return [_rounded(v) for v in value]
    return value


def _geometry(geom):
    data = mapping(geom)
    return {"type": data["type"], "coordinates": _rounded(data["coordinates"])}


def build(municipalities):
    out = []
    for (code, name), (geometry, name_en) in sorted(municipalities.items()):
        if code.startswith(SEOUL):
            kind, simple = "district", geometry.simplify(TOLERANCE, preserve_topology=True)
        elif geometry.intersects(FRAME):
            kind, simple = "neighbour", geometry.intersection(FRAME).simplify(NEIGHBOUR_TOLERANCE, preserve_topology=True)
        else:
            continue
        out.append({"type": "Feature", "geometry": _geometry(simple),
                    "properties": {"kind": kind, "code": code, "name_ko": name, "name_en": name_en}})
    # Within the frame only: names repeat across the country (Busan has a Gangseo-gu too).
    by_name = {name: geometry for (code, name), (geometry, name_en) in municipalities.items()
               if geometry.intersects(FRAME)}
    north = unary_union([by_name[n] for n in NORTH_BANK])
    south = unary_union([by_name[n] for n in SOUTH_BANK])
    course = north.boundary.intersection(south.boundary).intersection(FRAME)
    lines = [g for g in getattr(course, "geoms", [course]) if g.geom_type in ("LineString", "MultiLineString")]
    river = linemerge(unary_union(lines)).simplify(TOLERANCE)
    out.append({"type": "Feature", "geometry": _geometry(river),
                "properties": {"kind": "river", "name_ko": "한강", "name_en": "Han River"}})
    return {"type": "FeatureCollection", "features": out}


def _topojson_shapes(topo):
    """{(municipality code, name): (shapely geometry, English name)} from a quantised, delta-encoded TopoJSON.
    A dong's code starts with its municipality's five digits."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes):
        points = []
        for i in indexes:
            arc = arcs[i] if i >= 0 else arcs[~i][::-1]  # ~i: arc i walked backwards
            points.extend(arc if not points else arc[1:])
        return points

    shapes = {}
    for geometry in next(iter(topo["objects"].values()))["geometries"]:
        if geometry["type"] == "Polygon":
            data = {"type": "Polygon", "coordinates": [ring(r) for r in geometry["arcs"]]}
        else:
            data = {"type": "MultiPolygon", "coordinates": [[ring(r) for r in p] for p in geometry["arcs"]]}
        props = geometry["properties"]
        # buffer(0) mends the few rings that touch themselves
        shapes[props["code"][:5], props["name"]] = shape(data).buffer(0), props.get("name_eng") or props["name"]
    return shapes


def _read(path):
    return _topojson_shapes(json.loads(Path(path).read_text(encoding="utf-8")))


def zone_shapes(municipalities, dongs):
    district_codes = {name: code for code, name in municipalities if code.startswith(SEOUL)}
    out = {}
    for code, (district, names) in ZONE_DONGS.items():
        area = unary_union([dongs[district_codes[district], name][0] for name in names])
        area = area.simplify(ZONE_TOLERANCE, preserve_topology=True)
        out[code] = {"dongs": names, "geometry": _geometry(area)}
    return out


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    municipalities = _read(argv[1])
    collection = build(municipalities)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{OUT}: {OUT.stat().st_size} bytes, {len(collection['features'])} features")
    shapes = zone_shapes(municipalities, _read(argv[2]))
    ZONES_OUT.write_text(json.dumps(shapes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{ZONES_OUT}: {ZONES_OUT.stat().st_size} bytes, zones {', '.join(shapes)}")


if __name__ == "__main__":
    main(sys.argv)
