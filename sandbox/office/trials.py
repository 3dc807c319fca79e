"""The office's trial supervision (on the office blueprint): trials and their flags, breaches
and correction orders, hearings, extension decisions, the evaluation, public summaries and feedback
moderation. Suspension and resumption are the file page's workflow actions."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..labels import options
from ..models import Application, CorrectionOrder, Feedback
from ..rules import trial_reports as report_rules
from ..rules import trials as trial_rules
from ..services import evaluation as evaluation_service
from ..services import feedback as feedback_service
from ..services import incidents, trial_reports, trials
from ..pages.trials import trial_context
from ..states import ApplicationState as S
from ..viewhelpers import load_or_404, me, refusals, require
from .blueprint import bp
from .trial_forms import FORMS, OrderExtendForm

WATCHED = (S.approved, *trial_rules.HEARING_STAGES, S.result_reporting, S.evaluated)


def _file(application_id):
    application = load_or_404(Application, application_id)
    require("trial.supervise", application)
    return application


def _forms(application, **given):
    trial = trial_rules.trial_of(application)
    forms = {name: given.get(name) or cls(prefix=name) for name, cls in FORMS.items()}
    forms["order"].report_id.choices = options(((r.id, f"{r.kind.label} {r.period_to}")
                                                for r in (trial.reports if trial else [])), blank="—")
    summary = feedback_service.summary_of(application)
    if summary and "summary" not in given:
        forms["summary"].summary_ko.data, forms["summary"].summary_en.data = summary.summary_ko, summary.summary_en
    if trial and "plan" not in given:
        forms["plan"].kpis.data, forms["plan"].safety_items.data = "\n".join(trial.kpis), "\n".join(trial.safety_items)
    if "evaluation" not in given:
        forms["evaluation"].safety.data = evaluation_service.suggested_safety_score(evaluation_service.facts(application))
    return forms


def _render(application, status=200, **given):
    return render_template(
        "office/trial_detail.html", **trial_context(application), tf=_forms(application, **given),
        extend_form=OrderExtendForm, facts=evaluation_service.facts(application),
        summary=feedback_service.summary_of(application), hearings=trial_rules.hearings(application),
        all_feedback=db.session.scalars(select(Feedback).where(Feedback.application_id == application.id)
                                        .order_by(Feedback.created_at.desc())).all(),
        start_deadline_passed=trial_rules.start_deadline_passed(application),
        hearing_needed=trial_rules.hearing_problems(application)), status


def _done(application, message):
    flash(message, "success")
    return redirect(url_for(".trial_detail", application_id=application.id), code=303)


@bp.route("/trials")
def trial_list():
    require("trial.office")
    files = db.session.scalars(select(Application).where(Application.state.in_(WATCHED))
                               .order_by(Application.state, Application.id)).all()
    rows = []
    for application in files:
        trial = trial_rules.trial_of(application)
        rows.append({"application": application, "state": S(application.state), "ends_on": trial_rules.effective_end(trial)
                     if trial else application.period_end,
                     "breaches": sum(1 for r in (trial.reports if trial else []) if r.breach),
                     "open_orders": len(report_rules.open_orders(trial)),
                     "pending_claims": sum(1 for c in incidents.claims_of(trial) if c.outcome == "pending"),
                     "start_overdue": trial_rules.start_deadline_passed(application),
                     "published": feedback_service.is_published(application)})
    return render_template("office/trials.html", rows=rows,
                           pending_feedback=len(feedback_service.moderation_queue()))


@bp.route("/trials/<int:application_id>")
def trial_detail(application_id):
    return _render(_file(application_id))


def _post(application_id, name, action, message):
    application = _file(application_id)
    form = FORMS[name](prefix=name)
    if name == "order":
        form.report_id.choices = options([], blank="—")
    if not form.validate_on_submit():
        flash(_("Check the form: some fields are missing or invalid."), "danger")
        return _render(application, 422, **{name: form})
    with refusals() as outcome:
        action(application, form)
    if not outcome.ok:
        return _render(application, outcome.status, **{name: form})
    return _done(application, message)


@bp.route("/trials/<int:application_id>/plan", methods=["POST"])
def trial_plan(application_id):
    return _post(application_id, "plan", lambda a, f: trials.fix_plan(me(), a, f.kpis.data, f.safety_items.data),
                 _("Trial plan saved."))


@bp.route("/trials/<int:application_id>/orders", methods=["POST"])
def trial_order(application_id):
    def issue(application, form):
        trial = trial_rules.trial_of(application)
        report = next((r for r in trial.reports if r.id == form.report_id.data), None) if trial else None
        trial_reports.issue_correction_order(me(), application, form.breach.data, form.deadline.data, report)
    return _post(application_id, "order", issue, _("Correction order issued; the operator has been told."))


@bp.route("/trials/orders/<int:order_id>/extend", methods=["POST"])
def trial_order_extend(order_id):
    order = load_or_404(CorrectionOrder, order_id)
    application = _file(order.trial.application_id)
    form = OrderExtendForm(prefix=f"order{order.id}")
    if not form.validate_on_submit():
        flash(_("Give the new deadline."), "danger")
        return _render(application, 422)
    with refusals() as outcome:
        trial_reports.extend_correction_order(me(), order, form.new_deadline.data)
    if not outcome.ok:
        return _render(application, outcome.status)
    return _done(application, _("Correction order extended."))


@bp.route("/trials/orders/<int:order_id>/close/<outcome>", methods=["POST"])
def trial_order_close(order_id, outcome):
    order = load_or_404(CorrectionOrder, order_id)
    application = _file(order.trial.application_id)
    with refusals() as refused:
        trial_reports.close_correction_order(me(), order, outcome == "complied")
    if not refused.ok:
        return _render(application, refused.status)
    return _done(application, _("Correction order closed."))


@bp.route("/trials/<int:application_id>/hearings", methods=["POST"])
def trial_hearing(application_id):
    return _post(application_id, "hearing", lambda a, f: trials.record_hearing(
        me(), a, f.held_on.data, f.attendees.data, f.summary.data), _("Hearing recorded."))


@bp.route("/trials/<int:application_id>/extension", methods=["POST"])
def trial_extension_decision(application_id):
    return _post(application_id, "extension", lambda a, f: trials.decide_extension(
        me(), a, f.grant.data, f.reason.data), _("Extension decided."))


@bp.route("/trials/<int:application_id>/evaluation", methods=["POST"])
def trial_evaluation(application_id):
    def evaluate(application, form):
        scores = {k: getattr(form, k).data for k in evaluation_service.WEIGHTS}
        evaluation_service.record_evaluation(me(), application, scores, form.outcome.data,
                                             (form.zones.data or "").split(","), form.notes.data)
    return _post(application_id, "evaluation", evaluate, _("Evaluation recorded."))


@bp.route("/trials/<int:application_id>/summary", methods=["POST"])
def trial_summary(application_id):
    return _post(application_id, "summary", lambda a, f: feedback_service.save_public_summary(
        me(), a, f.summary_ko.data, f.summary_en.data, f.publish.data), _("Public summary saved."))


@bp.route("/feedback")
def feedback_queue():
    require("feedback.moderate")
    return render_template("office/feedback_queue.html", items=feedback_service.moderation_queue())


@bp.route("/feedback/<int:feedback_id>/<decision>", methods=["POST"])
def feedback_moderate(feedback_id, decision):
    require("feedback.moderate")
    item = load_or_404(Feedback, feedback_id)
    with refusals() as outcome:
        feedback_service.moderate_feedback(me(), item, decision == "publish")
    if outcome.ok:
        flash(_("Feedback published.") if decision == "publish" else _("Feedback rejected."), "success")
    return redirect(url_for(".feedback_queue"), code=303)
