"""Geometry of zones and trial sites: parsing, validation, containment, area and clashes."""
import json
import math

import numpy as np

from flask import current_app
from flask_babel import gettext as _
from shapely.geometry import shape
import shapely
from shapely.validation import explain_validity
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Application
from .models.applications import SITE_HOLDING_STATES

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


# WGS84 ellipsoid.
_A = 6_378_137.0
_E2 = 6.69437999014e-3


def _local_radii(lat_deg):
    """Meridional (M) and prime-vertical (N) radii of curvature at a latitude, in metres."""
    s = math.sin(math.radians(lat_deg))
    w = math.sqrt(1 - _E2 * s * s)
    return _A * (1 - _E2) / w ** 3, _A / w


def to_metres(geom, origin=None):
    """`geom` in a local metric plane around `origin` (lon, lat; default: its centroid).

    A sinusoidal projection on the ellipsoid's radii at the origin: x scales with each vertex's own
    cos(latitude), which keeps areas true. Checked against the exact ellipsoidal area of
    latitude/longitude boxes: off by 0.00001% for a zone-sized box and 0.0003% for all of Seoul
    (pyproj would be exact but is not a dependency). Distances are as good at city scale."""
    lon0, lat0 = origin or (geom.centroid.x, geom.centroid.y)
    m, n = _local_radii(lat0)
    k = math.pi / 180

    def project(coords):
        lon, lat = coords[:, 0], coords[:, 1]
        return np.column_stack(((lon - lon0) * k * n * np.cos(np.radians(lat)), (lat - lat0) * k * m))

    return shapely.transform(geom, project)


def area_m2(geojson):
    """Area in square metres (0 for points and lines)."""
    geom = shape(geojson)
    if geom.area == 0:
        return 0
    return round(to_metres(geom).area)


CLASH_STATES = SITE_HOLDING_STATES


def _clash_buffer_m():
    return float(current_app.config.get("CLASH_BUFFER_M", 50))


# Enough for any committee to act on; more than this means the site itself is the problem.
MAX_CLASHES = 50


def find_clashes(application):
    """Approved or running trials whose site comes within CLASH_BUFFER_M of this file's site during
    an overlapping period, nearest first (at most MAX_CLASHES), as (other application, distance in metres)."""
    if not application.site_geojson:
        return []
    site = shape(application.site_geojson)
    buffer_m = _clash_buffer_m()
    origin = (site.centroid.x, site.centroid.y)
    site_m = to_metres(site, origin)
    near = {}
    for other_id, other_site in _clash_candidates(application, _degrees_box(site.bounds, buffer_m, origin[1])):
        distance = site_m.distance(to_metres(shape(other_site), origin))
        if distance <= buffer_m:
            near[other_id] = distance
    nearest = sorted(near, key=lambda other_id: (near[other_id], other_id))[:MAX_CLASHES]
    found = [(other, near[other.id]) for other in _load_applications(nearest)]
    return sorted(found, key=lambda pair: (pair[1], pair[0].id))


def _degrees_box(bounds, metres, latitude):
    d_lat = metres / 111_320.0
    d_lon = metres / (111_320.0 * max(math.cos(math.radians(latitude)), 0.01))
    west, south, east, north = bounds
    return west - d_lon, south - d_lat, east + d_lon, north + d_lat


def _clash_candidates(application, reach):
    """(id, site) of approved or running trials whose period overlaps this file's and whose site's
    bounding box meets `reach` (west, south, east, north): plain rows, not objects, since a city has
    thousands of trials and only a few lie near any one site."""
    stmt = select(Application.id, Application.site_geojson).where(
        Application.state.in_(CLASH_STATES), Application.site_geojson.is_not(None))
    west, south, east, north = reach
    stmt = stmt.where(Application.site_east >= west, Application.site_west <= east,
                      Application.site_north >= south, Application.site_south <= north)
    if application.id is not None:
        stmt = stmt.where(Application.id != application.id)
    # Touching days overlap; an open-ended period (a missing date) overlaps everything.
    if application.period_end is not None:
        stmt = stmt.where(or_(Application.period_start.is_(None), Application.period_start <= application.period_end))
    if application.period_start is not None:
        stmt = stmt.where(or_(Application.period_end.is_(None), Application.period_end >= application.period_start))
    return db.session.execute(stmt).all()


def _load_applications(ids):
    if not ids:
        return []
    return db.session.scalars(select(Application).where(Application.id.in_(list(ids)))
                              .options(selectinload(Application.organisation), selectinload(Application.zone))).all()


def clash_summary(application):
    """JSON-serialisable clashes for the file page, the committee and the decision record."""
    rows = []
    for other, distance in find_clashes(application):
        rows.append({
            "application_id": other.id,
            "reference": other.reference or "",
            "title": other.display_title,
            "organisation": other.organisation.name if other.organisation else "",
            "zone": other.zone.code if other.zone else "",
            "state": str(other.state),
            "period_start": other.period_start.isoformat() if other.period_start else None,
            "period_end": other.period_end.isoformat() if other.period_end else None,
            "distance_m": round(distance, 1),
            "overlapping": distance == 0,
        })
    return rows
