"""A company whose registration number is already taken disputes the registration instead of being
locked out; it follows its disputes on the organisations page."""
from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from ..labels import OrganisationKind
from ..models import OrganisationDispute
from ..services import disputes
from ..viewhelpers import load_or_404, me, refusals, require
from .forms import DisputeForm
from .blueprint import bp


@bp.route("/organisations/disputes/new", methods=["GET", "POST"])
def dispute_new():
    require("organisation.dispute")
    if request.method == "GET":
        # Prefilled from the refused registration, so nothing typed there is lost.
        form = DisputeForm(data={key: request.args.get(key, "")[:200]
                                 for key in ("registration_number", "name", "kind")})
        return render_template("applicant/dispute_new.html", form=form)
    form = DisputeForm()
    if form.validate_on_submit():
        with refusals(beside=form.registration_number) as outcome:
            disputes.file_dispute(me(), form.registration_number.data, form.name.data,
                                  OrganisationKind(form.kind.data), form.statement.data,
                                  form.evidence.data or None)
        if outcome.ok:
            flash(_("Your dispute is filed. The sandbox office will verify it and tell you its decision."),
                  "success")
            return redirect(url_for(".organisations") + "#disputes-heading", code=303)
    return render_template("applicant/dispute_new.html", form=form), 422


@bp.route("/organisations/disputes/<int:dispute_id>/evidence")
def dispute_evidence(dispute_id):
    dispute = load_or_404(OrganisationDispute, dispute_id)
    require("dispute.evidence", dispute)
    found = disputes.evidence_for_download(me(), dispute)
    if found is None:
        return redirect(url_for(".organisations"))
    path, media_type, name = found
    return send_file(path, mimetype=media_type, as_attachment=True, download_name=name, max_age=0)
