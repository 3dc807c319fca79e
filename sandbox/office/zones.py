"""The zone registry for the sandbox office: list, create, edit, boundary, designation history and
the per-zone dashboard. Routes live on the office blueprint (/office/zones...)."""
import json

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..labels import options
from ..models import ExemptionType, Zone
from ..pages.maps import map_settings, public_trial_row
from ..rules import zones as zone_rules
from ..services import zones as zone_service
from ..services.feedback import zone_trial_counts
from ..states import ApplicationState
from ..viewhelpers import me, refusals, require
from .blueprint import bp
from .forms import BoundaryForm, DesignationForm, ZoneForm
from .outcomes import page_status


def _zone(code):
    require("zone.manage")
    zone = db.session.scalar(select(Zone).where(Zone.code == code))
    if zone is None:
        abort(404)
    return zone


def _zone_form(zone=None):
    form = ZoneForm(obj=zone)
    types = db.session.scalars(select(ExemptionType).order_by(ExemptionType.code)).all()
    form.exemption_type_ids.choices = options((t.id, f"{t.name} ({t.code})") for t in types)
    if zone is not None and not form.is_submitted():
        form.exemption_type_ids.data = [t.id for t in zone.exemption_types]
    return form


@bp.route("/zones")
def zones():
    require("zone.manage")
    listed = db.session.scalars(select(Zone).order_by(Zone.code)).all()
    capacities = zone_rules.capacity_views(listed)
    rows = [{"zone": z, "capacity": capacities[z.id]} for z in listed]
    return render_template("office/zone_list.html", rows=rows)


@bp.route("/zones/new", methods=["GET", "POST"])
def zone_new():
    require("zone.manage")
    form = _zone_form()
    if not form.is_submitted():
        form.capacity.data = 5
    outcome = None
    if form.validate_on_submit():
        with refusals(form) as outcome:
            zone = zone_service.create_zone(me(), form.zone_data())
        if outcome.ok:
            flash(_("Zone %(code)s created. Publish its boundary next.", code=zone.code), "success")
            return redirect(url_for(".zone_edit", code=zone.code), code=303)
    return render_template("office/zone_form.html", form=form, zone=None), page_status(form, outcome)


def _edit_page(zone, form=None, boundary_form=None, history_form=None, status=200):
    if boundary_form is None:
        boundary_form = BoundaryForm(formdata=None, approximate=zone.boundary_approximate, boundary=json.dumps(
            zone.boundary_geojson, ensure_ascii=False, indent=1) if zone.boundary_geojson else "")
    return render_template(
        "office/zone_form.html", zone=zone, form=form or _zone_form(zone),
        boundary_form=boundary_form, history_form=history_form or DesignationForm(formdata=None),
        map=map_settings(), trial_counts=zone_trial_counts(zone)), status


@bp.route("/zones/<code>/edit", methods=["GET", "POST"])
def zone_edit(code):
    zone = _zone(code)
    form = _zone_form(zone)
    outcome = None
    if form.validate_on_submit():
        with refusals(form) as outcome:
            diff = zone_service.update_zone(me(), zone, form.zone_data())
        if outcome.ok:
            flash(_("Zone %(code)s saved.", code=zone.code) if diff else _("Nothing changed."), "success")
            return redirect(url_for(".zone_edit", code=zone.code), code=303)
    return _edit_page(zone, form=form, status=page_status(form, outcome))


@bp.route("/zones/<code>/boundary", methods=["POST"])
def zone_boundary(code):
    zone = _zone(code)
    form = BoundaryForm()
    outcome = None
    if form.validate_on_submit():
        with refusals(form) as outcome:
            outside = zone_service.set_boundary(me(), zone, form.boundary.geometry, form.approximate.data)
        if outcome.ok:
            flash(_("The new boundary of %(code)s is published.", code=zone.code), "success")
            if outside:
                flash(_("These running trials now lie outside the zone: %(titles)s.",
                        titles=", ".join(a.display_title for a in outside)), "warning")
            return redirect(url_for(".zone_edit", code=zone.code) + "#boundary-heading", code=303)
    if outcome is None:  # the form refused it; a service's refusal already has its headline
        flash(_("The boundary was not saved: see the reason below."), "danger")
    return _edit_page(zone, boundary_form=form, status=page_status(form, outcome))


@bp.route("/zones/<code>/history", methods=["POST"])
def zone_history(code):
    zone = _zone(code)
    form = DesignationForm()
    outcome = None
    if form.validate_on_submit():
        with refusals(form) as outcome:
            zone_service.add_designation(me(), zone, form.date.data, form.event_ko.data, form.event_en.data)
        if outcome.ok:
            flash(_("Designation history entry added."), "success")
            return redirect(url_for(".zone_edit", code=zone.code) + "#history-heading", code=303)
    return _edit_page(zone, history_form=form, status=page_status(form, outcome))


def state_chart(counts):
    shown = [(state, n) for state, n in counts if n]
    return {"title": _("Applications by state"), "label": _("Applications"),
            "labels": [str(s.label) for s, _n in shown], "values": [n for _s, n in shown],
            "tones": [s.tone for s, _n in shown]}


@bp.route("/zones/<code>/dashboard")
def zone_dashboard(code):
    zone = _zone(code)
    counts = zone_rules.applications_by_state(zone)
    trials = zone_rules.running_trials(zone)
    return render_template(
        "office/zone_dashboard.html", zone=zone, chart=state_chart(counts),
        total=sum(n for _s, n in counts), capacity=zone_rules.capacity_view(zone),
        trials=[{"application": a, "row": public_trial_row(a), "state": ApplicationState(a.state)} for a in trials],
        map=map_settings(), trial_counts=zone_trial_counts(zone))
