"""Geometry of zones and trial sites: parsing, validation, containment, area and clashes."""
import json
import math

from flask_babel import gettext as _
from shapely.geometry import shape
from shapely.validation import explain_validity

# Seoul's bounding box (WGS84), generously rounded.
SEOUL_BOUNDS = (126.76, 37.41, 127.19, 37.72)  # min lon, min lat, max lon, max lat
SITE_TYPES = {"Point", "Polygon", "MultiPolygon", "LineString"}
BOUNDARY_TYPES = {"Polygon", "MultiPolygon"}


class GeometryError(ValueError):
    pass


def parse_geojson(value, allowed=SITE_TYPES):
    """A GeoJSON geometry (or Feature) as a dict; raises GeometryError with a reason a person can act on."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise GeometryError(_("This is not valid JSON: %(error)s", error=str(exc))) from exc
    if not isinstance(value, dict):
        raise GeometryError(_("GeoJSON must be an object with a “type”."))
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    if value.get("type") == "FeatureCollection":
        raise GeometryError(_("Give one geometry, not a FeatureCollection."))
    if value.get("type") not in allowed:
        raise GeometryError(_("Geometry type must be one of: %(types)s.", types=", ".join(sorted(allowed))))
    try:
        geom = shape(value)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise GeometryError(_("The coordinates are malformed: %(error)s", error=str(exc))) from exc
    if geom.is_empty:
        raise GeometryError(_("The geometry is empty."))
    if not geom.is_valid:
        raise GeometryError(_("The geometry is not valid: %(why)s", why=explain_validity(geom)))
    min_x, min_y, max_x, max_y = geom.bounds
    lo_x, lo_y, hi_x, hi_y = SEOUL_BOUNDS
    if min_x < lo_x or max_x > hi_x or min_y < lo_y or max_y > hi_y:
        raise GeometryError(_("The geometry lies outside Seoul (WGS84 longitude, latitude expected)."))
    return value


def to_shape(geojson):
    return shape(geojson)


def site_problems(site_geojson, zone):
    """Reasons the site cannot be used in the zone; empty when it lies wholly inside (touching is inside)."""
    if not zone.boundary_geojson:
        return [_("The zone %(zone)s has no boundary yet; the office must publish one.", zone=zone.name)]
    try:
        site = shape(parse_geojson(site_geojson))
    except GeometryError as exc:
        return [str(exc)]
    if not shape(zone.boundary_geojson).covers(site):
        return [_("The trial site must lie wholly inside the zone %(zone)s.", zone=zone.name)]
    return []


def area_m2(geojson):
    """Approximate area in square metres (equirectangular projection at the shape's latitude; fine at city scale)."""
    geom = shape(geojson)
    if geom.area == 0:
        return 0
    lat = math.radians(geom.centroid.y)
    metres_per_degree_lat = 111_320.0
    metres_per_degree_lon = 111_320.0 * math.cos(lat)
    return round(geom.area * metres_per_degree_lat * metres_per_degree_lon)
