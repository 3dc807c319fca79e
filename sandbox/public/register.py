"""The public register (no login): running and finished trials and decisions, each only once the office
has approved its redacted summary, on the zone map; and citizen feedback on running trials.

register_row() is the one place that decides what the public sees of a file: title, organisation,
zone, period, state, the approved summary, the conditions' wording, the decision's outcome and date,
and the evaluation's outcome. Never the application's own texts, documents, claims or contacts."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db, limiter
from ..i18n import current_language
from ..models import Application, Decision, PublicSummary, Trial, Zone
from ..rules.committee import latest_decision
from ..rules.trials import effective_end, trial_of
from ..services import feedback as feedback_service
from ..states import ApplicationState as S
from ..pages import maps
from ..viewhelpers import refusals
from .blueprint import bp
from .forms import FeedbackForm

RUNNING = (S.trial_active, S.suspended, S.extension_review, S.amendment_pending)
FINISHED = (S.result_reporting, S.evaluated, S.closed, S.permanent, S.temporary_permit, S.cancelled)


def _published():
    return db.session.scalars(
        select(Application).join(PublicSummary, PublicSummary.application_id == Application.id)
        .where(PublicSummary.published_at.is_not(None))
        .options(selectinload(Application.organisation), selectinload(Application.zone))
        .order_by(Application.period_start, Application.id)).all()


def _published_or_404(application_id):
    application = db.session.get(Application, application_id)
    if application is None or not feedback_service.is_published(application):
        abort(404)
    return application


def public_facts(applications):
    """{application id: (summary, latest decision, trial)} for many files in a few queries, so a long
    register costs what a short one does, not three queries a file."""
    ids = [a.id for a in applications]
    if not ids:
        return {}
    summaries = {s.application_id: s for s in db.session.scalars(
        select(PublicSummary).where(PublicSummary.application_id.in_(ids)))}
    decisions = {}
    for decision in db.session.scalars(select(Decision).where(Decision.application_id.in_(ids))
                                       .options(selectinload(Decision.conditions)).order_by(Decision.id)):
        decisions[decision.application_id] = decision  # ordered by id: the latest stays
    trials = {t.application_id: t for t in db.session.scalars(
        select(Trial).where(Trial.application_id.in_(ids))
        .options(selectinload(Trial.extension_requests), selectinload(Trial.evaluation)))}
    return {i: (summaries.get(i), decisions.get(i), trials.get(i)) for i in ids}


def register_row(application, facts=None):
    summary, decision, trial = facts or (feedback_service.summary_of(application), latest_decision(application),
                                         trial_of(application))
    ends_on = effective_end(trial) if trial else application.period_end
    state = S(application.state)
    text = summary.summary_en if current_language() == "en" and summary.summary_en else summary.summary_ko
    return {
        "id": application.id, "title": application.title, "organisation": application.organisation.name,
        "zone": application.zone.name if application.zone else "", "zone_code": application.zone.code if application.zone else "",
        "period_start": application.period_start.isoformat() if application.period_start else None,
        "period_end": ends_on.isoformat() if ends_on else None, "state": state.value, "state_label": str(state.label),
        "summary": text, "conditions": [c.text for c in decision.conditions] if decision else [],
        "decision": str(decision.outcome.label) if decision else "",
        "decided_on": decision.decided_at.date().isoformat() if decision else None,
        "evaluation": str(trial.evaluation.outcome.label) if trial and trial.evaluation else "",
        "scale_up_zones": list(trial.evaluation.scale_up_zones) if trial and trial.evaluation else [],
        "feedback_open": state in feedback_service.FEEDBACK_STATES,
    }


def _feature(application, row):
    keep = ("title", "organisation", "zone", "period_start", "period_end", "state", "state_label")
    return {"type": "Feature", "geometry": application.site_geojson,
            "properties": {"kind": "trial", **{k: row[k] for k in keep},
                           "url": url_for("public.register_detail", application_id=application.id)}}


def _collection(applications):
    facts = public_facts(applications)
    zone_ids = {a.zone_id for a in applications if a.zone_id}
    zones = db.session.scalars(select(Zone).where(Zone.id.in_(zone_ids)).order_by(Zone.code)).all() if zone_ids else []
    features = [maps.zone_feature(z) for z in zones if z.boundary_geojson]
    features += [_feature(a, register_row(a, facts[a.id])) for a in applications
                 if a.site_geojson and S(a.state) not in (S.approved, S.rejected)]
    return {"type": "FeatureCollection", "features": features}


@bp.route("/register")
def register():
    published = _published()
    facts = public_facts(published)
    rows = [(a, register_row(a, facts[a.id])) for a in published]
    groups = [(_("Running trials"), [r for a, r in rows if S(a.state) in RUNNING]),
              (_("Finished trials"), [r for a, r in rows if S(a.state) in FINISHED]),
              (_("Decisions awaiting a start, and rejections"), [r for a, r in rows if S(a.state) in (S.approved, S.rejected)])]
    return render_template("public/register.html", groups=groups, map=maps.map_settings(), states=S)


@bp.route("/register/map.geojson")
def register_geojson():
    return jsonify(_collection(_published()))


@bp.route("/register/<int:application_id>")
def register_detail(application_id):
    application = _published_or_404(application_id)
    return render_template("public/register_detail.html", row=register_row(application), map=maps.map_settings(), states=S,
                           feedback=feedback_service.published_feedback(application))


@bp.route("/register/<int:application_id>/map.geojson")
def register_detail_geojson(application_id):
    return jsonify(_collection([_published_or_404(application_id)]))


SEOUL = ZoneInfo("Asia/Seoul")


def throttle_message(request_limit):
    """The limit in words and when the next message may go, read from the limit that was hit, so the page
    says what FEEDBACK_RATE_LIMIT says."""
    item = request_limit.limit
    seconds = item.get_expiry()
    if seconds == 3600:
        allowed = _("You may send at most %(count)d messages an hour from one address.", count=item.amount)
    elif seconds % 3600 == 0:
        allowed = _("You may send at most %(count)d messages in %(hours)d hours from one address.",
                    count=item.amount, hours=seconds // 3600)
    else:
        allowed = _("You may send at most %(count)d messages in %(minutes)d minutes from one address.",
                    count=item.amount, minutes=max(1, seconds // 60))
    again = datetime.fromtimestamp(request_limit.reset_at, tz=timezone.utc).astimezone(SEOUL)
    return allowed + " " + _("You can send this one from %(time)s (Korea time). What you wrote is kept below.",
                             time=again.strftime("%Y-%m-%d %H:%M"))


def _feedback_throttled(request_limit):
    # Called by the limiter before the view: the form is bound to what was posted, so nothing typed is lost.
    application = _published_or_404(request.view_args["application_id"])
    form = FeedbackForm()
    page = render_template("public/register_feedback.html", row=register_row(application), form=form,
                           map=maps.map_settings(), throttled=throttle_message(request_limit))
    return make_response(page, 429)


@bp.route("/register/<int:application_id>/feedback", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["FEEDBACK_RATE_LIMIT"], methods=["POST"], on_breach=_feedback_throttled)
def register_feedback(application_id):
    application = _published_or_404(application_id)
    form = FeedbackForm()
    if form.validate_on_submit():
        with refusals() as outcome:
            feedback_service.leave_feedback(application, form.text.data, form.location.data or None, form.contact.data)
        if outcome.ok:
            flash(_("Thank you. Your feedback will appear once the sandbox office has checked it."), "success")
            return redirect(url_for(".register_detail", application_id=application.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("public/register_feedback.html", row=register_row(application), form=form,
                           map=maps.map_settings()), status
