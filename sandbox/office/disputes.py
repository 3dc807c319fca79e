"""The office's queue of disputes over organisations' registration numbers: both sides side by side,
the evidence (each download audited) and the decision."""
from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..labels import OrganisationKind
from ..models import Application, DisputeState, OrganisationDispute
from ..policy.disputes import resolve_problems
from ..services import disputes
from ..viewhelpers import load_or_404, me, refusals, require
from .blueprint import bp
from .forms import DisputeResolveForm
from .outcomes import page_status


@bp.route("/organisation-disputes")
def disputes_list():
    require("dispute.queue")
    return render_template("office/disputes.html", open_disputes=disputes.open_disputes(),
                           resolved=disputes.resolved_disputes(), kinds=OrganisationKind, states=DisputeState)


def _show(dispute, form=None, status=200):
    organisation = dispute.organisation
    applications = db.session.scalar(select(func.count()).select_from(Application)
                                     .where(Application.organisation_id == organisation.id))
    return render_template("office/dispute_show.html", dispute=dispute, organisation=organisation,
                           applications=applications, kinds=OrganisationKind,
                           state=DisputeState(dispute.state), form=form or DisputeResolveForm(),
                           problems=resolve_problems(me(), dispute)), status


@bp.route("/organisation-disputes/<int:dispute_id>")
def dispute_show(dispute_id):
    dispute = load_or_404(OrganisationDispute, dispute_id)
    require("dispute.view", dispute)
    return _show(dispute)


@bp.route("/organisation-disputes/<int:dispute_id>/resolve", methods=["POST"])
def dispute_resolve(dispute_id):
    dispute = load_or_404(OrganisationDispute, dispute_id)
    require("dispute.view", dispute)
    form, outcome = DisputeResolveForm(), None
    if form.validate_on_submit():
        # Another officer deciding first is a conflict: it goes on to the 409 page, which says so.
        with refusals() as outcome:
            disputes.resolve_dispute(me(), dispute, DisputeState(form.outcome.data), form.note.data)
        if outcome.ok:
            flash(_("The dispute is resolved; both sides are notified."), "success")
            return redirect(url_for(".dispute_show", dispute_id=dispute_id), code=303)
    return _show(dispute, form, page_status(form, outcome))


@bp.route("/organisation-disputes/<int:dispute_id>/evidence")
def dispute_evidence(dispute_id):
    dispute = load_or_404(OrganisationDispute, dispute_id)
    require("dispute.evidence", dispute)
    found = disputes.evidence_for_download(me(), dispute)
    if found is None:
        return redirect(url_for(".dispute_show", dispute_id=dispute_id))
    path, media_type, name = found
    return send_file(path, mimetype=media_type, as_attachment=True, download_name=name, max_age=0)
