"""Build the offline base map of Seoul (static/vendor/seoul-basemap/seoul.geojson) and the shipped zones'
boundaries that follow real administrative dongs (sandbox/seed/zone_shapes.json).

Source (open data, attribution licence):
  KOSTAT (통계청) census administrative boundaries 2013 (센서스용 행정구역경계), published under the
  Korea Open Government Licence type 1 (공공누리 제1유형: use, change and share with attribution),
  as repackaged in GeoJSON (WGS84 longitude/latitude) by the southkorea/seoul-maps repository
  (Lucy Park; Apache-2.0), file kostat/2013/json/seoul_municipalities_geo.json at commit
  dbb1dcde2e3c9937684c5a44ab9301888ad63ee6, and for the dongs (행정동) kostat/2013/json/
  seoul_submunicipalities_topo.json from the same commit (TopoJSON, quantised to about 4 m).

No package in the npm or PyPI registries ships Seoul's districts (checked 2026-12: the Korean map packages
there download their data at run time), so the repository is the source. Re-run:

    git clone https://github.com/southkorea/seoul-maps /tmp/seoul-maps
    git -C /tmp/seoul-maps checkout dbb1dcde2e3c9937684c5a44ab9301888ad63ee6
    .venv/bin/python tools/seoul_basemap.py /tmp/seoul-maps/kostat/2013/json/seoul_municipalities_geo.json \
        /tmp/seoul-maps/kostat/2013/json/seoul_submunicipalities_topo.json

What it writes: the 25 districts (자치구), simplified to about 10 m, coordinates rounded to about 1 m; and
the Han river's course through Seoul. The districts' boundaries run along the middle of the river, so
the river is where the north-bank districts meet the south-bank ones; that line is derived here from the
same data rather than taken from a second source. Main roads are not in this data.

Zones whose published area is a named dong or a group of dongs get that dong's real boundary (ZONE_DONGS);
the others keep the boxes in sandbox/seed/catalogue.py. Both stay marked approximate: a dong is the closest
open boundary, not the designation's own map.
"""
import json
import sys
from pathlib import Path

from shapely.geometry import mapping, shape
from shapely.ops import linemerge, unary_union

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "vendor" / "seoul-basemap" / "seoul.geojson"
ZONES_OUT = ROOT / "sandbox" / "seed" / "zone_shapes.json"
ZONE_TOLERANCE = 0.00005  # about 5 m: a zone's edge decides whether a trial site is inside
TOLERANCE = 0.0001  # degrees, about 10 m: district lines stay recognisable at the zoom of a zone
DIGITS = 5          # about 1 m
NORTH_BANK = {"마포구", "용산구", "성동구", "광진구"}
SOUTH_BANK = {"강서구", "영등포구", "동작구", "서초구", "강남구", "송파구", "강동구"}
# (district code, dong names): the Sangam DMC pilot district lies in Sangam-dong, the Yeouido finance
# district is Yeouido (Yeoui-dong), the Seongsu semi-industrial area spans the four Seongsu dongs, and the
# Suseo robot cluster sits in Suseo-dong.
ZONE_DONGS = {
    "SANGAM-AV": ("11140", ["상암동"]),
    "YEOUIDO-FIN": ("11190", ["여의동"]),
    "SEONGSU-IT": ("11040", ["성수1가1동", "성수1가2동", "성수2가1동", "성수2가3동"]),
    "SUSEO-ROBOT": ("11230", ["수서동"]),
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


def build(source):
    features = json.loads(Path(source).read_text(encoding="utf-8"))["features"]
    shapes = {f["properties"]["name"]: shape(f["geometry"]) for f in features}
    out = []
    for feature in sorted(features, key=lambda f: f["properties"]["code"]):
        props = feature["properties"]
        simple = shapes[props["name"]].simplify(TOLERANCE, preserve_topology=True)
        out.append({"type": "Feature", "geometry": _geometry(simple),
                    "properties": {"kind": "district", "code": props["code"], "name_ko": props["name"],
                                   "name_en": props["name_eng"]}})
    north = unary_union([shapes[n] for n in NORTH_BANK])
    south = unary_union([shapes[n] for n in SOUTH_BANK])
    course = north.boundary.intersection(south.boundary)
    lines = [g for g in getattr(course, "geoms", [course]) if g.geom_type in ("LineString", "MultiLineString")]
    river = linemerge(unary_union(lines)).simplify(TOLERANCE)
    out.append({"type": "Feature", "geometry": _geometry(river),
                "properties": {"kind": "river", "name_ko": "한강", "name_en": "Han River"}})
    return {"type": "FeatureCollection", "features": out}


def _topojson_shapes(topo):
    """{(district code, dong name): shapely geometry} from a quantised, delta-encoded TopoJSON."""
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
        shapes[props["code"][:5], props["name"]] = shape(data).buffer(0)  # a few rings touch themselves
    return shapes


def zone_shapes(source):
    dongs = _topojson_shapes(json.loads(Path(source).read_text(encoding="utf-8")))
    out = {}
    for code, (district, names) in ZONE_DONGS.items():
        area = unary_union([dongs[district, name] for name in names]).simplify(ZONE_TOLERANCE, preserve_topology=True)
        out[code] = {"dongs": names, "geometry": _geometry(area)}
    return out


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    collection = build(argv[1])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{OUT}: {OUT.stat().st_size} bytes, {len(collection['features'])} features")
    shapes = zone_shapes(argv[2])
    ZONES_OUT.write_text(json.dumps(shapes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{ZONES_OUT}: {ZONES_OUT.stat().st_size} bytes, zones {', '.join(shapes)}")


if __name__ == "__main__":
    main(sys.argv)
