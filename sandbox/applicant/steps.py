"""The multi-step application form: every step saves the draft, so the applicant can leave and resume.

What is still missing comes from the submit guards (services.workflow.blocking_reasons), never from
a second list kept here; this module only works out which step fixes each missing item."""
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import StaleObject
from ..extensions import db
from ..pages.file_details import details
from ..labels import DocumentKind, Instrument, LegalGround, TechCategory, options
from ..models import Application, Document, ExemptionRequest, ExemptionType, Zone
from ..services import applications, documents
from ..services.applications import EDITABLE_FIELDS
from ..services.workflow import available_triggers, blocking_reasons
from ..sites import area_m2, to_shape
from ..viewhelpers import load_or_404, me, refusals, require
from ..workflow.machine import steps_for as workflow_steps
from . import step_forms
from .step_forms import DocumentUploadForm, ExemptionRequestForm
from .blueprint import bp

# Guards that check one field at a time: run against the draft as if only one step's fields
# were as entered, each reason they give belongs to that step.
COMPLETENESS_GUARDS = {"form_complete", "question_complete"}
# Guards that look at the whole file, and the step where the applicant fixes what they report.
GUARD_STEP = {"has_exemption_request": "exemptions", "zone_offers_instrument": "basics",
              "category_allowed": "basics", "site_inside_zone": "scope", "period_within_limit": "scope"}
FILLED = {"zone_id": 0, "category": TechCategory.other, "site_geojson": {}, "period_start": date.min,
          "period_end": date.max, "units": 0, "users_planned": 0}


class _OnlyStepMissing:
    """The application with every field outside `columns` treated as filled in."""

    def __init__(self, application, columns):
        self._application, self._columns = application, set(columns)

    def __getattr__(self, name):
        value = getattr(self._application, name)
        if name in self._columns or name not in EDITABLE_FIELDS:
            return value
        if value is None or (isinstance(value, str) and not value.strip()):
            return FILLED.get(name, "-")
        return value


def where_to_fix(application, steps):
    """{reason: step key} for every reason the submit guards give now."""
    where = {}
    submit = workflow_steps(application.instrument, trigger="submit")
    for guard in (submit[0].guards if submit else ()):
        name = getattr(guard, "__name__", "")
        if name in COMPLETENESS_GUARDS:
            for step in steps:
                if step.columns:
                    for reason in guard(_OnlyStepMissing(application, step.columns)):
                        where.setdefault(reason, step.key)
        elif name in GUARD_STEP:
            for reason in guard(application):
                where.setdefault(reason, GUARD_STEP[name])
    return where


def misfit_requests(application):
    """Requested exemptions the chosen zone does not offer (e.g. after the zone was changed)."""
    if application.zone is None:
        return []
    offered = set(application.zone.exemption_types)
    return [r for r in application.exemption_requests if r.exemption_type not in offered]


def _editable(application_id):
    application = load_or_404(Application, application_id)
    require("application.edit", application)
    return application


def _find_step(steps, key):
    if key is None:
        return steps[0]
    for step in steps:
        if step.key == key:
            return step
    abort(404)


def _indicator(application, steps):
    unfinished = set(where_to_fix(application, steps).values())
    rows = []
    for step in steps:
        if step.key == "documents":
            done = bool(application.documents)
        else:
            done = bool(step.columns) and step.key not in unfinished
        url = url_for(".edit", application_id=application.id, step=step.key)
        rows.append((step.key, step.label, url, done))
    return rows


def _zone_choices(application, blank_label):
    zones = db.session.scalars(db.select(Zone).order_by(Zone.code)).all()
    offered = [z for z in zones
               if str(application.instrument) in (z.instruments or []) or z.id == application.zone_id]
    choices = options(((z.id, f"{z.name} ({z.district})") for z in offered), blank=blank_label)
    return choices, {z.id: z for z in offered}


def _main_form(application, step):
    form = step.form(obj=application)
    zones = {}
    if "zone_id" in form:
        blank = _("Choose a zone") if "category" in form else _("No particular zone")
        form.zone_id.choices, zones = _zone_choices(application, blank)
    if hasattr(form, "show_site") and request.method == "GET":
        form.show_site(application.site_geojson)
    return form, zones


def _exemption_form(application, form=None):
    form = form or ExemptionRequestForm()
    types = application.zone.exemption_types if application.zone else []
    form.exemption_type.choices = options(((t.id, f"{t.name} — {t.law} {t.article}")
                                           for t in sorted(types, key=lambda t: t.code)),
                                          blank=_("Choose an exemption"))
    return form


def _zone_bounds(application):
    if application.zone is None or not application.zone.boundary_geojson:
        return None
    min_lon, min_lat, max_lon, max_lat = to_shape(application.zone.boundary_geojson).bounds
    return {"min_lon": f"{min_lon:.4f}", "max_lon": f"{max_lon:.4f}", "min_lat": f"{min_lat:.4f}",
            "max_lat": f"{max_lat:.4f}"}


def _render(application, step, status=200, **forms):
    steps = step_forms.steps_for(application.instrument)
    if step.form is not None and "form" not in forms:
        forms["form"] = _main_form(application, step)[0]
    if step.key == "exemptions":
        forms["add_form"] = _exemption_form(application, forms.get("add_form"))
    if step.key == "documents":
        forms.setdefault("upload_form", DocumentUploadForm())
    position = [s.key for s in steps].index(step.key)
    context = dict(
        application=application, step=step, steps=_indicator(application, steps), grounds=LegalGround,
        previous=steps[position - 1] if position > 0 else None,
        next=steps[position + 1] if position + 1 < len(steps) else None,
        misfits=misfit_requests(application), zone_bounds=_zone_bounds(application), **forms)
    if step.key == "review":
        context.update(_review_context(application, steps))
    return render_template(step.template, **context), status


def _review_context(application, steps):
    where = where_to_fix(application, steps)
    missing = [(reason, where.get(reason)) for reason in blocking_reasons(application, "submit")]
    submit = [{**a, "url": url_for("casefile.act", application_id=application.id, trigger=a["trigger"],
                                   version=application.version)}
              for a in available_triggers(application, me()) if a["trigger"] == "submit" and a["enabled"]]
    rows = [(_("Title"), application.title), (_("Zone"), application.zone.name if application.zone else None),
            *details(application)]
    if application.instrument != Instrument.quick_confirmation:
        rows.append((_("Trial site"), _site_summary(application.site_geojson)))
    return {"missing": missing, "submit_actions": submit, "summary_rows": rows}


def _site_summary(site):
    if not site:
        return None
    if site.get("type") == "Point":
        lon, lat = site["coordinates"][:2]
        return _("Point at latitude %(lat)s, longitude %(lon)s", lat=lat, lon=lon)
    return _("Area of about %(m2)s m²", m2=f"{area_m2(site):,}")


@bp.route("/applications/<int:application_id>/edit", defaults={"step": None}, methods=["GET", "POST"])
@bp.route("/applications/<int:application_id>/edit/<step>", methods=["GET", "POST"])
def edit(application_id, step):
    application = _editable(application_id)
    steps = step_forms.steps_for(application.instrument)
    current = _find_step(steps, step)
    if request.method == "GET":
        return _render(application, current)
    if current.form is None:
        abort(405)
    form, zones = _main_form(application, current)
    if not (form.validate_on_submit() and form.check_fits(zones)):
        return _render(application, current, 422, form=form)
    old_zone = application.zone_id
    try:
        applications.save_draft(me(), application, form.changes(), step=current.key,
                                expected_version=form.expected_version())
    except StaleObject as exc:
        return _changed_meanwhile(application, current, form, exc)
    flash(_("Saved."), "success")
    if application.zone_id != old_zone and misfit_requests(application):
        names = ", ".join(r.exemption_type.name for r in misfit_requests(application))
        flash(_("The new zone does not offer these requested exemptions: %(names)s. Remove them in the "
                "exemptions step or choose another zone.", names=names), "warning")
    position = [s.key for s in steps].index(current.key)
    go_on = form.goes_on() and position + 1 < len(steps)
    target = steps[position + 1] if go_on else current
    return redirect(url_for(".edit", application_id=application.id, step=target.key), code=303)


def _changed_meanwhile(application, step, form, exc):
    """The 409 page for a draft saved by someone else first: the step again, with what this user entered
    and the current version, so saving once more keeps their text on purpose. The service's atomic() has
    rolled back, so the application reads its current version afresh."""
    form.version.data = str(application.version)
    flash(exc.message, "warning")
    return _render(application, step, 409, form=form)


@bp.route("/applications/<int:application_id>/exemptions", methods=["POST"])
def exemption_add(application_id):
    application = _editable(application_id)
    step = _find_step(step_forms.steps_for(application.instrument), "exemptions")
    form = _exemption_form(application)
    if form.validate_on_submit():
        exemption_type = db.session.get(ExemptionType, form.exemption_type.data)
        with refusals(beside=form.exemption_type) as outcome:
            applications.add_exemption_request(me(), application, exemption_type,
                                               LegalGround(form.legal_ground.data), form.justification.data)
        if outcome.ok:
            flash(_("Exemption request added: %(name)s.", name=exemption_type.name), "success")
            return redirect(url_for(".edit", application_id=application.id, step="exemptions"), code=303)
    return _render(application, step, 422, add_form=form)


@bp.route("/applications/<int:application_id>/exemptions/<int:request_id>/remove", methods=["POST"])
def exemption_remove(application_id, request_id):
    application = _editable(application_id)
    exemption_request = load_or_404(ExemptionRequest, request_id)
    if exemption_request.application_id != application.id:
        abort(404)
    name = exemption_request.exemption_type.name
    applications.remove_exemption_request(me(), application, exemption_request)
    flash(_("Exemption request removed: %(name)s.", name=name), "success")
    return redirect(url_for(".edit", application_id=application.id, step="exemptions"), code=303)


@bp.route("/applications/<int:application_id>/documents", methods=["POST"])
def document_upload(application_id):
    application = _editable(application_id)
    step = _find_step(step_forms.steps_for(application.instrument), "documents")
    form = DocumentUploadForm()
    if form.validate_on_submit():
        with refusals(beside=form.file) as outcome:
            document = documents.upload_document(me(), application, form.file.data,
                                                  DocumentKind(form.kind.data))
        if outcome.ok:
            flash(_("Uploaded %(name)s.", name=document.original_name), "success")
            return redirect(url_for(".edit", application_id=application.id, step="documents"), code=303)
    return _render(application, step, 422, upload_form=form)


@bp.route("/applications/<int:application_id>/documents/<int:document_id>/remove", methods=["POST"])
def document_remove(application_id, document_id):
    application = _editable(application_id)
    document = load_or_404(Document, document_id)
    if document.application_id != application.id:
        abort(404)
    name = document.original_name
    documents.remove_document(me(), document)
    flash(_("Removed %(name)s.", name=name), "success")
    return redirect(url_for(".edit", application_id=application.id, step="documents"), code=303)
