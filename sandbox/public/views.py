"""Pages anyone may see without logging in: home, zones (with maps), the exemption catalogue."""
from flask import abort, jsonify, render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import sites
from ..extensions import db
from ..labels import Instrument, TechCategory
from ..models import ExemptionType, Zone
from ..rules.zones import capacity_view, capacity_views
from ..states import ApplicationState
from ..pages import maps
from .blueprint import bp



@bp.route("/")
def index():
    zone_count = db.session.scalar(select(db.func.count(Zone.id)))
    return render_template("public/index.html", zone_count=zone_count)


def _zones():
    return db.session.scalars(select(Zone).options(selectinload(Zone.exemption_types)).order_by(Zone.code)).all()


def _zone_or_404(code):
    zone = db.session.scalar(select(Zone).where(Zone.code == code).options(selectinload(Zone.exemption_types)))
    if zone is None:
        abort(404)
    return zone




@bp.route("/zones")
def zone_list():
    zones = _zones()
    capacities = capacity_views(zones)
    return render_template("public/zone_list.html", zones=zones, categories=TechCategory, instruments=Instrument,
                           capacities=capacities, trials=[maps.public_trial_row(a) for a in maps.public_trials()],
                           map=maps.map_settings(), states=ApplicationState)


@bp.route("/zones/map.geojson")
def zones_geojson():
    zones = _zones()
    capacities = capacity_views(zones)
    return jsonify(maps.feature_collection(zones, maps.public_trials(), capacities))


@bp.route("/zones/<code>/map.geojson")
def zone_geojson(code):
    zone = _zone_or_404(code)
    return jsonify(maps.feature_collection([zone], maps.public_trials(zone), {zone.id: capacity_view(zone)}))


def public_trial_chart(trials):
    """Bar-chart data (and its table) of the zone's public trials by state."""
    counts = {state: 0 for state in maps.PUBLIC_TRIAL_STATES}
    for row in trials:
        counts[ApplicationState(row["state"])] += 1
    return {"title": _("Trials by state"), "label": _("Trials"),
            "labels": [str(s.label) for s in counts], "values": list(counts.values()),
            "tones": [s.tone for s in counts]}


@bp.route("/zones/<code>")
def zone_detail(code):
    zone = _zone_or_404(code)
    trials = [maps.public_trial_row(a) for a in maps.public_trials(zone)]
    drawn_area = sites.area_m2(zone.boundary_geojson) if zone.boundary_geojson else None
    return render_template("public/zone_detail.html", zone=zone, categories=TechCategory, instruments=Instrument,
                           capacity=capacity_view(zone), trials=trials, chart=public_trial_chart(trials),
                           drawn_area=drawn_area, map=maps.map_settings(), states=ApplicationState)


@bp.route("/exemptions")
def exemption_list():
    types = db.session.scalars(
        select(ExemptionType).options(selectinload(ExemptionType.zones)).order_by(ExemptionType.code)).all()
    return render_template("public/exemption_list.html", exemption_types=types)
