"""The operator's trial pages (on the applicant blueprint): start gate, insurance, reports, incidents,
claims, extension and law-amendment requests, and the result report."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import policy
from ..extensions import db
from ..labels import DocumentKind, options
from ..models import Application, Claim
from ..pages.maps import map_settings
from ..pages.trials import trial_context
from ..rules import trials as trial_rules
from ..rules import trial_reports as report_rules
from ..services import feedback as feedback_service
from ..services import incidents, trial_reports, trials
from ..services.workflow import blocking_reasons
from ..states import ApplicationState as S
from ..viewhelpers import load_or_404, me, refusals, require
from .trial_forms import (AmendmentForm, ClaimAnswerForm, ClaimForm, ExtensionForm, IncidentForm, InsuranceForm,
                          ReportForm, ResultReportForm)
from .blueprint import bp

SEOUL = ZoneInfo("Asia/Seoul")


def _file(application_id, action="trial.view"):
    application = load_or_404(Application, application_id)
    require(action, application)
    return application


def _back(application):
    return redirect(url_for(".trial", application_id=application.id), code=303)


def _render_trial(application, status=200, **forms):
    defaults = {"extension_form": ExtensionForm(prefix="ext"), "amendment_form": AmendmentForm(prefix="amd"),
                "claim_form": ClaimForm(prefix="claim")}
    defaults.update(forms)
    trial = trial_rules.trial_of(application)
    defaults["claim_form"].incident_id.choices = options((i.id, f"#{i.id} {i.occurred_at:%Y-%m-%d} {i.severity.label}")
                                                         for i in (trial.incidents if trial else []))
    return render_template("applicant/trial_show.html", **trial_context(application), **defaults,
                           answer_form=ClaimAnswerForm), status


@bp.route("/trials/<int:application_id>")
def trial(application_id):
    return _render_trial(_file(application_id))


@bp.route("/trials/<int:application_id>/start", methods=["POST"])
def trial_start(application_id):
    application = _file(application_id, "trial.operate")
    with refusals() as outcome:
        trials.start_trial(me(), application)
    if outcome.ok:
        flash(_("The trial has started. The report schedule is below."), "success")
    return _back(application)


@bp.route("/trials/<int:application_id>/insurance", methods=["GET", "POST"])
def trial_insurance(application_id):
    application = _file(application_id, "trial.operate")
    form = InsuranceForm()
    form.document_id.choices += options((str(d.id), d.original_name) for d in application.documents
                                        if d.kind == DocumentKind.insurance)
    if form.validate_on_submit():
        document = next((d for d in application.documents if str(d.id) == form.document_id.data), None)
        with refusals() as outcome:
            trials.record_insurance(me(), application, form.data, document)
        if outcome.ok:
            problems = trial_rules.insurance_problems(application)
            flash(_("Insurance recorded.") if not problems else
                  _("Insurance recorded, but it does not yet meet the start requirements."),
                  "success" if not problems else "warning")
            return _back(application)
    status = 422 if form.is_submitted() else 200
    return render_template("applicant/trial_insurance.html", application=application, form=form,
                           minimum_cover=trial_rules.MINIMUM_COVER), status


@bp.route("/trials/<int:application_id>/reports/new", methods=["GET", "POST"])
def trial_report(application_id):
    application = _file(application_id, "trial.operate")
    result = S(application.state) == S.result_reporting
    form = ResultReportForm() if result else ReportForm()
    if not form.is_submitted() and not result:
        due = [k for k, _d, filed in report_rules.schedule(trial_rules.trial_of(application)) if filed is None]
        form.kind.data = request.args.get("kind") or (due[0].value if due else None)
    if form.validate_on_submit():
        with refusals() as outcome:
            if result:
                trial_reports.file_result_report(me(), application, form.values())
            else:
                report = trial_reports.file_report(me(), application, form.kind.data, form.values())
        if outcome.ok:
            if not result and report.breach:
                flash(_("Report filed. It shows a breach of the conditions; the office has been told."), "warning")
            else:
                flash(_("Report filed."), "success")
            return _back(application)
    status = 422 if form.is_submitted() else 200
    return render_template("applicant/trial_report.html", application=application, form=form, result=result), status


@bp.route("/trials/<int:application_id>/incidents/new", methods=["GET", "POST"])
def trial_incident(application_id):
    application = _file(application_id, "trial.operate")
    form = IncidentForm()
    if form.validate_on_submit():
        data = {**form.data, "occurred_at": form.occurred_at.data.replace(tzinfo=SEOUL).astimezone(timezone.utc)}
        with refusals() as outcome:
            incident = incidents.report_incident(me(), application, data)
        if outcome.ok:
            if S(db.session.get(Application, application.id).state) == S.suspended and \
                    incident.severity == "critical":
                flash(_("Incident reported. A critical incident suspends the trial until the office resumes it."),
                      "warning")
            else:
                flash(_("Incident reported."), "success")
            return _back(application)
    if not form.is_submitted():
        form.occurred_at.data = datetime.now(SEOUL).replace(second=0, microsecond=0, tzinfo=None)
    status = 422 if form.is_submitted() else 200
    return render_template("applicant/trial_incident.html", application=application, form=form, map=map_settings()), status


@bp.route("/trials/<int:application_id>/claims", methods=["POST"])
def trial_claim(application_id):
    application = _file(application_id, "trial.operate")
    form = ClaimForm(prefix="claim")
    trial = trial_rules.trial_of(application)
    incident = next((i for i in (trial.incidents if trial else []) if i.id == form.incident_id.data), None)
    if form.validate_on_submit() and incident is not None:
        with refusals() as outcome:
            incidents.record_claim(me(), incident, form.claimant.data, form.amount.data, form.filed_on.data)
        if outcome.ok:
            flash(_("Claim recorded. Pay or refuse it in writing within 30 days."), "success")
            return _back(application)
    elif incident is None:
        flash(_("Choose the incident the claim concerns."), "danger")
    return _render_trial(application, 422, claim_form=form)


@bp.route("/trials/claims/<int:claim_id>/answer", methods=["POST"])
def trial_claim_answer(claim_id):
    claim = load_or_404(Claim, claim_id)
    application = claim.incident.trial.application
    require("trial.operate", application)
    form = ClaimAnswerForm(prefix=f"claim{claim.id}")
    if form.validate_on_submit():
        with refusals() as outcome:
            incidents.answer_claim(me(), claim, form.outcome.data, form.reason.data, form.paid_krw.data,
                                   form.decided_on.data)
        if outcome.ok:
            flash(_("Answer recorded and reported to the office."), "success")
    else:
        flash(_("Check the answer: %(errors)s", errors="; ".join(e for errs in form.errors.values() for e in errs)),
              "danger")
    return _back(application)


@bp.route("/trials/<int:application_id>/extension", methods=["POST"])
def trial_extension(application_id):
    application = _file(application_id, "trial.operate")
    form = ExtensionForm(prefix="ext")
    if form.validate_on_submit():
        with refusals() as outcome:
            trials.request_extension(me(), application, form.months.data, form.reason.data)
        if outcome.ok:
            flash(_("Extension requested. The trial runs on while the office decides."), "success")
            return _back(application)
    return _render_trial(application, 422, extension_form=form)


@bp.route("/trials/<int:application_id>/amendment", methods=["POST"])
def trial_amendment(application_id):
    application = _file(application_id, "trial.operate")
    form = AmendmentForm(prefix="amd")
    if form.validate_on_submit():
        with refusals() as outcome:
            trials.request_law_amendment(me(), application, form.law.data, form.reason.data)
        if outcome.ok:
            flash(_("Law amendment requested. The exemption stays valid until it is decided."), "success")
            return _back(application)
    return _render_trial(application, 422, amendment_form=form)


@bp.app_template_global()
def trial_panel(application):
    """The trial box on the shared file page: links to the trial pages for whoever may use them."""
    user = me()
    if S(application.state) not in (S.approved, *trial_rules.TRIAL_STAGES, S.result_reporting, S.evaluated, S.closed,
                                    S.cancelled, S.permanent, S.temporary_permit):
        return None
    trial = trial_rules.trial_of(application)
    return {
        "operator_url": url_for("applicant.trial", application_id=application.id)
        if policy.may(user, "trial.operate", application) else None,
        "office_url": url_for("office.trial_detail", application_id=application.id)
        if policy.may(user, "trial.supervise", application) else None,
        "feedback": feedback_service.team_feedback(application) if policy.may(user, "feedback.view", application)
        else [],
        "started_on": trial_rules.started_on(trial), "ends_on": trial_rules.effective_end(trial) if trial else None,
        "start_reasons": blocking_reasons(application, "start_trial") if S(application.state) == S.approved else [],
        "deemed_valid": S(application.state) == S.amendment_pending,
        "hearing_needed": trial_rules.hearing_problems(application),
    }
