"""Pages anyone may see without logging in: home, zones, the exemption catalogue."""
from flask import Blueprint, abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..labels import Instrument, TechCategory
from ..models import ExemptionType, Zone

bp = Blueprint("public", __name__)


@bp.route("/")
def index():
    zone_count = db.session.scalar(select(db.func.count(Zone.id)))
    return render_template("public/index.html", zone_count=zone_count)


@bp.route("/zones")
def zone_list():
    zones = db.session.scalars(
        select(Zone).options(selectinload(Zone.exemption_types)).order_by(Zone.code)).all()
    return render_template("public/zone_list.html", zones=zones, categories=TechCategory,
                           instruments=Instrument)


@bp.route("/zones/<code>")
def zone_detail(code):
    zone = db.session.scalar(select(Zone).where(Zone.code == code).options(selectinload(Zone.exemption_types)))
    if zone is None:
        abort(404)
    return render_template("public/zone_detail.html", zone=zone, categories=TechCategory, instruments=Instrument)


@bp.route("/exemptions")
def exemption_list():
    types = db.session.scalars(
        select(ExemptionType).options(selectinload(ExemptionType.zones)).order_by(ExemptionType.code)).all()
    return render_template("public/exemption_list.html", exemption_types=types)
