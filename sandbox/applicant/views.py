"""The applicant portal: my organisations, my applications, starting a new one."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import policy
from ..extensions import db
from ..labels import Instrument, OrganisationKind, options
from ..models import Application
from ..services import accounts, applications, disputes
from ..services.workflow import available_triggers
from ..states import ApplicationState
from ..viewhelpers import me, refusals
from ..workflow import clocks
from .forms import JoinForm, NewApplicationForm, OrganisationForm
from .blueprint import bp



def _next_step(application, user):
    """The one thing the applicant should do next, in words: an open action, or what blocks the next one."""
    if application.state == ApplicationState.draft:
        return _("Complete the form and submit it.")
    if application.state == ApplicationState.supplement_requested:
        return _("Send the supplement the office asked for.")
    actions = [a for a in available_triggers(application, user) if a["trigger"] != "withdraw"]
    for action in actions:
        if action["enabled"]:
            return action["label"]
    for action in actions:
        return f"{action['label']}: {action['reasons'][0]}" if action["reasons"] else action["label"]
    return None




@bp.route("/")
def dashboard():
    user = me()
    rows = []
    if user.organisation_ids:
        apps = db.session.scalars(
            select(Application).where(Application.organisation_id.in_(user.organisation_ids))
            .options(selectinload(Application.clocks), selectinload(Application.organisation),
                     selectinload(Application.zone))
            .order_by(Application.updated_at.desc())).all()
        for app in apps:
            rows.append({"application": app, "state": ApplicationState(app.state), "clock": clocks.view(app.current_clock),
                         "next": _next_step(app, user), "editable": policy.may(user, "application.edit", app)})
    return render_template("applicant/dashboard.html", rows=rows, has_org=bool(user.organisation_ids))


def _organisations_page(create_form=None, join_form=None, status=200, dispute_url=None):
    user = me()
    return render_template("applicant/organisations.html",
                           create_form=create_form or OrganisationForm(prefix="create"),
                           join_form=join_form or JoinForm(prefix="join"), organisations=user.organisations,
                           kinds=OrganisationKind, disputes=disputes.disputes_filed_by(user),
                           dispute_url=dispute_url), status


@bp.route("/organisations")
def organisations():
    return _organisations_page()


@bp.route("/organisations/create", methods=["POST"])
def organisation_create():
    form = OrganisationForm(prefix="create")
    dispute_url = None
    if form.validate_on_submit():
        with refusals(beside=form.registration_number) as outcome:
            org = accounts.create_organisation(me(), form.name.data, form.registration_number.data,
                                               OrganisationKind(form.kind.data))
        if outcome.ok:
            flash(_("%(name)s is created. Share its invitation code with colleagues: %(code)s",
                    name=org.name, code=org.invite_code), "success")
            return redirect(url_for(".organisations"))
        if disputes.holder_of(form.registration_number.data) is not None:
            # Taken by someone else: the company is not locked out, it may dispute the registration.
            dispute_url = url_for(".dispute_new", name=form.name.data, kind=form.kind.data,
                                  registration_number=form.registration_number.data.strip())
    return _organisations_page(create_form=form, status=422, dispute_url=dispute_url)


@bp.route("/organisations/join", methods=["POST"])
def organisation_join():
    form = JoinForm(prefix="join")
    if form.validate_on_submit():
        with refusals(beside=form.invite_code) as outcome:
            org = accounts.join_organisation(me(), form.invite_code.data)
        if outcome.ok:
            flash(_("You have joined %(name)s.", name=org.name), "success")
            return redirect(url_for(".organisations"))
    return _organisations_page(join_form=form, status=422)


@bp.route("/applications/new", methods=["GET", "POST"])
def new():
    user = me()
    if not user.organisations:
        flash(_("Create or join your organisation first."), "info")
        return redirect(url_for(".organisations"))
    form = NewApplicationForm()
    form.organisation.choices = options((o.id, o.name) for o in user.organisations)
    if form.validate_on_submit():
        org = next(o for o in user.organisations if o.id == form.organisation.data)
        application = applications.create_application(user, org, Instrument(form.instrument.data))
        flash(_("Draft saved. You can leave at any time and continue later."), "success")
        return redirect(url_for("applicant.edit", application_id=application.id))
    return render_template("applicant/new.html", form=form)


